package io.chargeflow.packet.gen;

import io.chargeflow.packet.MalformedReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Writes a synthetic capture of a mobile gateway tap and the exact truth of what the charging rule must bill from
 * it: the engine behind {@code chargeflow gen}. Called on the CLI's main thread (or a test thread); each
 * {@link #generate} call is self-contained, so an instance may be reused but not shared by concurrent calls.
 *
 * <p>The capture is classic pcap, little-endian, Ethernet, microsecond (or nanosecond) timestamps increasing over
 * {@link GeneratorConfig#duration()}. Subscriber-side frames carry the subscriber VLAN as innermost tag and are
 * billed to the IP source (uplink); network-side frames carry the network VLAN and are billed to the IP destination
 * (downlink). GTP-U uplink frames are billed by their inner packet; QinQ frames by their innermost tag; snaplen-cut
 * frames by their full IP length; peer-to-peer packets once per side; each IP fragment by its own length.
 * Unclassified frames (untagged or another VLAN) and malformed frames ({@link #MALFORMED_REASONS}) are never billed.
 * Billed bytes are IP-layer bytes: IPv4 total length, or 40 plus the IPv6 payload length.
 *
 * <p>The truth file is CSV with header {@code subscriber,ul_packets,ul_bytes,dl_packets,dl_bytes}, one row per
 * subscriber key that was billed, IPv4 keys first, then IPv6, each in address order. IPv4 keys are dotted quads;
 * IPv6 keys are prefixes of {@link GeneratorConfig#ipv6PrefixLength()} in RFC 5952 form ({@code 2001:db8:1:2::/64}),
 * bare addresses for length 128. Beside it, {@link #sidecar(Path)} holds the {@link GeneratorResult} as JSON.
 *
 * <p>Built for volume: frames are composed in place in one 1 MiB direct buffer written with a {@code FileChannel},
 * nothing is allocated per frame, so a 10-million-frame capture takes seconds (figures in the module README).
 */
public final class TrafficGenerator {
    /**
     * The malformed frames written, in the order they take turns: every reason an Ethernet pcap can carry, and
     * GTP-U echo requests/responses ({@link MalformedReason#GTP_NOT_GPDU}: path signalling, not malformed but never
     * charged, counted by the decoder through the same reasons).
     */
    public static final List<MalformedReason> MALFORMED_REASONS = List.of(
            MalformedReason.TRUNCATED_LINK_HEADER,
            MalformedReason.UNKNOWN_ETHERTYPE,
            MalformedReason.BAD_IP_VERSION,
            MalformedReason.TRUNCATED_IP_HEADER,
            MalformedReason.BAD_IHL,
            MalformedReason.IP_LENGTH_SHORTER_THAN_HEADER,
            MalformedReason.IP_LENGTH_EXCEEDS_FRAME,
            MalformedReason.BAD_IPV6_EXTENSION,
            MalformedReason.BAD_GTP,
            MalformedReason.TRUNCATED_TUNNEL,
            MalformedReason.BAD_INNER_PACKET,
            MalformedReason.UNSUPPORTED_JUMBOGRAM,
            MalformedReason.GTP_NOT_GPDU);

    /**
     * Writes {@code config.packets()} frames to {@code pcapOut}, the truth CSV to {@code truthOut} and its JSON
     * sidecar to {@link #sidecar(Path) sidecar(truthOut)}; existing files are replaced.
     *
     * @return the counts written, the same as the sidecar's
     * @throws IOException when a file cannot be written
     */
    public GeneratorResult generate(GeneratorConfig config, Path pcapOut, Path truthOut) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(pcapOut, "pcapOut");
        Objects.requireNonNull(truthOut, "truthOut");
        if (pcapOut.toAbsolutePath()
                .normalize()
                .equals(truthOut.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("pcapOut=" + pcapOut + " must differ from truthOut=" + truthOut);
        }
        SubscriberPlan plan = new SubscriberPlan(config.subscribers(), config.ipv6Share(), config.seed());
        TruthTable truth = new TruthTable(plan, config.ipv6PrefixLength());
        GeneratorRun run;
        PcapSink sink = new PcapSink(pcapOut, config);
        try (sink) {
            run = new GeneratorRun(config, plan, truth, sink);
            run.run();
        }
        long pcapBytes = sink.bytes();
        long rows = truth.write(truthOut);
        GeneratorResult result = run.result(rows, pcapBytes);
        Files.writeString(sidecar(truthOut), result.toJson(), StandardCharsets.US_ASCII);
        return result;
    }

    /** The JSON sidecar of a truth file: {@code <truth>.json} beside it. */
    public static Path sidecar(Path truthOut) {
        return truthOut.resolveSibling(truthOut.getFileName() + ".json");
    }
}

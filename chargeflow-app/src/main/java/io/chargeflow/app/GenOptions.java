package io.chargeflow.app;

import io.chargeflow.packet.gen.GeneratorConfig;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Option;

/** Options of the traffic generator, one to one with {@link GeneratorConfig} (see there for the defaults). */
final class GenOptions {
    private static final GeneratorConfig D = GeneratorConfig.defaults();

    @Option(names = "--packets", paramLabel = "N", description = "Frames to write (default: 1,000,000).")
    long packets = D.packets();

    @Option(names = "--subscribers", paramLabel = "N", description = "User equipments (default: 10,000).")
    int subscribers = D.subscribers();

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "Same seed and options, byte-identical files (default: 1).")
    long seed = D.seed();

    @Option(names = "--ipv6-share", paramLabel = "F", description = "Share of IPv6 UEs (default: 0.3).")
    double ipv6Share = D.ipv6Share();

    @Option(names = "--gtp-share", paramLabel = "F", description = "Share of uplink inside GTP-U (default: 0.2).")
    double gtpShare = D.gtpShare();

    @Option(names = "--qinq-share", paramLabel = "F", description = "Share of QinQ-tagged frames (default: 0.1).")
    double qinqShare = D.qinqShare();

    @Option(names = "--p2p-share", paramLabel = "F", description = "Share of UE-to-UE hairpins (default: 0.02).")
    double p2pShare = D.p2pShare();

    @Option(names = "--malformed-share", paramLabel = "F", description = "Share of malformed frames (default: 0.002).")
    double malformedShare = D.malformedShare();

    @Option(
            names = "--unclassified-share",
            paramLabel = "F",
            description = "Share of frames on no side VLAN (default: 0.01).")
    double unclassifiedShare = D.unclassifiedShare();

    @Option(
            names = "--snaplen-cut-share",
            paramLabel = "F",
            description = "Share of frames captured short but charged in full (default: 0.02).")
    double snaplenCutShare = D.snaplenCutShare();

    @Option(
            names = "--fragment-share",
            paramLabel = "F",
            description = "Share of fragmented datagrams (default: 0.01).")
    double fragmentShare = D.fragmentShare();

    @Option(names = "--gen-sub-vlan", paramLabel = "VLAN", description = "Subscriber-side VLAN written (default: 100).")
    int subVlan = D.subVlan();

    @Option(names = "--gen-net-vlan", paramLabel = "VLAN", description = "Network-side VLAN written (default: 200).")
    int netVlan = D.netVlan();

    @Option(
            names = "--truth-ipv6-prefix",
            paramLabel = "LEN",
            description = "IPv6 prefix length of the truth's keys (default: 64).")
    int ipv6PrefixLength = D.ipv6PrefixLength();

    @Option(names = "--nanos", description = "Nanosecond timestamps (pcap magic a1b23c4d).")
    boolean nanos;

    @Option(
            names = "--start",
            paramLabel = "INSTANT",
            description = "First packet time (default: 2026-01-01T00:00:00Z).")
    Instant start = D.start();

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Span of packet times (default: 10m).")
    Duration duration = D.duration();

    GeneratorConfig toConfig() {
        return GeneratorConfig.builder()
                .seed(seed)
                .packets(packets)
                .subscribers(subscribers)
                .ipv6Share(ipv6Share)
                .gtpShare(gtpShare)
                .qinqShare(qinqShare)
                .p2pShare(p2pShare)
                .malformedShare(malformedShare)
                .unclassifiedShare(unclassifiedShare)
                .snaplenCutShare(snaplenCutShare)
                .fragmentShare(fragmentShare)
                .subVlan(subVlan)
                .netVlan(netVlan)
                .ipv6PrefixLength(ipv6PrefixLength)
                .nanosecondTimestamps(nanos)
                .start(start)
                .duration(duration)
                .build();
    }
}

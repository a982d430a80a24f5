package io.chargeflow.app;

import io.chargeflow.packet.CaptureDirection;
import io.chargeflow.packet.LiveSource;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code meter}'s options of a live capture ({@code --interface} and what goes with it). */
final class LiveOptions {
    @Option(
            names = "--interface",
            paramLabel = "NAME",
            description = "Capture live from this interface (libpcap; root or CAP_NET_RAW) instead of files, until"
                    + " --duration, --count or Ctrl-C; then sessions close and the outputs are written. Repeat it"
                    + " for several interfaces (a tap's two ports): --side-rule ifname:NAME=SIDE tells them apart;"
                    + " with 'any' such rules name the interface each frame came in on.")
    List<String> interfaces = new java.util.ArrayList<>();

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "With --interface: stop after this long (e.g. 30s, 5m).")
    Duration duration;

    @Option(names = "--count", paramLabel = "N", description = "With --interface: stop after N frames.")
    long count;

    @Option(
            names = "--snaplen",
            paramLabel = "BYTES",
            description = "With --interface: bytes kept of each frame (default 65535; lengths are charged from the"
                    + " IP header either way).")
    int snaplen = 65_535;

    @Option(names = "--no-promiscuous", description = "With --interface: only frames addressed to this host.")
    boolean noPromiscuous;

    @Option(
            names = "--buffer",
            paramLabel = "MIB",
            description = "With --interface: the kernel's capture buffer per interface in MiB (default 64; 1..2047):"
                    + " what absorbs the reader's pauses; raise it when the summary shows kernel drops.")
    int bufferMiB = LiveSource.DEFAULT_BUFFER_MIB;

    @Option(
            names = "--no-reopen",
            description = "With --interface: an interface whose capture fails (it disappeared) is not opened again when"
                    + " it comes back; with none left the run ends.")
    boolean noReopen;

    @Option(
            names = "--filter",
            paramLabel = "EXPR",
            description = "With --interface: a capture filter (libpcap/tcpdump syntax, e.g. 'vlan and not port 22') the"
                    + " kernel applies before a frame is copied; frames it drops are never seen or counted.")
    String filter;

    @Option(
            names = "--status-every",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "With --interface: print a status line this often (frames and rate, kernel drops, sessions,"
                    + " CDRs durable, interfaces down; default 10s; 0 = never).")
    Duration statusEvery = Duration.ofSeconds(10);

    /** Whether an interface was named: the run captures live. */
    boolean given() {
        return !interfaces.isEmpty();
    }

    /** Refuses options that make no sense together, each with one line saying why. */
    void check(boolean files) {
        if (given() == files) {
            throw new UserException(
                    given()
                            ? "give capture files or --interface, not both"
                            : "nothing to meter: give capture files (pcap or pcapng) or --interface NAME");
        }
        if (!given()
                && (duration != null || count != 0 || filter != null || bufferMiB != LiveSource.DEFAULT_BUFFER_MIB)) {
            throw new UserException("--duration, --count, --filter and --buffer apply to --interface only");
        }
        if (statusEvery.isNegative()) {
            throw new UserException("--status-every must not be negative");
        }
        if (count < 0 || (duration != null && (duration.isNegative() || duration.isZero()))) {
            throw new UserException("--count and --duration must be positive");
        }
    }

    /** Opens the capture these options describe, of the frames {@code direction} names. */
    LiveCapture open(CaptureDirection direction) throws IOException {
        try {
            return LiveCapture.open(
                    interfaces,
                    new LiveSource.Options(snaplen, !noPromiscuous, count, filter, bufferMiB, !noReopen, direction),
                    duration);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }
}

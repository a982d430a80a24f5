package io.chargeflow.app;

import io.chargeflow.flow.FlowContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chargeflow meter}: meters capture files per subscriber and writes usage.csv and the summary. */
@Command(
        name = "meter",
        mixinStandardHelpOptions = true,
        description = "Meter pcap/pcapng captures, or a live interface, per subscriber: usage.csv, sessions, summary.")
final class MeterCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    MeterOptions meter = new MeterOptions();

    @Mixin
    CdrOptions cdr = new CdrOptions();

    @Mixin
    DatabaseMixin database = new DatabaseMixin();

    @Parameters(arity = "0..*", paramLabel = "CAPTURE", description = "pcap or pcapng files, read in order.")
    List<Path> captures = new java.util.ArrayList<>();

    @Option(
            names = "--interface",
            paramLabel = "NAME",
            description = "Capture live from this interface (libpcap; root or CAP_NET_RAW) instead of files, until"
                    + " --duration, --count or Ctrl-C; then sessions close and the outputs are written. Repeat it"
                    + " for several interfaces (a tap's two ports): --side-rule ifname:NAME=SIDE tells them apart.")
    List<String> liveInterfaces = new java.util.ArrayList<>();

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "With --interface: stop after this long (e.g. 30s, 5m).")
    java.time.Duration duration;

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
    int bufferMiB = io.chargeflow.packet.LiveSource.DEFAULT_BUFFER_MIB;

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
                    + " CDRs durable; default 10s; 0 = never).")
    java.time.Duration statusEvery = java.time.Duration.ofSeconds(10);

    @Option(names = "--out", paramLabel = "FILE", description = "Per-subscriber usage CSV (default: usage.csv).")
    Path out = Path.of("usage.csv");

    @Option(names = "--sessions", paramLabel = "FILE", description = "Write every closed session as JSON Lines.")
    Path sessions;

    @Option(names = "--summary-json", paramLabel = "FILE", description = "Write the run summary as JSON.")
    Path summaryJson;

    @Option(names = "--top", paramLabel = "N", description = "Print the N largest subscribers (default: 0).")
    int top;

    @Option(
            names = "--radius",
            paramLabel = "HOST:PORT",
            description = "Also listen for RADIUS accounting while metering (needs --data or --db): a Stop or a new"
                    + " holder of an address closes its session.")
    String radius;

    @Option(names = "--radius-client", paramLabel = "ADDRESS=SECRET", description = "A NAS and its secret; repeatable.")
    java.util.List<String> radiusClients = new java.util.ArrayList<>();

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress bar, no summary on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        FlowContext context = meter.toContext();
        var err = spec.commandLine().getErr();
        cdr.applyRules(context);
        if (radius != null && !database.given()) {
            throw new UserException("--radius needs the subscriber database: add --data DIR or --db JDBC_URL");
        }
        boolean live = !liveInterfaces.isEmpty();
        if (live == !captures.isEmpty()) {
            throw new UserException(
                    live
                            ? "give capture files or --interface, not both"
                            : "nothing to meter: give capture files (pcap or pcapng) or --interface NAME");
        }
        if (!live
                && (duration != null
                        || count != 0
                        || filter != null
                        || bufferMiB != io.chargeflow.packet.LiveSource.DEFAULT_BUFFER_MIB)) {
            throw new UserException("--duration, --count, --filter and --buffer apply to --interface only");
        }
        if (statusEvery.isNegative()) {
            throw new UserException("--status-every must not be negative");
        }
        if (count < 0 || (duration != null && (duration.isNegative() || duration.isZero()))) {
            throw new UserException("--count and --duration must be positive");
        }
        LiveCapture capture = live
                ? LiveCapture.open(
                        liveInterfaces, snaplen, !noPromiscuous, count, duration, filter, bufferMiB, !noReopen)
                : null;
        try {
            return meter(context, err, capture);
        } finally {
            if (capture != null) {
                // after every output is written: an interrupted run's exit waits for this
                capture.close();
            }
        }
    }

    private int meter(FlowContext context, java.io.PrintWriter err, LiveCapture capture) throws Exception {
        MeterResult result;
        Directory directory = database.given() ? Directory.open(database.options(), context) : null;
        CdrOptions.Journal journal = null;
        LiveStatus status = null;
        try {
            if (radius != null) {
                directory.startRadius(radius, radiusClients);
            }
            journal = cdr.openJournal(context);
            CdrOptions.Journal opened = journal;
            status = capture != null && !quiet && !statusEvery.isZero()
                    ? new LiveStatus(err, statusEvery, capture.source(), opened == null ? null : opened::acknowledged)
                    : null;
            result = capture != null
                    ? MeterRun.runInputs(
                            List.of(capture.input()),
                            context,
                            null,
                            sessions,
                            null,
                            directory,
                            status == null ? null : status::start)
                    : MeterRun.run(
                            captures,
                            context,
                            null,
                            sessions,
                            ProgressBar.wanted(quiet) ? new ProgressBar(System.err) : null,
                            directory);
        } finally {
            if (status != null) {
                status.close();
            }
            if (journal != null) {
                journal.close();
            }
            if (directory != null) {
                directory.close();
            }
        }
        Reports.writeUsageCsv(out, result, directory != null);
        if (summaryJson != null) {
            java.util.Map<String, Object> extra = new java.util.LinkedHashMap<>();
            if (capture != null) {
                // per interface: frames, kernel and interface drops (what a monitoring script watches)
                io.chargeflow.packet.LiveSource source = capture.source();
                List<java.util.Map<String, Object>> live = new java.util.ArrayList<>();
                for (int i = 0; i < source.interfaceCount(); i++) {
                    java.util.Map<String, Object> entry = new java.util.LinkedHashMap<>();
                    entry.put("interface", source.interfaceName(i));
                    entry.put("frames", source.frames(i));
                    entry.put("kernel_drops", source.drops(i));
                    entry.put("interface_drops", source.interfaceDrops(i));
                    entry.put("failure", source.failure(i));
                    entry.put("losses", source.losses(i));
                    entry.put("last_failure", source.lastFailure(i));
                    live.add(entry);
                }
                extra.put("live", live);
            }
            Reports.writeSummaryJson(summaryJson, result, extra);
        }
        if (top > 0) {
            Reports.printTop(spec.commandLine().getOut(), result, top);
        }
        if (!quiet) {
            Reports.printSummary(err, result);
            if (directory != null) {
                err.printf(
                        "  directory:    %,d bindings preloaded, %,d lookups from cache, %,d from the database%n",
                        directory.preloaded(),
                        directory.resolver().cacheHits(),
                        directory.resolver().cacheMisses());
            }
            if (capture != null) {
                io.chargeflow.packet.LiveSource source = capture.source();
                for (int i = 0; i < source.interfaceCount(); i++) {
                    err.printf(
                            "  live:         %,d frames from %s; dropped by the kernel %,d, by the interface %,d%s%n",
                            source.frames(i),
                            source.interfaceName(i),
                            source.drops(i),
                            source.interfaceDrops(i),
                            source.losses(i) == 0
                                    ? ""
                                    : String.format(
                                            "; capture lost %d time%s (%s)%s",
                                            source.losses(i),
                                            source.losses(i) == 1 ? "" : "s",
                                            source.lastFailure(i),
                                            source.failure(i) == null ? ", reopened" : ", down at the end"));
                }
            }
            if (journal != null) {
                err.printf(
                        "  cdrs:         %,d PGW-CDRs durable in %s (journal sequence %,d)%n",
                        journal.acknowledged(), cdr.journal, journal.writer().durableSequence());
            }
            err.flush();
        }
        if (capture != null) {
            // an interface whose capture failed (it disappeared, say): its sessions were closed and everything was
            // written like at any end of input, and the exit code says that the capture did not end as asked
            boolean failed = false;
            io.chargeflow.packet.LiveSource source = capture.source();
            for (int i = 0; i < source.interfaceCount(); i++) {
                if (source.failure(i) != null) {
                    err.printf(
                            "chargeflow: error: the capture of %s failed and was down at the end: %s (its frames"
                                    + " until then are charged)%n",
                            source.interfaceName(i), source.failure(i));
                    failed = true;
                }
            }
            err.flush();
            if (failed) {
                return 1;
            }
        }
        return 0;
    }
}

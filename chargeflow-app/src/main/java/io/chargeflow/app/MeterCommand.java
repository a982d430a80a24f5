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

    @Mixin
    LiveOptions live = new LiveOptions();

    @Option(names = "--out", paramLabel = "FILE", description = "Per-subscriber usage CSV (default: usage.csv).")
    Path out = Path.of("usage.csv");

    @Option(
            names = "--usage-every",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Rewrite the usage CSV (--out) this often while the run goes on (e.g. 1m): every key's totals"
                    + " so far, its open session's usage included, replaced in one step. Default: only at the end.")
    java.time.Duration usageEvery;

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
            names = "--metrics",
            paramLabel = "HOST:PORT",
            description = "Serve the run's metrics for Prometheus on http://HOST:PORT/metrics while it runs (frames,"
                    + " charged packets and bytes by direction, malformed frames by reason, sessions, CDRs durable,"
                    + " live capture frames, drops and state per interface, directory lookups, RADIUS requests, the"
                    + " JVM's); PORT alone listens on every"
                    + " address, 0 picks a free port.")
    String metrics;

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
        live.check(!captures.isEmpty());
        LiveCapture capture = live.given() ? live.open(meter.captureDirection()) : null;
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
        MeterMetrics served = metrics == null ? null : MeterMetrics.start(metrics);
        try {
            if (served != null && !quiet) {
                err.printf("chargeflow meter: metrics on port %d (/metrics)%n", served.port());
                err.flush();
            }
            return meter(context, err, capture, served);
        } finally {
            if (served != null) {
                // after every output is written, so that a last scrape can still see the run's end
                served.close();
            }
        }
    }

    private int meter(FlowContext context, java.io.PrintWriter err, LiveCapture capture, MeterMetrics served)
            throws Exception {
        MeterResult result;
        Directory directory = null;
        CdrOptions.Journal journal = null;
        LiveStatus status = null;
        if (usageEvery != null && (usageEvery.isNegative() || usageEvery.isZero())) {
            throw new UserException("--usage-every must be positive");
        }
        UsageSnapshots snapshots = usageEvery == null
                ? null
                : new UsageSnapshots(out, usageEvery, context.ipv6PrefixLength(), database.given(), err);
        try {
            directory = database.given() ? Directory.open(database.options(), context) : null;
            if (radius != null) {
                directory.startRadius(radius, radiusClients);
            }
            journal = cdr.openJournal(context, capture != null);
            CdrOptions.Journal opened = journal;
            status = capture != null && !quiet && !live.statusEvery.isZero()
                    ? new LiveStatus(
                            err, live.statusEvery, capture.source(), opened == null ? null : opened::acknowledged)
                    : null;
            LiveStatus printing = status;
            Directory subscribers = directory;
            java.util.function.Consumer<io.chargeflow.flow.FlowEngine> started = engine -> {
                if (printing != null) {
                    printing.start(engine);
                }
                if (snapshots != null) {
                    snapshots.start(engine);
                }
                if (served != null) {
                    served.attach(
                            engine,
                            capture == null ? null : capture.source(),
                            opened == null ? null : opened::acknowledged,
                            subscribers);
                }
            };
            result = capture != null
                    ? MeterRun.runInputs(List.of(capture.input()), context, null, sessions, null, directory, started)
                    : MeterRun.run(
                            captures,
                            context,
                            null,
                            sessions,
                            ProgressBar.wanted(quiet) ? new ProgressBar(System.err) : null,
                            directory,
                            started);
        } finally {
            if (snapshots != null) {
                // none may come after the final CSV below
                snapshots.close();
            }
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
            Reports.writeSummaryJson(
                    summaryJson,
                    result,
                    capture == null ? java.util.Map.of() : java.util.Map.of("live", capture.summary()));
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
                capture.printSummary(err);
            }
            if (journal != null) {
                journal.printSummary(err, cdr.journal);
            }
            err.flush();
        }
        // an interface down at the end: its sessions were closed and everything written as at any end of input, and
        // the exit code says that the capture did not end as asked
        return capture != null && capture.reportFailures(err) ? 1 : 0;
    }
}

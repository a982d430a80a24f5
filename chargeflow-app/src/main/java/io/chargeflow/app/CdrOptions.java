package io.chargeflow.app;

import io.chargeflow.cdr.AssemblerContext;
import io.chargeflow.cdr.journal.AckListener;
import io.chargeflow.cdr.journal.JournalCdrSink;
import io.chargeflow.cdr.journal.JournalContext;
import io.chargeflow.cdr.journal.JournalWriter;
import io.chargeflow.flow.FlowContext;
import io.chargeflow.flow.ServiceRules;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Option;

/** Offline-charging options of {@code meter}: rating-group rules, the CDR journal and partial-record limits. */
final class CdrOptions {
    @Option(
            names = "--rules",
            paramLabel = "FILE",
            description = "Rating-group rules (protocol, port, server prefix, server name from SNI/Host/DNS).")
    Path rules;

    @Option(
            names = "--journal",
            paramLabel = "DIR",
            description = "Write 3GPP PGW-CDRs of every session to this crash-proof journal.")
    Path journal;

    @Option(
            names = "--export",
            paramLabel = "DIR",
            description = "With --journal: export the CDRs into rotated files in DIR (with a manifest) while the run"
                    + " goes on, each once it is durable, exactly once across runs.")
    Path export;

    @Option(
            names = "--prune-exported",
            description = "With --export: remove the journal's segments once the export holds all their CDRs (never the"
                    + " one being written), so a run of months keeps a journal of a few segments.")
    boolean pruneExported;

    @Option(names = "--export-format", paramLabel = "FORMAT", description = "jsonl (default) or csv.")
    String exportFormat = "jsonl";

    static final long DEFAULT_EXPORT_RECORDS_PER_FILE = 100_000;

    @Option(
            names = "--export-records-per-file",
            paramLabel = "N",
            description = "CDRs per export file before it is closed into the manifest (default 100000).")
    long exportRecordsPerFile = DEFAULT_EXPORT_RECORDS_PER_FILE;

    @Option(
            names = "--export-every",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How often the export looks for newly durable CDRs (default 1s).")
    Duration exportEvery = Duration.ofSeconds(1);

    @Option(names = "--node-id", paramLabel = "ID", description = "Node id written into CDRs (default: chargeflow).")
    String nodeId = "chargeflow";

    @Option(
            names = "--cdr-volume-limit",
            paramLabel = "BYTES",
            description = "Cut a partial CDR once a record holds this many octets (default: 0 = never).")
    long volumeLimit;

    @Option(
            names = "--cdr-time-limit",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Cut a partial CDR once a record is this old, packet time (0 = never; default: never for"
                    + " files, 1h live, so that a session open for days is reported hourly and a crash loses at most"
                    + " an hour of its usage).")
    Duration timeLimit;

    /** The time limit of a live run's records unless --cdr-time-limit says otherwise. */
    static final Duration LIVE_TIME_LIMIT = Duration.ofHours(1);

    /** The time limit of a run's records: the one given, else the default of its input (live or files). */
    Duration effectiveTimeLimit(boolean live) {
        return timeLimit != null ? timeLimit : live ? LIVE_TIME_LIMIT : Duration.ZERO;
    }

    @Option(
            names = "--cdr-max-containers",
            paramLabel = "N",
            description = "Cut a partial CDR before a record would hold more containers (default: 0 = unlimited).")
    int maxContainers;

    @Option(
            names = "--commit-window",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Group-commit window of the journal (default: 0 = fsync as soon as the queue is empty).")
    Duration commitWindow = Duration.ZERO;

    /** Loads the rules into the context (when given). */
    void applyRules(FlowContext context) throws IOException {
        if (rules != null) {
            MeterRun.checkReadable(rules, "rules");
            context.serviceRules(ServiceRules.load(rules));
        }
    }

    /** As {@link #openJournal(FlowContext, boolean)} for capture files. */
    Journal openJournal(FlowContext context) {
        return openJournal(context, false);
    }

    /**
     * Opens the journal (and its export, if asked for) and wires one CDR recorder per processor; null when no journal
     * was asked for. {@code live}: the run captures live (its records' default time limit, see
     * {@link #effectiveTimeLimit}).
     */
    Journal openJournal(FlowContext context, boolean live) {
        if (pruneExported && export == null) {
            throw new UserException("--prune-exported needs --export DIR (only exported segments are removed)");
        }
        if (journal == null) {
            if (export != null) {
                throw new UserException("--export needs --journal DIR (the CDRs are exported from the journal)");
            }
            return null;
        }
        io.chargeflow.cdr.export.CdrFormat format =
                export == null ? null : CdrCommand.format("--export-format", exportFormat);
        if (export != null && exportRecordsPerFile < 1) {
            throw new UserException("--export-records-per-file=" + exportRecordsPerFile + " must be at least 1");
        }
        if (export != null && exportEvery.toMillis() < 1) {
            throw new UserException("--export-every must be at least 1ms");
        }
        if (volumeLimit < 0) {
            throw new UserException("--cdr-volume-limit=" + volumeLimit + " must be 0 (never) or a number of octets");
        }
        Duration recordTime = effectiveTimeLimit(live);
        if (recordTime.isNegative()) {
            throw new UserException("--cdr-time-limit=" + recordTime + " must not be negative");
        }
        if (maxContainers < 0 || maxContainers > 64) {
            throw new UserException("--cdr-max-containers=" + maxContainers + " must be 0 (unlimited) to 64");
        }
        // no ack listener: the run's durable count is the writer's durable sequence past what recovery found (a
        // listener is called per record, and for a batched record its payload is copied as the attachment)
        JournalWriter writer;
        try {
            writer = JournalWriter.open(
                    JournalContext.defaults(journal, AckListener.NONE).withCommitWindowNanos(commitWindow.toNanos()));
        } catch (io.chargeflow.cdr.journal.DirectoryLock.InUseException e) {
            throw new UserException("--journal " + e.getMessage());
        }
        int perProcessor = Math.max(4096, context.expectedSubscribers() / context.processors());
        // the processors enforce the record limits at the exact packet; the assembler cuts where it is told
        context.recordLimits(volumeLimit, recordTime, maxContainers);
        AssemblerContext assembler = new AssemblerContext(nodeId, 0, 0, 0, perProcessor);
        // chargingIDs unique on the node across runs: this run's start second, then a run-wide session counter
        AtomicLong chargingIds = new AtomicLong((System.currentTimeMillis() / 1000) << 28);
        // one sink per processor: a sink's encoding scratch buffer belongs to one thread
        context.sessionRecorders(
                id -> new CdrRecorder(assembler, new JournalCdrSink(writer), context.ipv6PrefixLength(), chargingIds));
        io.chargeflow.cdr.export.JournalFollower follower = null;
        if (export != null) {
            try {
                follower = io.chargeflow.cdr.export.JournalFollower.start(
                        writer,
                        io.chargeflow.cdr.export.JournalExporter.open(journal, export, format, exportRecordsPerFile),
                        exportEvery.toMillis(),
                        pruneExported);
            } catch (RuntimeException e) {
                try {
                    writer.close();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                throw e instanceof io.chargeflow.cdr.journal.DirectoryLock.InUseException
                        ? new UserException("--export " + e.getMessage())
                        : e;
            }
        }
        return new Journal(writer, follower);
    }

    /** An open journal, and its export while the run goes on (null without --export). */
    record Journal(JournalWriter writer, io.chargeflow.cdr.export.JournalFollower follower) implements AutoCloseable {
        /** CDRs this run made durable: sequences are gap-free from the one after what recovery found. */
        long acknowledged() {
            return writer.durableSequence() - writer.recovery().lastSequence();
        }

        /** The summary's lines of the journal and its export. */
        void printSummary(java.io.PrintWriter err, Path dir) {
            err.printf(
                    "  cdrs:         %,d PGW-CDRs durable in %s (journal sequence %,d)%n",
                    acknowledged(), dir, writer.durableSequence());
            if (follower != null) {
                err.printf(
                        "  export:       %,d CDRs exported into %s (position %,d, %,d file(s) in the manifest); %,d"
                                + " journal segment(s) pruned%n",
                        follower.exported(),
                        follower.exporter().outDir(),
                        follower.exporter().position(),
                        follower.exporter().manifest().size(),
                        follower.prunedSegments());
            }
        }

        /** Closes the writer (every record durable), then lets the export catch up and close its last file. */
        @Override
        public void close() throws InterruptedException {
            try {
                writer.close();
            } finally {
                if (follower != null) {
                    follower.close();
                }
            }
        }
    }
}

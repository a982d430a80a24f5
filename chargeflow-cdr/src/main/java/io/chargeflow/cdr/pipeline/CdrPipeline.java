package io.chargeflow.cdr.pipeline;

import io.chargeflow.cdr.AssemblerContext;
import io.chargeflow.cdr.CauseForRecClosing;
import io.chargeflow.cdr.CdrAssembler;
import io.chargeflow.cdr.export.CdrFormat;
import io.chargeflow.cdr.export.JournalExporter;
import io.chargeflow.cdr.export.JournalFollower;
import io.chargeflow.cdr.journal.JournalCdrSink;
import io.chargeflow.cdr.journal.JournalContext;
import io.chargeflow.cdr.journal.JournalWriter;
import io.chargeflow.cdr.journal.RecoveryReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CDR side of a run in one object, for {@code chargeflow meter --journal DIR}: opens (and recovers) the journal,
 * hands each processor its own {@link CdrAssembler} writing through the journal, optionally runs an exporter thread
 * ({@code chargeflow-cdr-export}) that follows the writer's durable sequence, and closes in the order that loses
 * nothing. Created and closed on the application's main thread; {@link #newAssembler} is called once per processor,
 * and each assembler is then used only on its processor's thread.
 *
 * <p>Shutdown: {@link #close(CauseForRecClosing, long)} asks every assembler to close its open sessions (call it
 * after the processors have stopped, so the assemblers are no longer in use), waits for the journal to make every
 * record durable, lets the exporter catch up, closes its open file into the manifest, and closes the writer.
 */
public final class CdrPipeline implements AutoCloseable {
    private final JournalWriter writer;
    private final JournalFollower follower;
    private final List<CdrAssembler> assemblers = new ArrayList<>();

    private CdrPipeline(
            JournalContext journal, Path exportDir, CdrFormat format, long recordsPerFile, long exportIntervalMs) {
        this.writer = JournalWriter.open(journal);
        if (exportDir == null) {
            this.follower = null;
        } else {
            JournalFollower started = null;
            try {
                started = JournalFollower.start(
                        writer,
                        JournalExporter.open(journal.dir(), exportDir, format, recordsPerFile),
                        exportIntervalMs);
            } finally {
                if (started == null) {
                    try {
                        writer.close();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            this.follower = started;
        }
    }

    /**
     * Opens the journal (recovering it) and, when {@code exportDir} is not null, starts the exporter thread.
     *
     * @param journal the journal writer's configuration
     * @param exportDir where exports go, or null for none
     * @param format the export format (ignored without exportDir)
     * @param recordsPerFile records per export file before it is closed into the manifest
     * @param exportIntervalMs how often the exporter looks for new durable records
     */
    public static CdrPipeline open(
            JournalContext journal, Path exportDir, CdrFormat format, long recordsPerFile, long exportIntervalMs) {
        if (exportIntervalMs < 1) {
            throw new IllegalArgumentException("exportIntervalMs=" + exportIntervalMs + " must be >= 1");
        }
        return new CdrPipeline(journal, exportDir, format, recordsPerFile, exportIntervalMs);
    }

    /** What journal recovery found at open (log it). */
    public RecoveryReport recovery() {
        return writer.recovery();
    }

    /** The journal writer (durable sequence, batches). */
    public JournalWriter writer() {
        return writer;
    }

    /** A new assembler for one processor, writing through the journal. Main thread, before processors start. */
    public synchronized CdrAssembler newAssembler(AssemblerContext context) {
        CdrAssembler assembler = new CdrAssembler(context, new JournalCdrSink(writer));
        assemblers.add(assembler);
        return assembler;
    }

    /** The exporter thread's failure, or null (it stops exporting at the first one; the journal is unaffected). */
    public RuntimeException exportFailure() {
        return follower == null ? null : follower.failure();
    }

    /** Closes open sessions with {@code cause} at {@code closeTimeMs}, then shuts down as described above. */
    public void close(CauseForRecClosing cause, long closeTimeMs) throws InterruptedException {
        synchronized (this) {
            for (CdrAssembler assembler : assemblers) {
                assembler.closeAll(cause, closeTimeMs);
            }
        }
        close();
    }

    /**
     * Shuts down without closing sessions (they were closed by the processors, which have stopped): what the
     * assemblers' sinks still batch is handed on first.
     */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            for (CdrAssembler assembler : assemblers) {
                assembler.flush();
            }
        }
        writer.sync();
        try {
            if (follower != null) {
                follower.close();
            }
        } finally {
            writer.close();
        }
    }
}

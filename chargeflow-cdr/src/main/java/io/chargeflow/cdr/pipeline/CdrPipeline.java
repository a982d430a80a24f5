package io.chargeflow.cdr.pipeline;

import io.chargeflow.cdr.AssemblerContext;
import io.chargeflow.cdr.CauseForRecClosing;
import io.chargeflow.cdr.CdrAssembler;
import io.chargeflow.cdr.export.CdrFormat;
import io.chargeflow.cdr.export.JournalExporter;
import io.chargeflow.cdr.journal.JournalCdrSink;
import io.chargeflow.cdr.journal.JournalContext;
import io.chargeflow.cdr.journal.JournalWriter;
import io.chargeflow.cdr.journal.RecoveryReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
    private final JournalExporter exporter;
    private final Thread exportThread;
    private final List<CdrAssembler> assemblers = new ArrayList<>();
    private volatile boolean stopping;
    private volatile RuntimeException exportFailure;

    private CdrPipeline(
            JournalContext journal, Path exportDir, CdrFormat format, long recordsPerFile, long exportIntervalMs) {
        this.writer = JournalWriter.open(journal);
        if (exportDir == null) {
            this.exporter = null;
            this.exportThread = null;
        } else {
            this.exporter = JournalExporter.open(journal.dir(), exportDir, format, recordsPerFile);
            long pauseNs = TimeUnit.MILLISECONDS.toNanos(exportIntervalMs);
            this.exportThread = Thread.ofPlatform()
                    .name("chargeflow-cdr-export")
                    .daemon(true)
                    .start(() -> {
                        // stopped by a flag, never by interrupt: an interrupt would close the exporter's FileChannel
                        while (!stopping && exportFailure == null) {
                            try {
                                exporter.exportUpTo(writer.durableSequence());
                            } catch (RuntimeException e) {
                                exportFailure = e;
                            }
                            LockSupport.parkNanos(pauseNs);
                        }
                    });
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
        return exportFailure;
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
        stopping = true;
        if (exportThread != null) {
            exportThread.join();
            if (exportFailure == null) {
                exporter.exportUpTo(writer.durableSequence());
                exporter.finish();
            }
            exporter.close();
        }
        writer.close();
        if (exportFailure != null) {
            throw new IllegalStateException(
                    "CDR export failed (journal is complete; reopen to resume the export): "
                            + exportFailure.getMessage(),
                    exportFailure);
        }
    }
}

package io.chargeflow.cdr.export;

import io.chargeflow.cdr.journal.JournalWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Exports a journal while it is written: a thread ({@code chargeflow-cdr-export}) that hands the exporter every
 * record the writer has made durable, every interval, so export files fill while a long run goes on (a live meter)
 * rather than at its end. In the writer's own process, which alone knows which records are durable; the exporter's
 * committed position makes it exactly once across restarts. The first failure stops the exporting (the journal is
 * unaffected) and is thrown by {@link #close}.
 */
public final class JournalFollower implements AutoCloseable {
    private final JournalWriter writer;
    private final JournalExporter exporter;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile RuntimeException failure;
    private volatile long exported;
    private volatile long prunedSegments;
    private final boolean prune;
    private boolean closed;

    private JournalFollower(JournalWriter writer, JournalExporter exporter, long intervalMs, boolean prune) {
        this.writer = writer;
        this.exporter = exporter;
        this.prune = prune;
        long pauseNs = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.thread = Thread.ofPlatform()
                .name("chargeflow-cdr-export")
                .daemon(true)
                .start(() -> {
                    // stopped by a flag, never by interrupt: an interrupt would close the exporter's FileChannel
                    while (!stopping && failure == null) {
                        try {
                            exported += exporter.exportUpTo(writer.durableSequence());
                            if (prune) {
                                pruneExported();
                            }
                        } catch (RuntimeException e) {
                            failure = e;
                        }
                        LockSupport.parkNanos(pauseNs);
                    }
                });
    }

    /** Starts following {@code writer} with {@code exporter} (which the follower closes), every {@code intervalMs}. */
    public static JournalFollower start(JournalWriter writer, JournalExporter exporter, long intervalMs) {
        return start(writer, exporter, intervalMs, false);
    }

    /**
     * As above; with {@code prune}, after each export the journal's segments the export has committed whole are removed
     * ({@link io.chargeflow.cdr.journal.JournalPruner}: never the one the writer appends to), so the journal of a run
     * that lasts months stays a few segments long.
     */
    public static JournalFollower start(
            JournalWriter writer, JournalExporter exporter, long intervalMs, boolean prune) {
        if (intervalMs < 1) {
            throw new IllegalArgumentException("exportIntervalMs=" + intervalMs + " must be >= 1");
        }
        return new JournalFollower(writer, exporter, intervalMs, prune);
    }

    private void pruneExported() {
        prunedSegments += io.chargeflow.cdr.journal.JournalPruner.prune(exporter.journalDir(), exporter.position())
                .segments()
                .size();
    }

    /** Journal segments removed after their export (with pruning), so far. */
    public long prunedSegments() {
        return prunedSegments;
    }

    /** The failure that stopped the exporting, or null. */
    public RuntimeException failure() {
        return failure;
    }

    /** Records exported so far by this follower. */
    public long exported() {
        return exported;
    }

    /** The exporter (its position and manifest). */
    public JournalExporter exporter() {
        return exporter;
    }

    /**
     * Stops the thread, exports what the writer made durable up to now (call it once the writer has made every record
     * durable), closes the open export file into the manifest and closes the exporter. Throws when the exporting
     * failed, saying that the journal is complete and a reopen resumes the export.
     */
    @Override
    public void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        LockSupport.unpark(thread);
        thread.join();
        try {
            if (failure == null) {
                exported += exporter.exportUpTo(writer.durableSequence());
                exporter.finish();
                if (prune) {
                    pruneExported();
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            exporter.close();
        }
        RuntimeException f = failure;
        if (f != null) {
            throw new IllegalStateException(
                    "CDR export failed (journal is complete; reopen to resume the export): " + f.getMessage(), f);
        }
    }
}

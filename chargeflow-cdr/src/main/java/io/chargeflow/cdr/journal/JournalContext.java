package io.chargeflow.cdr.journal;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Configuration of a {@link JournalWriter}. Immutable; built on the control plane.
 *
 * @param dir the journal directory (created when missing)
 * @param segmentSizeBytes rotate to a new segment once the current one reaches this size
 * @param segmentMaxAgeMs rotate once the current segment is this old (0 = never by age)
 * @param commitWindowNanos how long the writer keeps collecting records into a batch before its fsync; 0 = fsync as
 *     soon as the queue is empty (lowest latency; batches still form under load)
 * @param maxBatch most queue entries per fsync (a record, or a batch of them from {@link JournalWriter#appendBatch})
 * @param queueCapacity entries that may wait for the writer (their payloads at most 64 MiB in all); a full queue
 *     makes {@code offer} return false
 * @param ackListener told of every record once its batch is fsynced, on the writer thread, in sequence order
 * @param clockMs wall clock for segment age and headers
 */
public record JournalContext(
        Path dir,
        long segmentSizeBytes,
        long segmentMaxAgeMs,
        long commitWindowNanos,
        int maxBatch,
        int queueCapacity,
        AckListener ackListener,
        LongSupplier clockMs) {

    public JournalContext {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(ackListener, "ackListener");
        Objects.requireNonNull(clockMs, "clockMs");
        if (segmentSizeBytes < 4096) {
            throw new IllegalArgumentException("segmentSizeBytes=" + segmentSizeBytes + " must be >= 4096");
        }
        if (segmentMaxAgeMs < 0 || commitWindowNanos < 0) {
            throw new IllegalArgumentException(
                    "segmentMaxAgeMs=" + segmentMaxAgeMs + " commitWindowNanos=" + commitWindowNanos + " must be >= 0");
        }
        if (maxBatch < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException(
                    "maxBatch=" + maxBatch + " queueCapacity=" + queueCapacity + " must be >= 1");
        }
    }

    /** 64 MiB segments, 1 h age, no commit window, batches of up to 8,192, a 65,536-record queue. */
    public static JournalContext defaults(Path dir, AckListener ackListener) {
        return new JournalContext(dir, 64L << 20, 3_600_000, 0, 8192, 65_536, ackListener, System::currentTimeMillis);
    }

    public JournalContext withSegmentSizeBytes(long bytes) {
        return new JournalContext(
                dir, bytes, segmentMaxAgeMs, commitWindowNanos, maxBatch, queueCapacity, ackListener, clockMs);
    }

    public JournalContext withSegmentMaxAgeMs(long ms) {
        return new JournalContext(
                dir, segmentSizeBytes, ms, commitWindowNanos, maxBatch, queueCapacity, ackListener, clockMs);
    }

    public JournalContext withCommitWindowNanos(long nanos) {
        return new JournalContext(
                dir, segmentSizeBytes, segmentMaxAgeMs, nanos, maxBatch, queueCapacity, ackListener, clockMs);
    }

    public JournalContext withClockMs(LongSupplier clock) {
        return new JournalContext(
                dir, segmentSizeBytes, segmentMaxAgeMs, commitWindowNanos, maxBatch, queueCapacity, ackListener, clock);
    }
}

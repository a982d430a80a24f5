package io.chargeflow.cdr.journal;

import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.EncodedCdrSink;
import io.chargeflow.cdr.PgwRecord;

/**
 * The {@link io.chargeflow.cdr.CdrSink} that journals, on the calling processor's thread (spreading the encoding cost
 * over processors). A {@link io.chargeflow.cdr.CdrAssembler} hands it each record already encoded ({@link #onEncoded}):
 * those are copied into the sink's batch, which goes to the {@link JournalWriter} as one entry when it fills or at
 * {@link #flush} (a processor flushes at the end of every duty cycle), so a record costs a copy, not an array, a queue
 * entry and the queue's lock. A caller that holds a {@link PgwRecord} has it encoded ({@link #onCdr}) and journalled at
 * once, after the batch. Either way the writer waits while its queue is full, so no record is dropped, and records
 * take their sequences in the order the sink got them. Nothing is durable before its batch is fsynced, as always: a
 * record still in the sink's batch is not acknowledged. One sink per processor thread (the batch and the encoder's
 * scratch are not shared).
 */
public final class JournalCdrSink implements EncodedCdrSink {
    /** A batch's bytes: about two hundred records of the usual size; a larger record goes alone. */
    static final int BATCH_BYTES = 64 << 10;

    private final JournalWriter writer;
    private final CdrCodec.Encoder encoder = new CdrCodec.Encoder();
    /**
     * Batch arrays the writer gave back (on its thread) once their records were durable: a full batch goes on in the
     * array it was written in, where a copy of 64 KiB per batch took the allocation's slow path.
     */
    private final java.util.concurrent.ArrayBlockingQueue<byte[]> free =
            new java.util.concurrent.ArrayBlockingQueue<>(16);

    private final java.util.function.Consumer<byte[]> recycle = free::offer;
    private byte[] batch = new byte[BATCH_BYTES];
    private int used;
    private int count;

    public JournalCdrSink(JournalWriter writer) {
        this.writer = writer;
    }

    @Override
    public void onCdr(PgwRecord cdr) {
        flush();
        byte[] payload = encoder.encode(cdr);
        try {
            writer.append(CdrCodec.FRAME_TYPE, payload, payload);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public void onEncoded(byte[] payload, int length) {
        if (used + 4 + length > batch.length) {
            flush();
            if (4 + length > batch.length) {
                byte[] alone = new byte[4 + length];
                putLength(alone, 0, length);
                System.arraycopy(payload, 0, alone, 4, length);
                hand(alone, alone.length, 1, null);
                return;
            }
        }
        putLength(batch, used, length);
        System.arraycopy(payload, 0, batch, used + 4, length);
        used += 4 + length;
        count++;
    }

    /** Hands the records batched so far to the writer (nothing to do when there are none). */
    @Override
    public void flush() {
        if (count > 0) {
            byte[] records = batch;
            int length = used;
            int n = count;
            byte[] next = free.poll();
            batch = next != null ? next : new byte[BATCH_BYTES];
            used = 0;
            count = 0;
            hand(records, length, n, recycle);
        }
    }

    /** Records batched and not yet handed to the writer. */
    int pending() {
        return count;
    }

    private void hand(byte[] records, int length, int n, java.util.function.Consumer<byte[]> recycle) {
        try {
            writer.appendBatch(CdrCodec.FRAME_TYPE, records, length, n, recycle);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private static void putLength(byte[] b, int at, int length) {
        b[at] = (byte) length;
        b[at + 1] = (byte) (length >>> 8);
        b[at + 2] = (byte) (length >>> 16);
        b[at + 3] = (byte) (length >>> 24);
    }

    private static IllegalStateException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IllegalStateException("interrupted while journalling a record", e);
    }
}

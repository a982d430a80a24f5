package io.chargeflow.cdr.journal;

import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.EncodedCdrSink;
import io.chargeflow.cdr.PgwRecord;

/**
 * The {@link CdrSink} that journals: encodes each record on the calling processor's thread (spreading the encoding
 * cost over processors) with a {@link CdrCodec.Encoder} (a reused scratch, one exact copy), and hands them to the
 * {@link JournalWriter}, waiting while the writer's queue is full so that no record is dropped. What travels as the
 * attachment tells the {@link AckListener} which CDR became durable under which sequence: the record given to
 * {@link #onCdr}, or, for a record a {@link io.chargeflow.cdr.CdrAssembler} encoded itself ({@link #onEncoded}), the
 * journalled payload (an exactly-sized {@code byte[]} that {@link CdrCodec#decode} reads). One sink per processor
 * thread (the scratch buffer is not shared).
 */
public final class JournalCdrSink implements EncodedCdrSink {
    private final JournalWriter writer;
    private final CdrCodec.Encoder encoder = new CdrCodec.Encoder();

    public JournalCdrSink(JournalWriter writer) {
        this.writer = writer;
    }

    @Override
    public void onCdr(PgwRecord cdr) {
        byte[] payload = encoder.encode(cdr);
        try {
            writer.append(CdrCodec.FRAME_TYPE, payload, cdr);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while journalling chargingID=" + cdr.chargingID(), e);
        }
    }

    @Override
    public void onEncoded(byte[] payload, int length) {
        byte[] own = java.util.Arrays.copyOf(payload, length);
        try {
            writer.append(CdrCodec.FRAME_TYPE, own, own);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while journalling a record", e);
        }
    }
}

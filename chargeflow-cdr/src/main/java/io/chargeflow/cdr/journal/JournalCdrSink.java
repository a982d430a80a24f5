package io.chargeflow.cdr.journal;

import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.EncodedCdrSink;
import io.chargeflow.cdr.PgwRecord;

/**
 * The {@link io.chargeflow.cdr.CdrSink} that journals, on the calling processor's thread (spreading the encoding cost
 * over processors): a {@link io.chargeflow.cdr.CdrAssembler} hands it each record already encoded ({@link #onEncoded});
 * a caller that holds a {@link PgwRecord} has it encoded with a {@link CdrCodec.Encoder} ({@link #onCdr}). Either way
 * one exactly-sized copy goes to the {@link JournalWriter}, waiting while the writer's queue is full so that no record
 * is dropped, and travels as the attachment too, so the {@link AckListener} can tell which CDR became durable under
 * which sequence ({@link CdrCodec#decode} reads it). One sink per processor thread (the encoder's scratch is not
 * shared).
 */
public final class JournalCdrSink implements EncodedCdrSink {
    private final JournalWriter writer;
    private final CdrCodec.Encoder encoder = new CdrCodec.Encoder();

    public JournalCdrSink(JournalWriter writer) {
        this.writer = writer;
    }

    @Override
    public void onCdr(PgwRecord cdr) {
        append(encoder.encode(cdr));
    }

    @Override
    public void onEncoded(byte[] payload, int length) {
        append(java.util.Arrays.copyOf(payload, length));
    }

    /** Journals a payload the sink owns, with the payload as the attachment. */
    private void append(byte[] payload) {
        try {
            writer.append(CdrCodec.FRAME_TYPE, payload, payload);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while journalling a record", e);
        }
    }
}

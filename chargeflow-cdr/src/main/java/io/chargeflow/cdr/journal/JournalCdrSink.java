package io.chargeflow.cdr.journal;

import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.CdrSink;
import io.chargeflow.cdr.PgwRecord;

/**
 * The {@link CdrSink} that journals: encodes each record on the calling processor's thread (spreading the encoding
 * cost over processors) and hands it to the {@link JournalWriter}, waiting while the writer's queue is full so that
 * no record is dropped. The record itself travels as the attachment, so the {@link AckListener} sees which CDR became
 * durable under which sequence.
 */
public final class JournalCdrSink implements CdrSink {
    private final JournalWriter writer;

    public JournalCdrSink(JournalWriter writer) {
        this.writer = writer;
    }

    @Override
    public void onCdr(PgwRecord cdr) {
        try {
            writer.append(CdrCodec.FRAME_TYPE, CdrCodec.encode(cdr), cdr);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while journalling chargingID=" + cdr.chargingID(), e);
        }
    }
}

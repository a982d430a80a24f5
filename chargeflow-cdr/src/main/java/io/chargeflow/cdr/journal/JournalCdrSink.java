package io.chargeflow.cdr.journal;

import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.CdrSink;
import io.chargeflow.cdr.PgwRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@link CdrSink} that journals: encodes each record on the calling processor's thread (spreading the encoding
 * cost over processors) into a reused scratch buffer, copies the exact bytes once, and hands them to the
 * {@link JournalWriter}, waiting while the writer's queue is full so that no record is dropped. The record itself
 * travels as the attachment, so the {@link AckListener} sees which CDR became durable under which sequence. One sink
 * per processor thread (the scratch buffer is not shared).
 */
public final class JournalCdrSink implements CdrSink {
    private final JournalWriter writer;
    private ByteBuffer scratch = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);

    public JournalCdrSink(JournalWriter writer) {
        this.writer = writer;
    }

    @Override
    public void onCdr(PgwRecord cdr) {
        int max = CdrCodec.maxEncodedSize(cdr);
        if (scratch.capacity() < max) {
            scratch = ByteBuffer.allocate(Math.max(max, scratch.capacity() * 2)).order(ByteOrder.LITTLE_ENDIAN);
        }
        scratch.clear();
        CdrCodec.encode(cdr, scratch);
        byte[] payload = new byte[scratch.position()];
        scratch.flip().get(payload);
        try {
            writer.append(CdrCodec.FRAME_TYPE, payload, cdr);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while journalling chargingID=" + cdr.chargingID(), e);
        }
    }
}

package io.chargeflow.cdr;

/**
 * A {@link CdrSink} that takes records encoded ({@link CdrCodec}'s payload): a {@link CdrAssembler} writes each
 * record's fields straight from its tables into a reused buffer and hands over those bytes, where a plain sink gets a
 * {@link PgwRecord} decoded from them (the journal needs only the bytes). The assembler calls {@link #onEncoded} for
 * every record it cuts; {@link #onCdr} stays for callers that hold a record.
 */
public interface EncodedCdrSink extends CdrSink {
    /**
     * One record: bytes {@code [0, length)} of {@code payload}, which {@link CdrCodec#decode} reads back to the record
     * a plain sink would get. The array is the assembler's scratch: valid only during the call.
     */
    void onEncoded(byte[] payload, int length);
}

package io.chargeflow.cdr;

/**
 * A {@link CdrSink} that takes records already encoded ({@link CdrCodec}'s payload), so that a {@link CdrAssembler}
 * writes each record's fields straight from its tables into a reused buffer instead of building a {@link PgwRecord}
 * and its list of {@link ServiceData} first (the journal needs only the bytes). The assembler calls
 * {@link #onEncoded} for every record it cuts; {@link #onCdr} stays for callers that hold a record.
 */
public interface EncodedCdrSink extends CdrSink {
    /**
     * One record: bytes {@code [0, length)} of {@code payload}, which {@link CdrCodec#decode} reads back to the record
     * the assembler would have built. The array is the assembler's scratch: valid only during the call.
     */
    void onEncoded(byte[] payload, int length);
}

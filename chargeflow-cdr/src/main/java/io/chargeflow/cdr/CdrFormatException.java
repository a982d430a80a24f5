package io.chargeflow.cdr;

/**
 * A journal payload that does not decode as a record of a known version: carries the offset inside the payload
 * where decoding stopped, so a reader can report it together with the segment file and frame offset.
 */
public final class CdrFormatException extends RuntimeException {
    private final int payloadOffset;

    public CdrFormatException(String message, int payloadOffset) {
        super(message + " at payloadOffset=" + payloadOffset);
        this.payloadOffset = payloadOffset;
    }

    public int payloadOffset() {
        return payloadOffset;
    }
}

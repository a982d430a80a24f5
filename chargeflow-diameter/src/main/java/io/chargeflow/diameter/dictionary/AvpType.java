package io.chargeflow.diameter.dictionary;

/**
 * The basic and derived AVP data formats of RFC 6733 §4.2 and §4.3, with the data length each one requires.
 * Read by the validator (on the I/O thread) and by the printer; immutable, so any thread may use it.
 */
public enum AvpType {
    OCTET_STRING(-1),
    INTEGER32(4),
    INTEGER64(8),
    UNSIGNED32(4),
    UNSIGNED64(8),
    FLOAT32(4),
    FLOAT64(8),
    GROUPED(-1),
    /** Two octets of address family followed by the address; length checked by family. */
    ADDRESS(-1),
    /** Seconds since 1900-01-01 UTC in four octets (NTP format, RFC 6733 §4.3.1). */
    TIME(4),
    UTF8_STRING(-1),
    DIAMETER_IDENTITY(-1),
    DIAMETER_URI(-1),
    /** An Integer32 whose values are named in the dictionary. */
    ENUMERATED(4),
    IP_FILTER_RULE(-1);

    private final int fixedLength;

    AvpType(int fixedLength) {
        this.fixedLength = fixedLength;
    }

    /** The exact data length this type requires, or -1 when any length is allowed by the type itself. */
    public int fixedLength() {
        return fixedLength;
    }

    /** True for the types whose wire form is text (printed as a string). */
    public boolean isText() {
        return this == UTF8_STRING || this == DIAMETER_IDENTITY || this == DIAMETER_URI || this == IP_FILTER_RULE;
    }
}

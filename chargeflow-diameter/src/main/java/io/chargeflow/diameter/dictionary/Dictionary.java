package io.chargeflow.diameter.dictionary;

/**
 * Lookup of {@link Avp} definitions by (code, vendor) for the decoder and the validator: an open-addressing table
 * of longs built once from the enum, so a lookup on the I/O thread allocates nothing. Immutable after class
 * initialisation; any thread.
 */
public final class Dictionary {
    private static final int MASK = 1023;
    private static final long[] KEYS = new long[MASK + 1];
    private static final Avp[] VALUES = new Avp[MASK + 1];
    private static final long EMPTY = -1L;
    // direct tables for the two vendors on the hot path: one array load instead of a hash probe
    private static final int DIRECT = 4096;
    private static final Avp[] IETF = new Avp[DIRECT];
    private static final Avp[] TGPP = new Avp[DIRECT];
    // the same two vendors as packed facts for the validator's walk (see shape()): one int load per AVP
    private static final int[] IETF_SHAPE = new int[DIRECT];
    private static final int[] TGPP_SHAPE = new int[DIRECT];

    /** {@link #shape} bit: the dictionary knows the AVP (0 means unknown). */
    public static final int SHAPE_KNOWN = 1;
    /** {@link #shape} bit: the AVP is Grouped. */
    public static final int SHAPE_GROUPED = 2;
    /** {@link #shape} bit: the AVP is of type Address (length depends on the family). */
    public static final int SHAPE_ADDRESS = 4;
    /** {@link #shape}: the exact data length is {@code (shape >> SHAPE_LENGTH_SHIFT) - 1}, or -1 for any. */
    public static final int SHAPE_LENGTH_SHIFT = 8;

    static {
        java.util.Arrays.fill(KEYS, EMPTY);
        for (Avp avp : Avp.values()) {
            long key = key(avp.code(), avp.vendorId());
            int slot = slot(key);
            while (KEYS[slot] != EMPTY) {
                if (KEYS[slot] == key) {
                    throw new ExceptionInInitializerError("AVP defined twice: code=" + avp.code() + " vendor="
                            + avp.vendorId() + " name=" + avp.avpName());
                }
                slot = (slot + 1) & MASK;
            }
            KEYS[slot] = key;
            VALUES[slot] = avp;
            if (avp.code() >= 0 && avp.code() < DIRECT) {
                if (avp.vendorId() == Vendor.NONE) {
                    IETF[avp.code()] = avp;
                    IETF_SHAPE[avp.code()] = shapeOf(avp);
                } else if (avp.vendorId() == Vendor.TGPP) {
                    TGPP[avp.code()] = avp;
                    TGPP_SHAPE[avp.code()] = shapeOf(avp);
                }
            }
        }
    }

    private Dictionary() {}

    /** The AVP with this code and vendor id (0 for IETF), or null when the dictionary does not know it. */
    public static Avp find(int code, int vendorId) {
        if (code >= 0 && code < DIRECT) {
            if (vendorId == Vendor.NONE) {
                return IETF[code];
            }
            if (vendorId == Vendor.TGPP) {
                return TGPP[code];
            }
        }
        long key = key(code, vendorId);
        int slot = slot(key);
        while (true) {
            long k = KEYS[slot];
            if (k == key) {
                return VALUES[slot];
            }
            if (k == EMPTY) {
                return null;
            }
            slot = (slot + 1) & MASK;
        }
    }

    /**
     * What a validator needs of the AVP with this code and vendor, packed in one int: {@link #SHAPE_KNOWN} (0 when
     * unknown), {@link #SHAPE_GROUPED}, {@link #SHAPE_ADDRESS} and the exact data length above
     * {@link #SHAPE_LENGTH_SHIFT} (plus one; 0 for any length). Allocates nothing.
     */
    public static int shape(int code, int vendorId) {
        if (code >= 0 && code < DIRECT) {
            if (vendorId == Vendor.NONE) {
                return IETF_SHAPE[code];
            }
            if (vendorId == Vendor.TGPP) {
                return TGPP_SHAPE[code];
            }
        }
        Avp avp = find(code, vendorId);
        return avp == null ? 0 : shapeOf(avp);
    }

    private static int shapeOf(Avp avp) {
        return SHAPE_KNOWN
                | (avp.isGrouped() ? SHAPE_GROUPED : 0)
                | (avp.type() == AvpType.ADDRESS ? SHAPE_ADDRESS : 0)
                | ((avp.fixedLength() + 1) << SHAPE_LENGTH_SHIFT);
    }

    /** The required AVPs of a request or answer of this command (shared array: read only). */
    public static Avp[] requiredAvps(Command command, boolean request) {
        return command.required(request);
    }

    private static long key(int code, int vendorId) {
        return ((vendorId & 0xffffffffL) << 32) | (code & 0xffffffffL);
    }

    private static int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & MASK;
    }
}

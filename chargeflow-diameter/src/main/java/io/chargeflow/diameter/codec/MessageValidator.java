package io.chargeflow.diameter.codec;

import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.dictionary.AvpType;
import io.chargeflow.diameter.dictionary.Command;
import io.chargeflow.diameter.dictionary.Dictionary;
import io.chargeflow.diameter.dictionary.ResultCode;

/**
 * Checks one message against RFC 6733 §3–4 and the dictionary, and says how to answer it: the Result-Code, the
 * offending AVP (for Failed-AVP) and whether message framing itself is lost (the only case where the connection is
 * closed). Frames every AVP (recursing into Grouped AVPs the dictionary knows) but decodes no value. Never throws;
 * allocates nothing. One instance per thread (the I/O thread of a connection, or a capture reader).
 */
public final class MessageValidator {
    private static final int MAX_DEPTH = 16;

    private final DiameterAvp[] cursors = new DiameterAvp[MAX_DEPTH + 1];
    private static final Avp[] NONE = new Avp[0];
    private Avp[] required = NONE;
    /** The required AVPs' codes and vendor ids as primitives (rebuilt when the list changes), for the tick-off. */
    private Avp[] requiredCached = NONE;

    private int[] requiredCodes = new int[0];
    private int[] requiredVendors = new int[0];
    private long seenRequired;
    private int resultCode;
    private boolean framingLost;
    private int failedAvpOffset;
    private int failedAvpLength;
    private Avp missingAvp;

    public MessageValidator() {
        for (int i = 0; i < cursors.length; i++) {
            cursors[i] = new DiameterAvp();
        }
    }

    /**
     * Validates {@code message}; returns {@link ResultCode#SUCCESS} (2001) when it is well formed, otherwise the
     * Result-Code to answer with (the details are then in the accessors).
     */
    public int validate(DiameterMessage message) {
        resultCode = ResultCode.SUCCESS;
        framingLost = false;
        failedAvpOffset = -1;
        failedAvpLength = 0;
        missingAvp = null;
        int wrapped = message.wrappedLength();
        if (wrapped < DiameterMessage.HEADER_LENGTH) {
            framingLost = true;
            return fail(ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH.code());
        }
        if (message.version() != DiameterMessage.VERSION) {
            framingLost = true;
            return fail(ResultCode.DIAMETER_UNSUPPORTED_VERSION.code());
        }
        int declared = message.messageLength();
        if (declared < DiameterMessage.HEADER_LENGTH || (declared & 3) != 0 || declared > wrapped) {
            framingLost = true;
            return fail(ResultCode.DIAMETER_INVALID_MESSAGE_LENGTH.code());
        }
        int flags = message.flags();
        boolean request = (flags & DiameterMessage.FLAG_REQUEST) != 0;
        boolean error = (flags & DiameterMessage.FLAG_ERROR) != 0;
        if ((flags & DiameterMessage.FLAGS_RESERVED) != 0 || (request && error)) {
            return fail(ResultCode.DIAMETER_INVALID_HDR_BITS.code());
        }
        Command command = error ? null : Command.find(message.commandCode());
        required = command == null ? NONE : Dictionary.requiredAvps(command, request);
        if (required != requiredCached) {
            cacheRequired();
        }
        seenRequired = 0;
        int code = checkContainer(message.buffer(), message.avpStart(), message.avpLimit());
        if (code != ResultCode.SUCCESS) {
            return fail(code);
        }
        for (int i = 0; i < required.length; i++) {
            if ((seenRequired & (1L << i)) == 0) {
                missingAvp = required[i];
                return fail(ResultCode.DIAMETER_MISSING_AVP.code());
            }
        }
        return ResultCode.SUCCESS;
    }

    /** Result of {@link #checkAvp} for a Grouped AVP whose children must be checked next. */
    private static final int DESCEND = -1;

    /**
     * Walks the AVP tree depth first without recursion (an explicit stack of cursors), so the JIT sees one loop:
     * every AVP is framed and checked, Grouped ones are entered, and the top level ticks off the required AVPs.
     */
    private int checkContainer(java.nio.ByteBuffer buffer, int start, int limit) {
        if (start >= limit) {
            return ResultCode.SUCCESS;
        }
        int depth = 0;
        DiameterAvp avp = cursors[0];
        boolean present = avp.at(buffer, start, limit);
        while (true) {
            if (!present) {
                if (avp.offset() < avp.limit()) {
                    return failAt(avp, ResultCode.DIAMETER_INVALID_AVP_LENGTH.code());
                }
                if (depth == 0) {
                    return ResultCode.SUCCESS;
                }
                avp = cursors[--depth];
                if (depth == 0) {
                    markRequired(avp.code(), avp.vendorId());
                }
                present = avp.next();
                continue;
            }
            int code = checkAvp(avp, depth);
            if (code == DESCEND) {
                int childStart = avp.dataOffset();
                int end = avp.offset() + avp.length();
                if (childStart < end) {
                    DiameterAvp child = cursors[++depth];
                    present = child.at(buffer, childStart, end);
                    avp = child;
                    continue;
                }
            } else if (code != ResultCode.SUCCESS) {
                return code;
            }
            if (depth == 0) {
                markRequired(avp.code(), avp.vendorId());
            }
            present = avp.next();
        }
    }

    private int checkAvp(DiameterAvp avp, int depth) {
        if ((avp.flags() & DiameterAvp.FLAGS_RESERVED) != 0) {
            return failAt(avp, ResultCode.DIAMETER_INVALID_AVP_BITS.code());
        }
        Avp definition = Dictionary.find(avp.code(), avp.vendorId());
        if (definition == null) {
            return avp.isMandatory() ? failAt(avp, ResultCode.DIAMETER_AVP_UNSUPPORTED.code()) : ResultCode.SUCCESS;
        }
        int dataLength = avp.dataLength();
        int fixedLength = definition.fixedLength();
        if (fixedLength >= 0 && dataLength != fixedLength) {
            return failAt(avp, ResultCode.DIAMETER_INVALID_AVP_LENGTH.code());
        }
        if (fixedLength < 0 && definition.type() == AvpType.ADDRESS && !addressLengthOk(avp, dataLength)) {
            return failAt(avp, ResultCode.DIAMETER_INVALID_AVP_LENGTH.code());
        }
        // Failed-AVP carries offending AVPs by definition: its content is echoed, not judged
        if (definition.isGrouped() && definition != Avp.FAILED_AVP) {
            if (depth + 1 >= MAX_DEPTH) {
                return failAt(avp, ResultCode.DIAMETER_INVALID_AVP_VALUE.code());
            }
            return DESCEND;
        }
        return ResultCode.SUCCESS;
    }

    /** One pass: the required AVPs are ticked off while the top level is framed, not searched for afterwards. */
    private void markRequired(int code, int vendorId) {
        int[] codes = requiredCodes;
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] == code && requiredVendors[i] == vendorId) {
                seenRequired |= 1L << i;
                return;
            }
        }
    }

    private void cacheRequired() {
        requiredCached = required;
        requiredCodes = new int[required.length];
        requiredVendors = new int[required.length];
        for (int i = 0; i < required.length; i++) {
            requiredCodes[i] = required[i].code();
            requiredVendors[i] = required[i].vendorId();
        }
    }

    private static boolean addressLengthOk(DiameterAvp avp, int dataLength) {
        if (dataLength < 2) {
            return false;
        }
        int family = avp.getAddressFamily();
        return family == 1 ? dataLength == 6 : family != 2 || dataLength == 18;
    }

    private int failAt(DiameterAvp avp, int code) {
        failedAvpOffset = avp.offset();
        int available = avp.limit() - avp.offset();
        int declared = available >= DiameterAvp.HEADER_LENGTH ? avp.length() : available;
        failedAvpLength = Math.max(0, Math.min(declared, available));
        return code;
    }

    private int fail(int code) {
        resultCode = code;
        return code;
    }

    /** The last Result-Code returned by {@link #validate}. */
    public int resultCode() {
        return resultCode;
    }

    /** True when the message header itself is unusable: the stream cannot be re-synchronised, close it. */
    public boolean framingLost() {
        return framingLost;
    }

    /** Offset of the offending AVP in the buffer, or -1 when the error is not about one AVP. */
    public int failedAvpOffset() {
        return failedAvpOffset;
    }

    /** Bytes of the offending AVP that lie inside the message (what Failed-AVP echoes). */
    public int failedAvpLength() {
        return failedAvpLength;
    }

    /** The required AVP that was absent (for DIAMETER_MISSING_AVP), else null. */
    public Avp missingAvp() {
        return missingAvp;
    }
}

package io.chargeflow.diameter.codec;

import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.dictionary.Command;
import io.chargeflow.diameter.dictionary.Dictionary;
import io.chargeflow.diameter.dictionary.ResultCode;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Checks one message against RFC 6733 §3–4 and the dictionary, and says how to answer it: the Result-Code, the
 * offending AVP (for Failed-AVP) and whether message framing itself is lost (the only case where the connection is
 * closed). Frames every AVP (recursing into Grouped AVPs the dictionary knows) but decodes no value. Never throws;
 * allocates nothing per message (it reads through a segment view made once per buffer). One instance per thread (the
 * I/O thread of a connection, or a capture reader).
 */
public final class MessageValidator {
    private static final int MAX_DEPTH = 16;

    /** Per depth of the walk: where the enclosing container resumes, and where it ends. */
    private final int[] resumeAt = new int[MAX_DEPTH + 1];

    private final int[] ends = new int[MAX_DEPTH + 1];
    private static final Avp[] NONE = new Avp[0];
    private Avp[] required = NONE;
    /** The required AVPs' codes and vendor ids as primitives (rebuilt when the list changes), for the tick-off. */
    private Avp[] requiredCached = NONE;

    private int[] requiredCodes = new int[0];
    private int[] requiredVendors = new int[0];
    private long seenRequired;
    /** Bit (code & 63) set for every required AVP code: most AVPs are passed over without the scan. */
    private long requiredBloom;

    private int resultCode;
    private boolean framingLost;
    private int failedAvpOffset;
    private int failedAvpLength;
    private Avp missingAvp;

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

    private static final int FAILED_AVP_CODE = Avp.FAILED_AVP.code();

    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** The buffer last validated, and a segment over all of it (made once per buffer, not per message). */
    private ByteBuffer viewed;

    private MemorySegment view;

    /**
     * Walks the AVP tree depth first in one loop over the bytes (an explicit stack of container ends and resume
     * offsets, no cursor objects): every AVP is framed and checked against the dictionary's packed facts, Grouped
     * ones are entered, and the top level ticks off the required AVPs.
     */
    private int checkContainer(ByteBuffer buf, int start, int limit) {
        if (buf != viewed) {
            // absolute offsets: the segment spans the whole buffer, whatever its position and limit are now
            view = MemorySegment.ofBuffer(buf.duplicate().clear());
            viewed = buf;
        }
        MemorySegment buffer = view;
        int depth = 0;
        int offset = start;
        int end = (int) Math.min(limit, buffer.byteSize());
        int[] resumeAt = this.resumeAt;
        int[] ends = this.ends;
        while (true) {
            if (offset >= end) {
                if (depth == 0) {
                    return ResultCode.SUCCESS;
                }
                depth--;
                offset = resumeAt[depth];
                end = ends[depth];
                continue;
            }
            if (offset + DiameterAvp.HEADER_LENGTH > end) {
                return failAt(offset, end, 0, ResultCode.DIAMETER_INVALID_AVP_LENGTH.code());
            }
            long head = buffer.get(LONG_BE, offset);
            int code = (int) (head >>> 32);
            int word = (int) head;
            int flags = word >>> 24;
            int length = word & 0xffffff;
            boolean vendor = (flags & DiameterAvp.FLAG_VENDOR) != 0;
            int header = vendor ? DiameterAvp.VENDOR_HEADER_LENGTH : DiameterAvp.HEADER_LENGTH;
            if (length < header || length > end - offset) {
                return failAt(offset, end, length, ResultCode.DIAMETER_INVALID_AVP_LENGTH.code());
            }
            if ((flags & DiameterAvp.FLAGS_RESERVED) != 0) {
                return failAt(offset, end, length, ResultCode.DIAMETER_INVALID_AVP_BITS.code());
            }
            int vendorId = vendor ? buffer.get(INT_BE, offset + 8) : 0;
            int next = offset + ((length + 3) & ~3);
            int shape = Dictionary.shape(code, vendorId);
            if (shape == 0) {
                if ((flags & DiameterAvp.FLAG_MANDATORY) != 0) {
                    return failAt(offset, end, length, ResultCode.DIAMETER_AVP_UNSUPPORTED.code());
                }
            } else {
                int dataLength = length - header;
                int fixedLength = (shape >>> Dictionary.SHAPE_LENGTH_SHIFT) - 1;
                if (fixedLength >= 0) {
                    if (dataLength != fixedLength) {
                        return failAt(offset, end, length, ResultCode.DIAMETER_INVALID_AVP_LENGTH.code());
                    }
                } else if ((shape & Dictionary.SHAPE_ADDRESS) != 0
                        && !addressLengthOk(buffer, offset + header, dataLength)) {
                    return failAt(offset, end, length, ResultCode.DIAMETER_INVALID_AVP_LENGTH.code());
                }
                // Failed-AVP carries offending AVPs by definition: its content is echoed, not judged
                if ((shape & Dictionary.SHAPE_GROUPED) != 0 && !(code == FAILED_AVP_CODE && vendorId == 0)) {
                    if (depth + 1 >= MAX_DEPTH) {
                        return failAt(offset, end, length, ResultCode.DIAMETER_INVALID_AVP_VALUE.code());
                    }
                    if (depth == 0) {
                        markRequired(code, vendorId);
                    }
                    if (dataLength > 0) {
                        resumeAt[depth] = next;
                        ends[depth] = end;
                        depth++;
                        end = offset + length;
                        offset += header;
                        continue;
                    }
                    offset = next;
                    continue;
                }
            }
            if (depth == 0) {
                markRequired(code, vendorId);
            }
            offset = next;
        }
    }

    /** One pass: the required AVPs are ticked off while the top level is framed, not searched for afterwards. */
    private void markRequired(int code, int vendorId) {
        if ((requiredBloom & (1L << code)) == 0) {
            return;
        }
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
        requiredBloom = 0;
        for (int i = 0; i < required.length; i++) {
            requiredBloom |= 1L << required[i].code();
            requiredCodes[i] = required[i].code();
            requiredVendors[i] = required[i].vendorId();
        }
    }

    private static boolean addressLengthOk(MemorySegment buffer, int dataOffset, int dataLength) {
        if (dataLength < 2) {
            return false;
        }
        int family = buffer.get(SHORT_BE, dataOffset) & 0xffff;
        return family == 1 ? dataLength == 6 : family != 2 || dataLength == 18;
    }

    private int failAt(int offset, int end, int length, int code) {
        failedAvpOffset = offset;
        int available = end - offset;
        int declared = available >= DiameterAvp.HEADER_LENGTH ? length : available;
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

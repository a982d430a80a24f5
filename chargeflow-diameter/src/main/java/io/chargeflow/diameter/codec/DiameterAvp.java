package io.chargeflow.diameter.codec;

import io.chargeflow.diameter.dictionary.Avp;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A cursor flyweight over one AVP inside a message or a Grouped AVP: {@link #first}, {@link #next} and
 * {@link #seek} walk the siblings of one container by their wire lengths, typed getters decode the data in place.
 * Only what a stage asks for is decoded; framing that runs past the container ends the walk (returns false)
 * instead of throwing. The header fields are read once per position; the cursor does not see later writes to the
 * bytes under it. One instance per nesting level per thread; reused, never shared between threads.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           AVP Code                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V M P r r r r r|                  AVP Length                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Vendor-ID (opt)                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Data ...   (padded with zeros to a multiple of 4 octets)
 * +-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class DiameterAvp {
    /** AVP flag V: a Vendor-ID field follows the length. */
    public static final int FLAG_VENDOR = 0x80;
    /** AVP flag M: the receiver must understand the AVP. */
    public static final int FLAG_MANDATORY = 0x40;
    /** AVP flag P: reserved for end-to-end security (RFC 6733 §4.1). */
    public static final int FLAG_PROTECTED = 0x20;
    /** Reserved AVP flag bits, which must be zero. */
    public static final int FLAGS_RESERVED = 0x1f;
    /** AVP header length without Vendor-ID. */
    public static final int HEADER_LENGTH = 8;
    /** AVP header length with Vendor-ID. */
    public static final int VENDOR_HEADER_LENGTH = 12;

    private ByteBuffer buffer;
    private int offset;
    private int limit;
    // header fields, read once per position (the walk and the getters use them many times)
    private int code;
    private int flags;
    private int length;
    private int vendorId;
    private boolean framed;

    /** Positions on the first top-level AVP of {@code message}; false when it has none that is framed. */
    public boolean first(DiameterMessage message) {
        buffer = message.buffer();
        offset = message.avpStart();
        limit = message.avpLimit();
        return readHeader();
    }

    /** Positions on the first AVP inside the Grouped AVP {@code parent}; false when none is framed. */
    public boolean firstChild(DiameterAvp parent) {
        buffer = parent.buffer;
        offset = parent.dataOffset();
        limit = parent.offset + parent.length;
        return readHeader();
    }

    /** Positions on the AVP starting at {@code avpOffset} inside a container ending at {@code containerLimit}. */
    public boolean at(ByteBuffer buffer, int avpOffset, int containerLimit) {
        this.buffer = buffer;
        this.offset = avpOffset;
        this.limit = Math.min(containerLimit, buffer.capacity());
        return readHeader();
    }

    /** Moves to the next sibling; false when there is none or its framing is broken. */
    public boolean next() {
        int next = offset + paddedLength();
        if (!framed || next >= limit || next <= offset) {
            offset = limit;
            framed = false;
            return false;
        }
        offset = next;
        return readHeader();
    }

    /** From the current AVP (inclusive), moves to the first sibling with this code and vendor; false if none. */
    public boolean seek(int code, int vendorId) {
        do {
            if (this.code == code && this.vendorId == vendorId) {
                return true;
            }
        } while (next());
        return false;
    }

    private boolean readHeader() {
        if (offset + HEADER_LENGTH > limit) {
            code = 0;
            flags = 0;
            length = 0;
            vendorId = 0;
            framed = false;
            return false;
        }
        code = buffer.getInt(offset);
        int word = buffer.getInt(offset + 4);
        flags = word >>> 24;
        length = word & 0xffffff;
        boolean vendor = (flags & FLAG_VENDOR) != 0;
        vendorId = vendor && offset + VENDOR_HEADER_LENGTH <= limit ? buffer.getInt(offset + 8) : 0;
        framed = length >= (vendor ? VENDOR_HEADER_LENGTH : HEADER_LENGTH) && offset + length <= limit;
        return framed;
    }

    /** Positions {@code child} on the first AVP with this definition inside this Grouped AVP. */
    public boolean findChild(Avp avp, DiameterAvp child) {
        return child.firstChild(this) && child.seek(avp.code(), avp.vendorId());
    }

    /**
     * True when the AVP header fits in the container, its length covers its header, and its data ends inside the
     * container (the last AVP of a container may omit its padding).
     */
    public boolean isFramed() {
        return framed;
    }

    public int offset() {
        return offset;
    }

    /** The end of the container this cursor walks. */
    public int limit() {
        return limit;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int code() {
        return code;
    }

    public int flags() {
        return flags;
    }

    public boolean isVendorSpecific() {
        return (flags & FLAG_VENDOR) != 0;
    }

    public boolean isMandatory() {
        return (flags & FLAG_MANDATORY) != 0;
    }

    /** The AVP Length field: header plus data, without padding. */
    public int length() {
        return length;
    }

    /** Length rounded up to a multiple of 4: the distance to the next AVP. */
    public int paddedLength() {
        return (length + 3) & ~3;
    }

    public int headerLength() {
        return isVendorSpecific() ? VENDOR_HEADER_LENGTH : HEADER_LENGTH;
    }

    /** The Vendor-ID, or 0 when the V bit is clear. */
    public int vendorId() {
        return vendorId;
    }

    public int dataOffset() {
        return offset + headerLength();
    }

    public int dataLength() {
        return Math.max(0, length - headerLength());
    }

    /** Integer32 or Enumerated. */
    public int getInteger32() {
        return dataLength() >= 4 ? buffer.getInt(dataOffset()) : 0;
    }

    /** Unsigned32 (also Time as raw NTP seconds) as a non-negative long. */
    public long getUnsigned32() {
        return getInteger32() & 0xffffffffL;
    }

    /** Integer64 or Unsigned64 (the latter read as its two's-complement bits). */
    public long getInteger64() {
        return dataLength() >= 8 ? buffer.getLong(dataOffset()) : 0;
    }

    public float getFloat32() {
        return Float.intBitsToFloat(getInteger32());
    }

    public double getFloat64() {
        return Double.longBitsToDouble(getInteger64());
    }

    /**
     * Time (RFC 6733 §4.3.1) as milliseconds since the Unix epoch; seconds values below 2^31 are taken as the NTP
     * era starting in 2036 (RFC 5905 rollover), as the RFC asks.
     */
    public long getTimeUnixMs() {
        long ntp = getUnsigned32();
        long unixSeconds = ntp >= 0x80000000L ? ntp - 2208988800L : ntp + 2085978496L;
        return unixSeconds * 1000L;
    }

    /** Address family (1 IPv4, 2 IPv6) of an Address AVP. */
    public int getAddressFamily() {
        return dataLength() >= 2 ? buffer.getShort(dataOffset()) & 0xffff : 0;
    }

    /** The IPv4 address of an Address AVP of family 1, as an int in network order. */
    public int getAddressIpv4() {
        return dataLength() >= 6 ? buffer.getInt(dataOffset() + 2) : 0;
    }

    /** Copies the data (OctetString and derived) into {@code dst}; returns the number of bytes copied. */
    public int getBytes(byte[] dst) {
        int n = Math.min(dst.length, dataLength());
        buffer.get(dataOffset(), dst, 0, n);
        return n;
    }

    /** The data as a new array (allocates: control plane). */
    public byte[] getBytes() {
        byte[] bytes = new byte[dataLength()];
        buffer.get(dataOffset(), bytes, 0, bytes.length);
        return bytes;
    }

    /** UTF8String and derived types as a String (allocates: control plane, printing). */
    public String getString() {
        return new String(getBytes(), StandardCharsets.UTF_8);
    }

    /** True when the data equals the US-ASCII text {@code text}, compared in place without allocating. */
    public boolean contentEquals(CharSequence text) {
        int n = dataLength();
        if (n != text.length()) {
            return false;
        }
        int data = dataOffset();
        for (int i = 0; i < n; i++) {
            if ((buffer.get(data + i) & 0xff) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}

package io.chargeflow.diameter.codec;

import io.chargeflow.diameter.dictionary.Avp;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes one Diameter message into a pre-sized buffer: header, then AVPs appended in order with their padding,
 * Grouped AVPs opened and closed by offset, lengths patched at the end. Writes in place and allocates nothing per
 * AVP (strings are encoded to UTF-8 char by char). A buffer too small for the message is a caller mistake (size
 * buffers for the largest message) and fails fast. One instance per thread, re-pointed with {@link #wrap}.
 */
public final class DiameterEncoder {
    private static final long NTP_UNIX_OFFSET_SECONDS = 2208988800L;

    private ByteBuffer buffer;
    private int start;
    private int position;

    /** Points the encoder at {@code buffer} (big-endian), the message to begin at {@code offset}. */
    public DiameterEncoder wrap(ByteBuffer buffer, int offset) {
        if (buffer == null) {
            throw new IllegalArgumentException("buffer=null");
        }
        if (buffer.order() != ByteOrder.BIG_ENDIAN) {
            throw new IllegalArgumentException("buffer.order=" + buffer.order() + " (wire order is BIG_ENDIAN)");
        }
        if (offset < 0 || offset > buffer.capacity()) {
            throw new IllegalArgumentException("offset=" + offset + " capacity=" + buffer.capacity());
        }
        this.buffer = buffer;
        this.start = offset;
        this.position = offset;
        return this;
    }

    /** Writes the header; the length is patched by {@link #finish()}. */
    public DiameterEncoder header(int flags, int commandCode, int applicationId, int hopByHopId, int endToEndId) {
        position = start;
        ensure(DiameterMessage.HEADER_LENGTH);
        buffer.putInt(position, (DiameterMessage.VERSION << 24) | DiameterMessage.HEADER_LENGTH);
        buffer.putInt(position + 4, ((flags & 0xff) << 24) | (commandCode & 0xffffff));
        buffer.putInt(position + 8, applicationId);
        buffer.putInt(position + 12, hopByHopId);
        buffer.putInt(position + 16, endToEndId);
        position += DiameterMessage.HEADER_LENGTH;
        return this;
    }

    /** Patches the message length and returns it; the message occupies {@code [offset, offset + length)}. */
    public int finish() {
        int length = position - start;
        buffer.putInt(start, (DiameterMessage.VERSION << 24) | length);
        return length;
    }

    /** Bytes written so far from the message start. */
    public int length() {
        return position - start;
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public int start() {
        return start;
    }

    public DiameterEncoder putUnsigned32(Avp avp, long value) {
        return putInteger32(avp.code(), avp.flags(), avp.vendorId(), (int) value);
    }

    /** Integer32 and Enumerated. */
    public DiameterEncoder putInteger32(Avp avp, int value) {
        return putInteger32(avp.code(), avp.flags(), avp.vendorId(), value);
    }

    /** Integer64 and Unsigned64 (pass the unsigned value's bits). */
    public DiameterEncoder putInteger64(Avp avp, long value) {
        return putInteger64(avp.code(), avp.flags(), avp.vendorId(), value);
    }

    public DiameterEncoder putFloat32(Avp avp, float value) {
        return putInteger32(avp.code(), avp.flags(), avp.vendorId(), Float.floatToRawIntBits(value));
    }

    public DiameterEncoder putFloat64(Avp avp, double value) {
        return putInteger64(avp.code(), avp.flags(), avp.vendorId(), Double.doubleToRawLongBits(value));
    }

    /** Time from milliseconds since the Unix epoch (NTP seconds, wrapping into era 1 after 2036 as RFC 6733 asks). */
    public DiameterEncoder putTime(Avp avp, long unixMs) {
        long ntp = Math.floorDiv(unixMs, 1000L) + NTP_UNIX_OFFSET_SECONDS;
        return putInteger32(avp.code(), avp.flags(), avp.vendorId(), (int) ntp);
    }

    /** UTF8String, DiameterIdentity, DiameterURI, IPFilterRule from text, encoded to UTF-8 in place. */
    public DiameterEncoder putUtf8(Avp avp, CharSequence text) {
        return putUtf8(avp.code(), avp.flags(), avp.vendorId(), text);
    }

    public DiameterEncoder putOctets(Avp avp, byte[] data) {
        return putOctets(avp.code(), avp.flags(), avp.vendorId(), data, 0, data.length);
    }

    /** OctetString data copied from another buffer (e.g. a Session-Id echoed from a request) without a copy array. */
    public DiameterEncoder putOctets(Avp avp, ByteBuffer src, int srcOffset, int length) {
        int data = beginAvp(avp.code(), avp.flags(), avp.vendorId(), length);
        buffer.put(data, src, srcOffset, length);
        return endAvp(data, length);
    }

    /** Address of family 1 (IPv4, {@code address} in network order). */
    public DiameterEncoder putAddressIpv4(Avp avp, int address) {
        int data = beginAvp(avp.code(), avp.flags(), avp.vendorId(), 6);
        buffer.putShort(data, (short) 1);
        buffer.putInt(data + 2, address);
        return endAvp(data, 6);
    }

    /** Address of family 1 or 2 (allocates the address bytes: control plane only). */
    public DiameterEncoder putAddress(Avp avp, InetAddress address) {
        byte[] raw = address.getAddress();
        int data = beginAvp(avp.code(), avp.flags(), avp.vendorId(), 2 + raw.length);
        buffer.putShort(data, (short) (address instanceof Inet4Address ? 1 : 2));
        buffer.put(data + 2, raw);
        return endAvp(data, 2 + raw.length);
    }

    /** Opens a Grouped AVP; returns the token to pass to {@link #endGrouped(int)} after its children. */
    public int beginGrouped(Avp avp) {
        return beginGrouped(avp.code(), avp.flags(), avp.vendorId());
    }

    public int beginGrouped(int code, int flags, int vendorId) {
        int avpStart = position;
        beginAvp(code, flags, vendorId, 0);
        return avpStart;
    }

    /** Closes the Grouped AVP opened at {@code token}: its length covers every child and their padding. */
    public DiameterEncoder endGrouped(int token) {
        int length = position - token;
        buffer.putInt(token + 4, (buffer.get(token + 4) << 24) | length);
        return this;
    }

    /** Appends bytes that are already a well-formed AVP (e.g. the offending AVP copied into Failed-AVP). */
    public DiameterEncoder putRawAvp(ByteBuffer src, int srcOffset, int length) {
        int padded = (length + 3) & ~3;
        ensure(padded);
        buffer.put(position, src, srcOffset, length);
        for (int i = length; i < padded; i++) {
            buffer.put(position + i, (byte) 0);
        }
        position += padded;
        return this;
    }

    public DiameterEncoder putInteger32(int code, int flags, int vendorId, int value) {
        int data = beginAvp(code, flags, vendorId, 4);
        buffer.putInt(data, value);
        position = data + 4;
        return this;
    }

    public DiameterEncoder putInteger64(int code, int flags, int vendorId, long value) {
        int data = beginAvp(code, flags, vendorId, 8);
        buffer.putLong(data, value);
        position = data + 8;
        return this;
    }

    public DiameterEncoder putOctets(int code, int flags, int vendorId, byte[] data, int offset, int length) {
        int dataOffset = beginAvp(code, flags, vendorId, length);
        buffer.put(dataOffset, data, offset, length);
        return endAvp(dataOffset, length);
    }

    public DiameterEncoder putUtf8(int code, int flags, int vendorId, CharSequence text) {
        int length = utf8Length(text);
        int data = beginAvp(code, flags, vendorId, length);
        int p = data;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                buffer.put(p++, (byte) c);
            } else if (c < 0x800) {
                buffer.put(p++, (byte) (0xc0 | (c >> 6)));
                buffer.put(p++, (byte) (0x80 | (c & 0x3f)));
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                buffer.put(p++, (byte) (0xf0 | (cp >> 18)));
                buffer.put(p++, (byte) (0x80 | ((cp >> 12) & 0x3f)));
                buffer.put(p++, (byte) (0x80 | ((cp >> 6) & 0x3f)));
                buffer.put(p++, (byte) (0x80 | (cp & 0x3f)));
            } else {
                buffer.put(p++, (byte) (0xe0 | (c >> 12)));
                buffer.put(p++, (byte) (0x80 | ((c >> 6) & 0x3f)));
                buffer.put(p++, (byte) (0x80 | (c & 0x3f)));
            }
        }
        return endAvp(data, length);
    }

    private static int utf8Length(CharSequence text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Writes the AVP header for {@code dataLength} bytes of data; returns the data offset. */
    private int beginAvp(int code, int flags, int vendorId, int dataLength) {
        boolean vendor = vendorId != 0;
        int header = vendor ? DiameterAvp.VENDOR_HEADER_LENGTH : DiameterAvp.HEADER_LENGTH;
        ensure(header + ((dataLength + 3) & ~3));
        int avpFlags = vendor ? flags | DiameterAvp.FLAG_VENDOR : flags & ~DiameterAvp.FLAG_VENDOR;
        buffer.putInt(position, code);
        buffer.putInt(position + 4, (avpFlags << 24) | (header + dataLength));
        if (vendor) {
            buffer.putInt(position + 8, vendorId);
        }
        position += header;
        return position;
    }

    private DiameterEncoder endAvp(int data, int length) {
        int end = data + length;
        int padded = data + ((length + 3) & ~3);
        for (int i = end; i < padded; i++) {
            buffer.put(i, (byte) 0);
        }
        position = padded;
        return this;
    }

    private void ensure(int bytes) {
        if (position + bytes > buffer.capacity()) {
            throw new IllegalStateException("encoder buffer full: capacity=" + buffer.capacity() + " position="
                    + position + " needed=" + bytes);
        }
    }
}

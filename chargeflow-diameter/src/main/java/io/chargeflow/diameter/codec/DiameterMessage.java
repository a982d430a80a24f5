package io.chargeflow.diameter.codec;

import io.chargeflow.diameter.dictionary.Avp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A flyweight over one Diameter message in a buffer (a frame read from a socket or found in a capture): header
 * fields are read in place, AVPs are framed on demand through a reusable {@link DiameterAvp} cursor, nothing is
 * copied or allocated. One instance per thread, re-pointed with {@link #wrap}; a malformed message never makes an
 * accessor throw (it reads zeros past the wrapped bytes) — {@link MessageValidator} says what is wrong.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Version    |                 Message Length                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R P E T r r r r|                  Command Code                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Application-ID                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Hop-by-Hop Identifier                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      End-to-End Identifier                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  AVPs ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-
 * </pre>
 */
public final class DiameterMessage {
    /** Length of the fixed header (RFC 6733 §3). */
    public static final int HEADER_LENGTH = 20;
    /** The only version defined (RFC 6733 §3). */
    public static final int VERSION = 1;
    /** Command flag R: the message is a request. */
    public static final int FLAG_REQUEST = 0x80;
    /** Command flag P: proxiable. */
    public static final int FLAG_PROXIABLE = 0x40;
    /** Command flag E: the answer carries a protocol error. */
    public static final int FLAG_ERROR = 0x20;
    /** Command flag T: potentially retransmitted after a failover. */
    public static final int FLAG_RETRANSMIT = 0x10;
    /** Reserved command flag bits, which must be zero. */
    public static final int FLAGS_RESERVED = 0x0f;

    static final int LENGTH_OFFSET = 1;
    static final int FLAGS_OFFSET = 4;
    static final int COMMAND_OFFSET = 5;
    static final int APPLICATION_OFFSET = 8;
    static final int HOP_BY_HOP_OFFSET = 12;
    static final int END_TO_END_OFFSET = 16;

    private ByteBuffer buffer;
    private int offset;
    private int length;

    /**
     * Points this flyweight at {@code length} bytes of {@code buffer} from {@code offset}. The buffer must be
     * big-endian (the wire order); offset and length must lie inside it: both are caller mistakes, rejected.
     */
    public DiameterMessage wrap(ByteBuffer buffer, int offset, int length) {
        if (buffer == null) {
            throw new IllegalArgumentException("buffer=null");
        }
        if (buffer.order() != ByteOrder.BIG_ENDIAN) {
            throw new IllegalArgumentException("buffer.order=" + buffer.order() + " (wire order is BIG_ENDIAN)");
        }
        if (offset < 0 || length < 0 || offset + length > buffer.capacity()) {
            throw new IllegalArgumentException(
                    "offset=" + offset + " length=" + length + " capacity=" + buffer.capacity());
        }
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** The buffer this flyweight reads. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Offset of the first header byte in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** Bytes wrapped (may differ from {@link #messageLength()} when the message is malformed or truncated). */
    public int wrappedLength() {
        return length;
    }

    public int version() {
        return byteAt(0);
    }

    /** The Message Length field (24 bits). */
    public int messageLength() {
        return length < 4 ? 0 : buffer.getInt(offset) & 0xffffff;
    }

    public int flags() {
        return byteAt(FLAGS_OFFSET);
    }

    public boolean isRequest() {
        return (flags() & FLAG_REQUEST) != 0;
    }

    public boolean isProxiable() {
        return (flags() & FLAG_PROXIABLE) != 0;
    }

    public boolean isError() {
        return (flags() & FLAG_ERROR) != 0;
    }

    public boolean isRetransmit() {
        return (flags() & FLAG_RETRANSMIT) != 0;
    }

    public int commandCode() {
        return length < 8 ? 0 : buffer.getInt(offset + FLAGS_OFFSET) & 0xffffff;
    }

    /** The Application-ID (unsigned 32 bits held in an int). */
    public int applicationId() {
        return intAt(APPLICATION_OFFSET);
    }

    public int hopByHopId() {
        return intAt(HOP_BY_HOP_OFFSET);
    }

    public int endToEndId() {
        return intAt(END_TO_END_OFFSET);
    }

    /** Offset just past the last AVP byte: the smaller of the declared length and the wrapped bytes. */
    public int avpLimit() {
        return offset + Math.min(Math.max(messageLength(), HEADER_LENGTH), length);
    }

    /** Offset of the first AVP. */
    public int avpStart() {
        return offset + HEADER_LENGTH;
    }

    /**
     * Positions {@code cursor} on the first top-level AVP with this definition; false (cursor undefined) when
     * there is none or the AVP framing breaks before one is found.
     */
    public boolean find(Avp avp, DiameterAvp cursor) {
        return find(avp.code(), avp.vendorId(), cursor);
    }

    /** As {@link #find(Avp, DiameterAvp)} by code and vendor id. */
    public boolean find(int code, int vendorId, DiameterAvp cursor) {
        if (!cursor.first(this)) {
            return false;
        }
        return cursor.seek(code, vendorId);
    }

    /** Overwrites the Hop-by-Hop Identifier in place (a relay or a retransmission re-labels a message). */
    public void hopByHopId(int id) {
        buffer.putInt(offset + HOP_BY_HOP_OFFSET, id);
    }

    /** Overwrites the command flags in place (e.g. set T before a retransmission). */
    public void flags(int flags) {
        buffer.put(offset + FLAGS_OFFSET, (byte) flags);
    }

    /** Copies the whole message (its declared length, bounded by what is wrapped) into a new array. */
    public byte[] toByteArray() {
        int n = avpLimit() - offset;
        byte[] bytes = new byte[n];
        buffer.get(offset, bytes, 0, n);
        return bytes;
    }

    /** A readable multi-line rendering with AVP names (allocates: for logs, tools and tests). */
    @Override
    public String toString() {
        return buffer == null ? "DiameterMessage[unwrapped]" : DiameterPrinter.print(this);
    }

    private int byteAt(int index) {
        return index < length ? buffer.get(offset + index) & 0xff : 0;
    }

    private int intAt(int index) {
        return index + 4 <= length ? buffer.getInt(offset + index) : 0;
    }
}

package io.chargeflow.cdr;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact, versioned binary encoding of a {@link PgwRecord} as a journal payload. Stateless; any thread. Encoding
 * writes into a caller-owned buffer (the journal writer's or a processor's scratch buffer), so it allocates only the
 * UTF-8 bytes of the string fields.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  version = 1  |  recordType   |  cause code   |S|P| reserved  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  subscriberKeyHi, subscriberKeyLo, peerKeyHi, peerKeyLo       |
 * |  (4 x 64-bit little-endian)                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  varints: chargingID, recordOpeningTimeMs, durationMs,         |
 * |  recordSequenceNumber, subscriberId                            |
 * |  strings (varint length+1, 0 = null, then UTF-8): IMSI,        |
 * |  MSISDN, PDP/PDN address, nodeID, account, plan                |
 * |  varint n, then n service data: varints ratingGroup,           |
 * |  serviceIdentifier, ul, dl octets, ul, dl packets, first usage |
 * |  - opening time, last - first usage, timeUsage, SCC, resultCode|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * S = charging side network, P = peer-to-peer. Times before the opening time (never produced by the assembler) are
 * stored as zig-zag varints so that any value round-trips.
 */
public final class CdrCodec {
    /** The payload version this codec writes. */
    public static final byte VERSION = 1;
    /** Journal frame type of an encoded PGW-CDR. */
    public static final byte FRAME_TYPE = 1;

    private CdrCodec() {}

    /**
     * Encodes {@code cdr} into {@code out} from {@code offset} on and returns the offset after it. {@code out} must
     * hold {@link #maxEncodedSize} bytes from {@code offset}. Writes the array directly: the journal sink encodes every
     * record of a run here, and a byte-at-a-time {@code ByteBuffer} put, each checked against the buffer's limit,
     * cost most of a record's close.
     */
    public static int encode(PgwRecord cdr, byte[] out, int offset) {
        List<ServiceData> list = cdr.listOfServiceData();
        int p = putHeader(
                out,
                offset,
                cdr.recordType(),
                cdr.causeForRecClosing(),
                cdr.chargingSide(),
                cdr.peerToPeer(),
                cdr.subscriberKeyHi(),
                cdr.subscriberKeyLo(),
                cdr.peerKeyHi(),
                cdr.peerKeyLo(),
                cdr.chargingID(),
                cdr.recordOpeningTimeMs(),
                cdr.durationMs(),
                cdr.recordSequenceNumber(),
                cdr.subscriberId(),
                cdr.servedIMSI(),
                cdr.servedMSISDN(),
                cdr.servedPDPPDNAddress(),
                cdr.nodeID(),
                cdr.account(),
                cdr.plan(),
                list.size());
        for (int i = 0; i < list.size(); i++) {
            ServiceData d = list.get(i);
            p = putServiceData(
                    out,
                    p,
                    cdr.recordOpeningTimeMs(),
                    d.ratingGroup(),
                    d.serviceIdentifier(),
                    d.datavolumeFBCUplink(),
                    d.datavolumeFBCDownlink(),
                    d.uplinkPackets(),
                    d.downlinkPackets(),
                    d.timeOfFirstUsageMs(),
                    d.timeOfLastUsageMs(),
                    d.timeUsageMs(),
                    d.serviceConditionChange(),
                    d.resultCode());
        }
        return p;
    }

    /**
     * Writes a record's fields before its list of service data, ending with the list's size: the first half of
     * {@link #encode}, field for field, for a writer that holds the record's fields without a {@link PgwRecord} (the
     * {@link CdrAssembler} writing to an {@link EncodedCdrSink}). {@code out} must hold {@link #maxHeaderSize} bytes
     * from {@code p}; returns the offset after the header.
     */
    static int putHeader(
            byte[] out,
            int p,
            int recordType,
            CauseForRecClosing cause,
            ChargingSide side,
            boolean peerToPeer,
            long keyHi,
            long keyLo,
            long peerHi,
            long peerLo,
            long chargingId,
            long openingMs,
            long durationMs,
            int recordSequenceNumber,
            long subscriberId,
            String imsi,
            String msisdn,
            String address,
            String nodeId,
            String account,
            String plan,
            int serviceDataCount) {
        out[p++] = VERSION;
        out[p++] = (byte) recordType;
        out[p++] = (byte) cause.code();
        out[p++] = (byte) ((side == ChargingSide.NETWORK ? 1 : 0) | (peerToPeer ? 2 : 0));
        p = putLong(out, p, keyHi);
        p = putLong(out, p, keyLo);
        p = putLong(out, p, peerHi);
        p = putLong(out, p, peerLo);
        p = putZigZag(out, p, chargingId);
        p = putZigZag(out, p, openingMs);
        p = putZigZag(out, p, durationMs);
        p = putVarLong(out, p, recordSequenceNumber);
        p = putZigZag(out, p, subscriberId);
        p = putString(out, p, imsi);
        p = putString(out, p, msisdn);
        p = putString(out, p, address);
        p = putString(out, p, nodeId);
        p = putString(out, p, account);
        p = putString(out, p, plan);
        return putVarLong(out, p, serviceDataCount);
    }

    /**
     * Writes one entry of the list of service data (the second half of {@link #encode}); {@code openingMs} is the
     * record's opening time, which first usage is written relative to. {@code out} must hold
     * {@link #SERVICE_DATA_MAX_SIZE} bytes from {@code p}.
     */
    static int putServiceData(
            byte[] out,
            int p,
            long openingMs,
            int ratingGroup,
            int serviceId,
            long ulOctets,
            long dlOctets,
            long ulPackets,
            long dlPackets,
            long firstUsageMs,
            long lastUsageMs,
            long timeUsageMs,
            int serviceConditionChange,
            int resultCode) {
        p = putVarLong(out, p, ratingGroup & 0xFFFFFFFFL);
        p = putVarLong(out, p, serviceId & 0xFFFFFFFFL);
        p = putZigZag(out, p, ulOctets);
        p = putZigZag(out, p, dlOctets);
        p = putZigZag(out, p, ulPackets);
        p = putZigZag(out, p, dlPackets);
        p = putZigZag(out, p, firstUsageMs - openingMs);
        p = putZigZag(out, p, lastUsageMs - firstUsageMs);
        p = putZigZag(out, p, timeUsageMs);
        p = putVarLong(out, p, serviceConditionChange & 0xFFFFFFFFL);
        return putVarLong(out, p, resultCode & 0xFFFFFFFFL);
    }

    /** The most bytes {@link #putServiceData} writes: eleven varints. */
    static final int SERVICE_DATA_MAX_SIZE = 11 * 10;

    /** An upper bound of the encoded size, to size buffers before encoding. */
    public static int maxEncodedSize(PgwRecord cdr) {
        return maxHeaderSize(
                        cdr.servedIMSI(),
                        cdr.servedMSISDN(),
                        cdr.servedPDPPDNAddress(),
                        cdr.nodeID(),
                        cdr.account(),
                        cdr.plan())
                + cdr.listOfServiceData().size() * SERVICE_DATA_MAX_SIZE;
    }

    /** An upper bound of what {@link #putHeader} writes with these strings. */
    static int maxHeaderSize(String imsi, String msisdn, String address, String nodeId, String account, String plan) {
        int strings = maxStringSize(imsi) + maxStringSize(msisdn) + maxStringSize(address);
        strings += maxStringSize(nodeId) + maxStringSize(account) + maxStringSize(plan);
        return 4 + 32 + 5 * 10 + strings + 5;
    }

    /**
     * Encodes records into exactly-sized arrays through one reused scratch buffer (it grows when a record needs more),
     * so a record costs one array of its own size. One per thread: the scratch is not shared.
     */
    public static final class Encoder {
        private byte[] scratch = new byte[1024];

        public byte[] encode(PgwRecord cdr) {
            int max = maxEncodedSize(cdr);
            if (scratch.length < max) {
                scratch = new byte[Math.max(max, scratch.length * 2)];
            }
            return java.util.Arrays.copyOf(scratch, CdrCodec.encode(cdr, scratch, 0));
        }
    }

    /** Encodes into a new exactly-sized array (control plane and tests). */
    public static byte[] encode(PgwRecord cdr) {
        return new Encoder().encode(cdr);
    }

    /**
     * Decodes the payload between the buffer's position and limit (little-endian); {@code localSequenceNumber} comes
     * from the journal frame. Throws {@link CdrFormatException} (never another exception) when the bytes do not form
     * a record of a known version.
     */
    public static PgwRecord decode(ByteBuffer in, long localSequenceNumber) {
        int start = in.position();
        try {
            return decodeUnchecked(in, localSequenceNumber);
        } catch (BufferUnderflowException | IllegalArgumentException | NullPointerException e) {
            throw new CdrFormatException("truncated or invalid record: " + e, in.position() - start);
        }
    }

    private static PgwRecord decodeUnchecked(ByteBuffer in, long localSequenceNumber) {
        int start = in.position();
        int version = in.get();
        if (version != VERSION) {
            throw new CdrFormatException("unknown record version=" + version, 0);
        }
        int recordType = in.get() & 0xFF;
        int causeCode = in.get() & 0xFF;
        CauseForRecClosing cause = CauseForRecClosing.ofCode(causeCode);
        if (cause == null) {
            throw new CdrFormatException("unknown causeForRecClosing=" + causeCode, in.position() - start - 1);
        }
        int flags = in.get();
        long keyHi = in.getLong();
        long keyLo = in.getLong();
        long peerHi = in.getLong();
        long peerLo = in.getLong();
        long chargingId = getZigZag(in);
        long opening = getZigZag(in);
        long duration = getZigZag(in);
        int recordSequence = (int) getVarLong(in);
        long subscriberId = getZigZag(in);
        String imsi = getString(in);
        String msisdn = getString(in);
        String address = getString(in);
        String node = getString(in);
        String account = getString(in);
        String plan = getString(in);
        long count = getVarLong(in);
        if (count < 0 || count > in.remaining()) {
            throw new CdrFormatException(
                    "listOfServiceData count=" + count + " exceeds payload", in.position() - start);
        }
        List<ServiceData> list = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            int rg = (int) getVarLong(in);
            int sid = (int) getVarLong(in);
            long ul = getZigZag(in);
            long dl = getZigZag(in);
            long ulPk = getZigZag(in);
            long dlPk = getZigZag(in);
            long first = opening + getZigZag(in);
            long last = first + getZigZag(in);
            long timeUsage = getZigZag(in);
            int scc = (int) getVarLong(in);
            int result = (int) getVarLong(in);
            list.add(new ServiceData(rg, sid, ul, dl, ulPk, dlPk, first, last, timeUsage, scc, result));
        }
        if (in.hasRemaining()) {
            throw new CdrFormatException("trailing bytes=" + in.remaining(), in.position() - start);
        }
        return new PgwRecord(
                recordType,
                imsi,
                msisdn,
                address,
                chargingId,
                node,
                opening,
                duration,
                cause,
                recordSequence,
                localSequenceNumber,
                list,
                ChargingSide.ofOrdinal(flags & 1),
                keyHi,
                keyLo,
                (flags & 2) != 0,
                peerHi,
                peerLo,
                subscriberId,
                account,
                plan);
    }

    private static int maxStringSize(String s) {
        return s == null ? 1 : 5 + s.length() * 3;
    }

    /** Length + 1 as a varint (0: null), then UTF-8; ASCII (every string the engine writes) without a copy. */
    private static int putString(byte[] out, int p, String s) {
        if (s == null) {
            out[p] = 0;
            return p + 1;
        }
        int n = s.length();
        if (n < 127) {
            int at = p + 1;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    return putUtf8(out, p, s);
                }
                out[at + i] = (byte) c;
            }
            out[p] = (byte) (n + 1);
            return at + n;
        }
        return putUtf8(out, p, s);
    }

    private static int putUtf8(byte[] out, int p, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        p = putVarLong(out, p, bytes.length + 1L);
        System.arraycopy(bytes, 0, out, p, bytes.length);
        return p + bytes.length;
    }

    private static int putLong(byte[] out, int p, long v) {
        LONG_LE.set(out, p, v);
        return p + 8;
    }

    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    private static String getString(ByteBuffer in) {
        long lengthPlusOne = getVarLong(in);
        if (lengthPlusOne == 0) {
            return null;
        }
        long length = lengthPlusOne - 1;
        if (length < 0 || length > in.remaining()) {
            throw new CdrFormatException("string length=" + length + " exceeds payload", in.position());
        }
        if (in.hasArray()) {
            String s = new String(in.array(), in.arrayOffset() + in.position(), (int) length, StandardCharsets.UTF_8);
            in.position(in.position() + (int) length);
            return s;
        }
        byte[] bytes = new byte[(int) length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static int putVarLong(byte[] out, int p, long value) {
        while ((value & ~0x7FL) != 0) {
            out[p++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[p] = (byte) value;
        return p + 1;
    }

    static long getVarLong(ByteBuffer in) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new CdrFormatException("varint longer than 10 bytes", in.position());
    }

    private static int putZigZag(byte[] out, int p, long value) {
        return putVarLong(out, p, (value << 1) ^ (value >> 63));
    }

    private static long getZigZag(ByteBuffer in) {
        long v = getVarLong(in);
        return (v >>> 1) ^ -(v & 1);
    }
}

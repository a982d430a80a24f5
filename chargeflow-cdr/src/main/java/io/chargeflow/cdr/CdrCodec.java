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

    /** Encodes {@code cdr} at the buffer's position; the buffer must be little-endian and have room. */
    public static void encode(PgwRecord cdr, ByteBuffer out) {
        out.put(VERSION);
        out.put((byte) cdr.recordType());
        out.put((byte) cdr.causeForRecClosing().code());
        int flags = (cdr.chargingSide() == ChargingSide.NETWORK ? 1 : 0) | (cdr.peerToPeer() ? 2 : 0);
        out.put((byte) flags);
        out.putLong(cdr.subscriberKeyHi()).putLong(cdr.subscriberKeyLo());
        out.putLong(cdr.peerKeyHi()).putLong(cdr.peerKeyLo());
        putZigZag(out, cdr.chargingID());
        putZigZag(out, cdr.recordOpeningTimeMs());
        putZigZag(out, cdr.durationMs());
        putVarLong(out, cdr.recordSequenceNumber());
        putZigZag(out, cdr.subscriberId());
        putString(out, cdr.servedIMSI());
        putString(out, cdr.servedMSISDN());
        putString(out, cdr.servedPDPPDNAddress());
        putString(out, cdr.nodeID());
        putString(out, cdr.account());
        putString(out, cdr.plan());
        List<ServiceData> list = cdr.listOfServiceData();
        putVarLong(out, list.size());
        for (int i = 0; i < list.size(); i++) {
            ServiceData d = list.get(i);
            putVarLong(out, d.ratingGroup() & 0xFFFFFFFFL);
            putVarLong(out, d.serviceIdentifier() & 0xFFFFFFFFL);
            putZigZag(out, d.datavolumeFBCUplink());
            putZigZag(out, d.datavolumeFBCDownlink());
            putZigZag(out, d.uplinkPackets());
            putZigZag(out, d.downlinkPackets());
            putZigZag(out, d.timeOfFirstUsageMs() - cdr.recordOpeningTimeMs());
            putZigZag(out, d.timeOfLastUsageMs() - d.timeOfFirstUsageMs());
            putZigZag(out, d.timeUsageMs());
            putVarLong(out, d.serviceConditionChange() & 0xFFFFFFFFL);
            putVarLong(out, d.resultCode() & 0xFFFFFFFFL);
        }
    }

    /** An upper bound of the encoded size, to size buffers before encoding. */
    public static int maxEncodedSize(PgwRecord cdr) {
        int strings = 0;
        strings += maxStringSize(cdr.servedIMSI()) + maxStringSize(cdr.servedMSISDN());
        strings += maxStringSize(cdr.servedPDPPDNAddress()) + maxStringSize(cdr.nodeID());
        strings += maxStringSize(cdr.account()) + maxStringSize(cdr.plan());
        return 4 + 32 + 5 * 10 + strings + 5 + cdr.listOfServiceData().size() * (11 * 10);
    }

    /**
     * Encodes records into exactly-sized arrays through one reused scratch buffer (it grows when a record needs more),
     * so a record costs one array of its own size. One per thread: the scratch is not shared.
     */
    public static final class Encoder {
        private ByteBuffer scratch = ByteBuffer.allocate(1024).order(java.nio.ByteOrder.LITTLE_ENDIAN);

        public byte[] encode(PgwRecord cdr) {
            int max = maxEncodedSize(cdr);
            if (scratch.capacity() < max) {
                scratch = ByteBuffer.allocate(Math.max(max, scratch.capacity() * 2))
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            }
            scratch.clear();
            CdrCodec.encode(cdr, scratch);
            return java.util.Arrays.copyOf(scratch.array(), scratch.position());
        }
    }

    /** Encodes into a new exactly-sized array (control plane and tests). */
    public static byte[] encode(PgwRecord cdr) {
        ByteBuffer buffer = ByteBuffer.allocate(maxEncodedSize(cdr)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        encode(cdr, buffer);
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
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

    private static void putString(ByteBuffer out, String s) {
        if (s == null) {
            out.put((byte) 0);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        putVarLong(out, bytes.length + 1L);
        out.put(bytes);
    }

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

    static void putVarLong(ByteBuffer out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
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

    private static void putZigZag(ByteBuffer out, long value) {
        putVarLong(out, (value << 1) ^ (value >> 63));
    }

    private static long getZigZag(ByteBuffer in) {
        long v = getVarLong(in);
        return (v >>> 1) ^ -(v & 1);
    }
}

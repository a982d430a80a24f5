package io.chargeflow.cdr.journal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Layout constants of journal segments and frames (all little-endian), shared by the writer and every reader.
 *
 * <pre>
 * Segment header (32 bytes, at offset 0 of every segment file):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      magic "CFJ1" (0x314A4643)                |
 * |                      format version (1)                       |
 * |                      first sequence (64 bits)                 |
 * |                      created, epoch ms (64 bits)              |
 * |                      CRC32C of bytes 0..23                    |
 * |                      reserved (0)                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Frame (starts 8-byte aligned; the next frame starts at align8(offset + frame length)):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                frame length = 20 + payload length             |
 * |                CRC32C of bytes 8 .. frame length - 1          |
 * |                sequence (64 bits, gap-free over the journal)  |
 * |     type      |                 reserved (0)                  |
 * |                payload ...                                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The CRC covers the sequence and type, so a frame copied to the wrong place or renumbered does not validate; a
 * corrupted length makes the CRC cover the wrong bytes and fail. Alignment lets recovery look for a valid frame after
 * damage at 8-byte steps only.
 */
public final class JournalDescriptor {
    public static final int SEGMENT_MAGIC = 0x314A4643;
    public static final int FORMAT_VERSION = 1;
    public static final int SEGMENT_HEADER_LENGTH = 32;
    public static final int FRAME_HEADER_LENGTH = 20;
    public static final int FRAME_ALIGNMENT = 8;
    /** Largest payload a frame may carry; a larger length in a frame header is damage, not a record. */
    public static final int MAX_PAYLOAD_LENGTH = 1 << 20;

    public static final String SEGMENT_SUFFIX = ".cfj";

    private JournalDescriptor() {}

    /** The padded length a frame occupies in the segment. */
    public static int alignedLength(int frameLength) {
        return (frameLength + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT;
    }

    /** The file name of the segment whose first frame has {@code firstSequence}. */
    public static String segmentName(long firstSequence) {
        return String.format("segment-%020d%s", firstSequence, SEGMENT_SUFFIX);
    }

    /** Writes a segment header into a new 32-byte buffer, ready to write. */
    public static ByteBuffer segmentHeader(long firstSequence, long createdMs) {
        ByteBuffer b = ByteBuffer.allocate(SEGMENT_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(SEGMENT_MAGIC).putInt(FORMAT_VERSION).putLong(firstSequence).putLong(createdMs);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 24);
        b.putInt((int) crc.getValue()).putInt(0);
        return b.flip();
    }
}

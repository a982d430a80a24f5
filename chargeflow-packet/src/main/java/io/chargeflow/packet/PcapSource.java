package io.chargeflow.packet;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A classic pcap file, memory-mapped and handed out zero-copy. Record headers are read in place; offsets are
 * {@code long}s, so files beyond 4 GiB work. Read by one thread.
 *
 * <pre>
 *  File header (24 bytes)                   Record header (16 bytes), then incl_len bytes of frame
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          magic a1b2c3d4 (us) / a1b23c4d (ns), either order      |   | ts seconds                      |
 * |  version major (2)            |  version minor (4)              |   | ts micro- or nanoseconds        |
 * |                      thiszone (ignored)                         |   | incl_len (captured)             |
 * |                      sigfigs (ignored)                          |   | orig_len (on the wire)          |
 * |                      snaplen                                    |
 * |  FCS bits (4) |         link type (28)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>A record cannot be resynchronised (there is no block marker), so a record length beyond any sane maximum
 * stops reading with a {@link CaptureFormatException}; a record cut by the end of the file is counted as broken and
 * ends the file normally. A file whose record headers are in another byte order than its magic (pkts'
 * {@code cool.pcap}, which also states lengths 14 bytes longer than the data it holds) is rejected at its first
 * record, as libpcap and tshark do: guessing would mis-frame every record after the first and charge garbage.
 */
final class PcapSource implements CaptureSource {
    /** libpcap's largest accepted record when the snaplen is smaller (MAXIMUM_SNAPLEN). */
    static final int MAX_RECORD = 262_144;

    static final int FILE_HEADER = 24;
    static final int RECORD_HEADER = 16;

    private final Path file;
    private final FileChannel channel;
    private final Arena arena;
    private final MemorySegment data;
    private final long size;
    private final boolean nanos;
    private final int snaplen;
    private final int linkType;
    private final int maxRecord;
    private final CaptureStats stats = new CaptureStats();
    /** Constant layouts, so the JIT folds every record-header read into a plain (byte-swapped) load. */
    private static final ValueLayout.OfInt INT_LE =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private final boolean bigEndian;
    private long position = FILE_HEADER;
    private boolean ended;

    PcapSource(Path file, FileChannel channel, Arena arena, MemorySegment data, ByteOrder order, boolean nanos)
            throws CaptureFormatException {
        this.file = file;
        this.channel = channel;
        this.arena = arena;
        this.data = data;
        this.size = data.byteSize();
        this.nanos = nanos;
        if (size < FILE_HEADER) {
            throw new CaptureFormatException(file, size, "pcap: truncated file header (" + size + " of 24 bytes)");
        }
        ValueLayout.OfShort headerShort = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
        ValueLayout.OfInt headerInt = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
        int major = Short.toUnsignedInt(data.get(headerShort, 4));
        int minor = Short.toUnsignedInt(data.get(headerShort, 6));
        if (major != 2) {
            throw new CaptureFormatException(file, 4, "pcap: major version " + major + " unsupported");
        }
        if (minor > 4) {
            throw new CaptureFormatException(file, 6, "pcap: minor version " + minor + " unsupported");
        }
        this.snaplen = data.get(headerInt, 16);
        this.linkType = data.get(headerInt, 20) & 0x0FFF_FFFF;
        this.maxRecord = snaplen > MAX_RECORD || snaplen < 0 ? Integer.MAX_VALUE : MAX_RECORD;
        this.bigEndian = order == ByteOrder.BIG_ENDIAN;
        stats.fileBytesRead = FILE_HEADER;
    }

    private int recordInt(long at) {
        return bigEndian ? data.get(INT_BE, at) : data.get(INT_LE, at);
    }

    @Override
    public int read(FrameHandler handler, int maxFrames) throws IOException {
        if (maxFrames <= 0) {
            throw new IllegalArgumentException("maxFrames=" + maxFrames);
        }
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("source closed file=" + file);
        }
        if (ended) {
            return END_OF_INPUT;
        }
        int delivered = 0;
        while (delivered < maxFrames) {
            long at = position;
            long remaining = size - at;
            if (remaining == 0) {
                ended = true;
                break;
            }
            if (remaining < RECORD_HEADER) {
                truncatedTail(at, "record header cut by the end of the file (" + remaining + " of 16 bytes)");
                break;
            }
            int captured = recordInt(at + 8);
            int original = recordInt(at + 12);
            if (captured < 0 || captured > maxRecord) {
                stats.brokenRecords++;
                stats.recordProblem("offset " + at + ": record length " + Integer.toUnsignedLong(captured)
                        + " beyond the maximum " + maxRecord);
                ended = true;
                throw new CaptureFormatException(
                        file,
                        at,
                        // libpcap's wording, so the message matches what tcpdump and tshark print for the file
                        "pcap: File has " + Integer.toUnsignedLong(captured) + "-byte packet, bigger than maximum of "
                                + maxRecord + "; cannot resynchronise");
            }
            if (captured > remaining - RECORD_HEADER) {
                truncatedTail(
                        at,
                        "record of " + captured + " bytes cut by the end of the file (" + (remaining - RECORD_HEADER)
                                + " bytes left)");
                break;
            }
            long seconds = Integer.toUnsignedLong(recordInt(at));
            long fraction = Integer.toUnsignedLong(recordInt(at + 4));
            long timestampNs = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000L);
            int wire = original < captured ? captured : original;
            if (captured < wire) {
                stats.truncatedFrames++;
            }
            position = at + RECORD_HEADER + captured;
            stats.frames++;
            stats.capturedBytes += captured;
            stats.fileBytesRead = position;
            delivered++;
            handler.onFrame(data, at + RECORD_HEADER, captured, wire, timestampNs, 0, linkType);
        }
        return delivered == 0 && ended ? END_OF_INPUT : delivered;
    }

    private void truncatedTail(long at, String what) {
        stats.brokenRecords++;
        stats.recordProblem("offset " + at + ": " + what);
        stats.fileBytesRead = size;
        position = size;
        ended = true;
    }

    /** The snaplen of the file header. */
    int snaplen() {
        return snaplen;
    }

    @Override
    public CaptureStats stats() {
        return stats;
    }

    @Override
    public String interfaceName(int interfaceId) {
        return null;
    }

    @Override
    public int interfaceCount() {
        return 1;
    }

    @Override
    public String description() {
        return file.toString();
    }

    @Override
    public void close() throws IOException {
        if (arena.scope().isAlive()) {
            arena.close();
        }
        channel.close();
    }
}

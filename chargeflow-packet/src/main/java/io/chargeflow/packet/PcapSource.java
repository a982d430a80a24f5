package io.chargeflow.packet;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A classic pcap file, handed out without per-frame copies. Two ways to reach the bytes, same parsing:
 * <ul>
 *   <li>streamed (the default for files): the file is read in large chunks into one reused off-heap window that
 *       stays in the CPU caches, and frames are handed out in place from it. Measured on the 2-core machine: walking
 *       records runs at about 28 Mpps this way against about 7 Mpps over a mapping, where every record header is a
 *       dependent load that misses the caches (see the module README);
 *   <li>memory-mapped ({@code -Dchargeflow.capture.io=mmap}): the whole file is one mapped segment.
 * </ul>
 * Record headers are read in place; offsets are {@code long}s, so files beyond 4 GiB work. Read by one thread.
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

    /** The largest record a streamed source grows its window for. */
    static final int MAX_STREAMED_RECORD = 64 << 20;

    static final int FILE_HEADER = 24;
    static final int RECORD_HEADER = 16;

    private final Path file;
    private final FileChannel channel;
    private final Arena arena;
    /** Streamed: the reused window; mapped: the whole file. */
    private MemorySegment data;
    /** File offset of {@code data[0]} and file offset where the bytes held in {@code data} end. */
    private long windowBase;

    private long windowEnd;
    private final boolean streamed;
    private final long size;
    private final boolean nanos;
    private final int snaplen;
    private final int linkType;
    private final int maxRecord;
    private final CaptureStats stats = new CaptureStats();
    /** Constant layouts, so the JIT folds every record-header read into a plain (byte-swapped) load. */
    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private final boolean bigEndian;
    private long position = FILE_HEADER;
    private boolean ended;

    /** A mapped source: {@code data} is the whole file. */
    PcapSource(Path file, FileChannel channel, Arena arena, MemorySegment data, ByteOrder order, boolean nanos)
            throws CaptureFormatException {
        this(file, channel, arena, data, data.byteSize(), data.byteSize(), false, order, nanos);
    }

    /**
     * A streamed source: {@code window} holds the first {@code filled} bytes of a file of {@code fileSize} bytes
     * (at least the 24-byte header when the file has one).
     */
    PcapSource(
            Path file,
            FileChannel channel,
            Arena arena,
            MemorySegment window,
            long filled,
            long fileSize,
            boolean streamed,
            ByteOrder order,
            boolean nanos)
            throws CaptureFormatException {
        this.file = file;
        this.channel = channel;
        this.arena = arena;
        this.data = window;
        this.windowBase = 0;
        this.windowEnd = filled;
        this.streamed = streamed;
        this.size = fileSize;
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

    /** Two 32-bit header fields at once, in the file's byte order (the first field in the high half when big-endian). */
    private long recordLong(long at) {
        long local = at - windowBase;
        return bigEndian ? data.get(LONG_BE, local) : data.get(LONG_LE, local);
    }

    /**
     * Makes {@code [at, at + bytes)} present in the window (streamed sources): moves what is left to the window's
     * start and reads the file behind it. Returns false when the file ends first.
     */
    private boolean ensure(long at, long bytes) throws IOException {
        if (at + bytes <= windowEnd) {
            return true;
        }
        if (!streamed || at + bytes > size) {
            return false;
        }
        if (bytes > data.byteSize()) {
            if (bytes > MAX_STREAMED_RECORD) {
                throw new CaptureFormatException(
                        file,
                        at,
                        "record of " + (bytes - RECORD_HEADER)
                                + " bytes is larger than a streamed read takes (" + MAX_STREAMED_RECORD
                                + "); read the file memory-mapped with -Dchargeflow.capture.io=mmap");
            }
            // a record larger than the window (a file with a large snaplen): a larger window
            MemorySegment larger = Arena.ofAuto().allocate(Math.max(bytes, data.byteSize() * 2), 64);
            MemorySegment.copy(data, at - windowBase, larger, 0, windowEnd - at);
            data = larger;
        } else {
            MemorySegment.copy(data, at - windowBase, data, 0, windowEnd - at);
        }
        long kept = windowEnd - at;
        windowBase = at;
        java.nio.ByteBuffer target = data.asByteBuffer();
        target.position((int) kept);
        while (target.hasRemaining() && windowBase + target.position() < size) {
            int n = channel.read(target, windowBase + target.position());
            if (n < 0) {
                break;
            }
        }
        windowEnd = windowBase + target.position();
        return at + bytes <= windowEnd;
    }

    @Override
    public int read(FrameHandler handler, int maxFrames) throws IOException {
        if (maxFrames <= 0) {
            throw new IllegalArgumentException("maxFrames=" + maxFrames);
        }
        if (!channel.isOpen()) {
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
            if (remaining < RECORD_HEADER || !ensure(at, RECORD_HEADER)) {
                truncatedTail(at, "record header cut by the end of the file (" + remaining + " of 16 bytes)");
                break;
            }
            // the record header in two reads: (seconds, fraction), then (captured, original length)
            long lengths = recordLong(at + 8);
            int captured = bigEndian ? (int) (lengths >>> 32) : (int) lengths;
            int original = bigEndian ? (int) lengths : (int) (lengths >>> 32);
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
            if (captured > remaining - RECORD_HEADER || !ensure(at, RECORD_HEADER + (long) captured)) {
                truncatedTail(
                        at,
                        "record of " + captured + " bytes cut by the end of the file (" + (remaining - RECORD_HEADER)
                                + " bytes left)");
                break;
            }
            long time = recordLong(at);
            long seconds = bigEndian ? time >>> 32 : time & 0xFFFF_FFFFL;
            long fraction = bigEndian ? time & 0xFFFF_FFFFL : time >>> 32;
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
            handler.onFrame(data, at - windowBase + RECORD_HEADER, captured, wire, timestampNs, 0, linkType);
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
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
        channel.close();
    }
}

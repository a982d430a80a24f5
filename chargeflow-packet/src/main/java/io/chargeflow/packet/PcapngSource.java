package io.chargeflow.packet;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A pcapng file, memory-mapped and handed out zero-copy. Read by one thread.
 *
 * <pre>
 *  Every block                                       Enhanced Packet Block (type 6) body
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          block type                           |
 * |                      block total length                       |
 * |   body (EPB: interface id, timestamp high, timestamp low,     |
 * |   captured length, original length, data padded to 32 bits,   |
 * |   options)                                                    |
 * |                      block total length                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Section Header Blocks set the byte order (magic 1a2b3c4d) and restart interface numbering; Interface
 * Description Blocks give link type, snaplen, if_name, if_tsresol (base 10 or base 2) and if_tsoffset; EPB, SPB and
 * the obsolete Packet Block (type 2) carry frames; every other block is skipped by its length. Interfaces are
 * numbered across the file (the first interface of the second section gets the id after the last one of the
 * first), so an id stays unique and {@link #interfaceName} keeps working after a section ends.
 *
 * <p>A block whose length is below 12, not a multiple of 4, or whose trailing length differs cannot be skipped
 * safely: reading stops with a {@link CaptureFormatException} naming the offset. A block cut by the end of the file
 * is counted and ends the file normally. A packet block whose lengths overrun the block, or that names an unknown
 * interface, and an option that overruns its block are counted as broken and skipped by the block length (an
 * interface whose options overrun keeps its link type and snaplen, with the default microsecond resolution, so the
 * bytes of its packets are still charged).
 */
final class PcapngSource implements CaptureSource {
    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 1;
    static final int OPB = 2;
    static final int SPB = 3;
    static final int EPB = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    /** Interfaces kept per file; real captures have a handful. */
    static final int MAX_INTERFACES = 1 << 16;

    private final Path file;
    private final FileChannel channel;
    private final Arena arena;
    private final MemorySegment data;
    private final long size;
    private final CaptureStats stats = new CaptureStats();
    private ValueLayout.OfInt intLayout = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private ValueLayout.OfShort shortLayout = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private ValueLayout.OfLong longLayout = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Per interface (file-wide numbering). */
    private int[] linkTypes = new int[4];

    private int[] snaplens = new int[4];
    private int[] tsresols = new int[4];
    private long[] tsoffsetNs = new long[4];
    private String[] names = new String[4];
    private int interfaceCount;
    /** File-wide id of interface 0 of the current section. */
    private int sectionBase;

    private long position;
    private boolean ended;

    PcapngSource(Path file, FileChannel channel, Arena arena, MemorySegment data) throws CaptureFormatException {
        this.file = file;
        this.channel = channel;
        this.arena = arena;
        this.data = data;
        this.size = data.byteSize();
        if (size < 28) {
            throw new CaptureFormatException(file, 0, "pcapng: truncated section header (" + size + " bytes)");
        }
        long length = readSectionHeader(0);
        if (length > size) {
            throw new CaptureFormatException(
                    file, 4, "pcapng: section header block of " + length + " bytes beyond the file end");
        }
        // options first: an option that overruns its block is the root cause of a trailer that does not match
        String problem = length >= 28 ? checkOptions(0, 24, length) : null;
        if (problem == null) {
            problem = checkBlockFrame(0, length);
        }
        if (problem != null) {
            throw new CaptureFormatException(file, 0, "pcapng: " + problem);
        }
        position = length;
        stats.fileBytesRead = position;
    }

    /** Sets the byte order from the SHB at {@code at}, checks its version and returns its total length. */
    private long readSectionHeader(long at) throws CaptureFormatException {
        if (size - at < 28) {
            throw new CaptureFormatException(file, at, "pcapng: truncated section header block");
        }
        int magic = data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), at + 8);
        ByteOrder order;
        if (magic == BYTE_ORDER_MAGIC) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (Integer.reverseBytes(magic) == BYTE_ORDER_MAGIC) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else {
            throw new CaptureFormatException(
                    file, at + 8, "pcapng: bad byte-order magic 0x" + Integer.toHexString(magic));
        }
        intLayout = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
        shortLayout = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
        longLayout = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
        int major = u16(at + 12);
        int minor = u16(at + 14);
        if (major != 1 || (minor != 0 && minor != 2)) {
            throw new CaptureFormatException(file, at + 12, "pcapng: unknown SHB version " + major + "." + minor);
        }
        sectionBase = interfaceCount;
        return Integer.toUnsignedLong(data.get(intLayout, at + 4));
    }

    /** Null when a block of {@code length} at {@code at} is framed correctly, else why not. */
    private String checkBlockFrame(long at, long length) {
        if (length < 12) {
            return "block length " + length + " below 12";
        }
        if ((length & 3) != 0) {
            return "block length " + length + " not a multiple of 4";
        }
        long trailer = Integer.toUnsignedLong(data.get(intLayout, at + length - 4));
        if (trailer != length) {
            return "block trailer length " + trailer + " differs from block length " + length;
        }
        return null;
    }

    /** Null when the options from {@code optionsAt} to the block trailer are well formed, else why not. */
    private String checkOptions(long at, long optionsAt, long length) {
        long end = at + length - 4;
        long p = at + optionsAt;
        while (p + 4 <= end) {
            int code = u16(p);
            int optionLength = u16(p + 2);
            if (code == 0) {
                return null;
            }
            long padded = (optionLength + 3L) & ~3L;
            if (p + 4 + padded > end) {
                return "Not enough data to handle option of length " + optionLength + " at offset " + p;
            }
            p += 4 + padded;
        }
        return null;
    }

    private int u16(long at) {
        return Short.toUnsignedInt(data.get(shortLayout, at));
    }

    private int i32(long at) {
        return data.get(intLayout, at);
    }

    @Override
    public int read(FrameHandler handler, int maxFrames) throws IOException {
        if (maxFrames <= 0) {
            throw new IllegalArgumentException("maxFrames=" + maxFrames);
        }
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("source closed file=" + file);
        }
        int delivered = 0;
        while (!ended && delivered < maxFrames) {
            long at = position;
            long remaining = size - at;
            if (remaining == 0) {
                ended = true;
                break;
            }
            if (remaining < 12) {
                truncatedTail(at, "block header cut by the end of the file (" + remaining + " bytes left)");
                break;
            }
            int type = data.get(ValueLayout.JAVA_INT_UNALIGNED, at);
            if (type == SHB) {
                if (remaining < 28) {
                    truncatedTail(at, "section header block cut by the end of the file");
                    break;
                }
                // the byte order may change here: read the length only after the new section's magic
                long length = readSectionHeader(at);
                if (length > remaining) {
                    truncatedTail(at, "section header block of " + length + " bytes cut by the end of the file");
                    break;
                }
                frame(at, length);
                String problem = checkOptions(at, 24, length);
                if (problem != null) {
                    broken(at, problem);
                }
                position = at + length;
                stats.fileBytesRead = position;
                continue;
            }
            type = i32(at);
            long length = Integer.toUnsignedLong(i32(at + 4));
            if (length > remaining) {
                truncatedTail(
                        at, "block of " + length + " bytes cut by the end of the file (" + remaining + " bytes left)");
                break;
            }
            frame(at, length);
            position = at + length;
            stats.fileBytesRead = position;
            switch (type) {
                case EPB -> delivered += enhancedPacket(handler, at, length);
                case SPB -> delivered += simplePacket(handler, at, length);
                case OPB -> delivered += obsoletePacket(handler, at, length);
                case IDB -> interfaceDescription(at, length);
                default -> stats.skippedBlocks++;
            }
        }
        return delivered == 0 && ended ? END_OF_INPUT : delivered;
    }

    private void frame(long at, long length) throws CaptureFormatException {
        String problem = checkBlockFrame(at, length);
        if (problem != null) {
            stats.brokenRecords++;
            stats.recordProblem("offset " + at + ": " + problem);
            ended = true;
            throw new CaptureFormatException(file, at, "pcapng: " + problem + "; cannot resynchronise");
        }
    }

    private void broken(long at, String problem) {
        stats.brokenRecords++;
        stats.recordProblem("offset " + at + ": " + problem);
    }

    private void truncatedTail(long at, String what) {
        broken(at, what);
        position = size;
        stats.fileBytesRead = size;
        ended = true;
    }

    private void interfaceDescription(long at, long length) {
        if (interfaceCount == MAX_INTERFACES) {
            // a damaged or hostile file of tiny IDBs must not grow the tables without bound
            broken(at, "more than " + MAX_INTERFACES + " interfaces; interface description ignored");
            return;
        }
        if (interfaceCount == linkTypes.length) {
            int grown = interfaceCount * 2;
            linkTypes = Arrays.copyOf(linkTypes, grown);
            snaplens = Arrays.copyOf(snaplens, grown);
            tsresols = Arrays.copyOf(tsresols, grown);
            tsoffsetNs = Arrays.copyOf(tsoffsetNs, grown);
            names = Arrays.copyOf(names, grown);
        }
        int id = interfaceCount++;
        // defaults first: an interface whose options are broken still keeps the ids after it in line
        linkTypes[id] = -1;
        snaplens[id] = 0;
        tsresols[id] = 6;
        tsoffsetNs[id] = 0;
        names[id] = null;
        if (length < 20) {
            broken(at, "interface description block of " + length + " bytes");
            return;
        }
        linkTypes[id] = u16(at + 8);
        snaplens[id] = i32(at + 12);
        String problem = checkOptions(at, 16, length);
        if (problem != null) {
            broken(at, problem);
            return;
        }
        long end = at + length - 4;
        for (long p = at + 16; p + 4 <= end; ) {
            int code = u16(p);
            int optionLength = u16(p + 2);
            if (code == 0) {
                break;
            }
            long value = p + 4;
            if (code == 2 && optionLength > 0) {
                byte[] name = data.asSlice(value, optionLength).toArray(ValueLayout.JAVA_BYTE);
                int nul = 0;
                while (nul < name.length && name[nul] != 0) {
                    nul++;
                }
                names[id] = new String(name, 0, nul, StandardCharsets.UTF_8);
            } else if (code == 9 && optionLength >= 1) {
                tsresols[id] = data.get(ValueLayout.JAVA_BYTE, value) & 0xFF;
            } else if (code == 14 && optionLength >= 8) {
                tsoffsetNs[id] = data.get(longLayout, value) * 1_000_000_000L;
            }
            p += 4 + ((optionLength + 3L) & ~3L);
        }
    }

    private int enhancedPacket(FrameHandler handler, long at, long length) {
        if (length < 32) {
            broken(at, "enhanced packet block of " + length + " bytes");
            return 0;
        }
        int localId = i32(at + 8);
        long timestamp = (Integer.toUnsignedLong(i32(at + 12)) << 32) | Integer.toUnsignedLong(i32(at + 16));
        int captured = i32(at + 20);
        frameDirection =
                captured >= 0 ? epbDirection(at, length, 28 + ((captured + 3L) & ~3L)) : CaptureDirection.FRAME_UNKNOWN;
        int delivered = packet(handler, at, length, localId, timestamp, captured, i32(at + 24), 28);
        frameDirection = CaptureDirection.FRAME_UNKNOWN;
        return delivered;
    }

    /**
     * The direction an EPB's epb_flags option gives (its bits 0-1: 1 inbound, 2 outbound), else unknown; the options
     * start {@code optionsAt} bytes into the block. Most blocks have none: one comparison. Options that overrun the block
     * are read no further (the frame itself is still delivered, as before).
     */
    private int epbDirection(long at, long length, long optionsAt) {
        long end = at + length - 4;
        long p = at + optionsAt;
        while (p + 4 <= end) {
            int code = u16(p);
            int optionLength = u16(p + 2);
            if (code == 0 || p + 4 + optionLength > end) {
                break;
            }
            if (code == EPB_FLAGS && optionLength == 4) {
                int bits = i32(p + 4) & 3;
                return bits == 1
                        ? CaptureDirection.FRAME_IN
                        : bits == 2 ? CaptureDirection.FRAME_OUT : CaptureDirection.FRAME_UNKNOWN;
            }
            p += 4 + ((optionLength + 3L) & ~3L);
        }
        return CaptureDirection.FRAME_UNKNOWN;
    }

    /** epb_flags: the option code of an enhanced packet block's flags word. */
    private static final int EPB_FLAGS = 2;

    /** While an EPB's frame is delivered: the direction its epb_flags give (see {@link #frameDirection()}). */
    private int frameDirection;

    @Override
    public int frameDirection() {
        return frameDirection;
    }

    private int obsoletePacket(FrameHandler handler, long at, long length) {
        if (length < 32) {
            broken(at, "packet block of " + length + " bytes");
            return 0;
        }
        int localId = u16(at + 8);
        long timestamp = (Integer.toUnsignedLong(i32(at + 12)) << 32) | Integer.toUnsignedLong(i32(at + 16));
        return packet(handler, at, length, localId, timestamp, i32(at + 20), i32(at + 24), 28);
    }

    private int packet(
            FrameHandler handler,
            long at,
            long length,
            int localId,
            long timestamp,
            int captured,
            int original,
            int dataAt) {
        long id = Integer.toUnsignedLong(localId) + sectionBase;
        if (id >= interfaceCount) {
            broken(
                    at,
                    "packet block names interface " + Integer.toUnsignedLong(localId)
                            + " not described in its section");
            return 0;
        }
        if (captured < 0 || dataAt + (long) captured > length - 4) {
            broken(
                    at,
                    "captured length " + Integer.toUnsignedLong(captured) + " overruns the block of " + length
                            + " bytes");
            return 0;
        }
        int iface = (int) id;
        if (linkTypes[iface] < 0) {
            broken(at, "packet block on interface " + iface + " whose description is broken");
            return 0;
        }
        return deliver(handler, at + dataAt, captured, original, timestampNs(iface, timestamp), iface);
    }

    private int simplePacket(FrameHandler handler, long at, long length) {
        if (length < 16) {
            broken(at, "simple packet block of " + length + " bytes");
            return 0;
        }
        int iface = sectionBase;
        if (iface >= interfaceCount || linkTypes[iface] < 0) {
            broken(at, "simple packet block without interface 0 in its section");
            return 0;
        }
        int original = i32(at + 8);
        long available = length - 16;
        long captured = Math.min(available, Integer.toUnsignedLong(original));
        int snaplen = snaplens[iface];
        if (snaplen > 0) {
            captured = Math.min(captured, snaplen);
        }
        return deliver(handler, at + 12, (int) captured, original, 0, iface);
    }

    private int deliver(FrameHandler handler, long offset, int captured, int original, long timestampNs, int iface) {
        int wire = original < captured ? captured : original;
        if (captured < wire) {
            stats.truncatedFrames++;
        }
        stats.frames++;
        stats.capturedBytes += captured;
        handler.onFrame(data, offset, captured, wire, timestampNs, iface, linkTypes[iface]);
        return 1;
    }

    /** The packet time in nanoseconds: if_tsresol units (10^-n or 2^-n seconds) plus if_tsoffset. */
    long timestampNs(int iface, long timestamp) {
        return toNanos(tsresols[iface], timestamp) + tsoffsetNs[iface];
    }

    /** {@code timestamp} in units of {@code tsresol} (the raw if_tsresol byte) converted to nanoseconds. */
    static long toNanos(int tsresol, long timestamp) {
        int exponent = tsresol & 0x7F;
        if ((tsresol & 0x80) == 0) {
            if (exponent <= 9) {
                return timestamp * POW10[9 - exponent];
            }
            long scaled = timestamp;
            for (int i = 9; i < exponent && scaled != 0; i++) {
                scaled = Long.divideUnsigned(scaled, 10);
            }
            return scaled;
        }
        if (exponent == 0) {
            return timestamp * 1_000_000_000L;
        }
        if (exponent >= 64) {
            return 0;
        }
        long seconds = timestamp >>> exponent;
        long fraction = timestamp << (64 - exponent);
        return seconds * 1_000_000_000L + Math.unsignedMultiplyHigh(fraction, 1_000_000_000L);
    }

    private static final long[] POW10 = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L
    };

    @Override
    public CaptureStats stats() {
        return stats;
    }

    @Override
    public String interfaceName(int interfaceId) {
        return interfaceId >= 0 && interfaceId < interfaceCount ? names[interfaceId] : null;
    }

    @Override
    public int interfaceCount() {
        return interfaceCount;
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

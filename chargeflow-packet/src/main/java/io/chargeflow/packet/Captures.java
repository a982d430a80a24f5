package io.chargeflow.packet;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens capture files: detects classic pcap (either byte order, micro- or nanosecond magic) or pcapng by the first
 * four bytes and returns the matching {@link CaptureSource}. Classic pcap is streamed through one reused off-heap
 * window by default ({@link #openMapped} or {@code -Dchargeflow.capture.io=mmap} maps it instead); pcapng is
 * memory-mapped whole. Either way the memory belongs to a shared arena, offsets are {@code long}s (files beyond
 * 4 GiB work) and the source may be handed to another thread before reading. Called once per file; the returned
 * source belongs to the one thread that reads it.
 */
public final class Captures {
    static final int PCAP_MICROS = 0xA1B2C3D4;
    static final int PCAP_NANOS = 0xA1B23C4D;
    static final int PCAPNG_SHB = 0x0A0D0D0A;

    /**
     * How classic pcap files are read: streamed through a reused window (default) or memory-mapped
     * ({@code -Dchargeflow.capture.io=mmap}). pcapng files are always mapped.
     */
    static final boolean STREAMED = !"mmap".equals(System.getProperty("chargeflow.capture.io", "stream"));

    /** The streamed window: large enough for any record libpcap accepts, small enough to stay in the caches. */
    static final int WINDOW = 1 << 20;

    private Captures() {}

    /** A streamed pcap source, or null when the file is not a classic pcap (the caller maps it instead). */
    private static CaptureSource openStreamed(Path file, FileChannel channel, Arena arena, long size)
            throws IOException {
        MemorySegment window = arena.allocate(WINDOW, 64);
        java.nio.ByteBuffer target = window.asByteBuffer();
        while (target.hasRemaining() && target.position() < size) {
            if (channel.read(target, target.position()) < 0) {
                break;
            }
        }
        int magic = window.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0);
        int swapped = Integer.reverseBytes(magic);
        if (magic == PCAP_MICROS || magic == PCAP_NANOS) {
            return new PcapSource(
                    file,
                    channel,
                    arena,
                    window,
                    target.position(),
                    size,
                    true,
                    ByteOrder.BIG_ENDIAN,
                    magic == PCAP_NANOS);
        }
        if (swapped == PCAP_MICROS || swapped == PCAP_NANOS) {
            return new PcapSource(
                    file,
                    channel,
                    arena,
                    window,
                    target.position(),
                    size,
                    true,
                    ByteOrder.LITTLE_ENDIAN,
                    swapped == PCAP_NANOS);
        }
        return null;
    }

    /**
     * Opens {@code file}.
     *
     * @throws java.nio.file.NoSuchFileException when the file does not exist (and the other {@code
     *     FileSystemException}s for unreadable files)
     * @throws CaptureFormatException for an empty file, an unknown magic or a broken file header
     */
    public static CaptureSource open(Path file) throws IOException {
        return open(file, STREAMED);
    }

    /** Opens {@code file} memory-mapped, whatever {@code chargeflow.capture.io} says. */
    public static CaptureSource openMapped(Path file) throws IOException {
        return open(file, false);
    }

    private static CaptureSource open(Path file, boolean streamed) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("file=null");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        Arena arena = Arena.ofShared();
        try {
            long size = channel.size();
            if (size == 0) {
                throw new CaptureFormatException(file, 0, "empty file");
            }
            if (size < 4) {
                throw new CaptureFormatException(file, 0, "file of " + size + " bytes is too short for a magic");
            }
            if (streamed) {
                CaptureSource source = openStreamed(file, channel, arena, size);
                if (source != null) {
                    return source;
                }
            }
            MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            int magic = data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0);
            CaptureSource source;
            if (magic == PCAP_MICROS || magic == PCAP_NANOS) {
                source = new PcapSource(file, channel, arena, data, ByteOrder.BIG_ENDIAN, magic == PCAP_NANOS);
            } else if (Integer.reverseBytes(magic) == PCAP_MICROS || Integer.reverseBytes(magic) == PCAP_NANOS) {
                source = new PcapSource(
                        file, channel, arena, data, ByteOrder.LITTLE_ENDIAN, Integer.reverseBytes(magic) == PCAP_NANOS);
            } else if (magic == PCAPNG_SHB) {
                source = new PcapngSource(file, channel, arena, data);
            } else {
                throw new CaptureFormatException(
                        file, 0, "unknown magic 0x" + Integer.toHexString(magic) + " (neither pcap nor pcapng)");
            }
            return source;
        } catch (IOException | RuntimeException e) {
            arena.close();
            channel.close();
            throw e;
        }
    }
}

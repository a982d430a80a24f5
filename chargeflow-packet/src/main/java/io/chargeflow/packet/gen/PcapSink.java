package io.chargeflow.packet.gen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The output side of the generator: one direct buffer that frames are built into in place, handed to a
 * {@link FileChannel} in 1 MiB writes (small enough to stay in cache while frames are built), plus the classic pcap
 * framing (little-endian global header and 16-byte record headers) and the packet clock. Generating thread only.
 *
 * <p>Protocol fields are written big-endian with absolute puts; only the pcap headers are little-endian, hence
 * the byte reversals. The clock advances by {@code duration / packets} per frame (carrying the remainder, so the
 * last frame lands just before {@code start + duration}) plus a seeded jitter smaller than one step, which keeps
 * timestamps increasing.
 */
final class PcapSink implements AutoCloseable {
    static final int RECORD_HEADER_BYTES = 16;
    /** Room that is always free before a frame is started: more than the largest frame built. */
    static final int HEADROOM_BYTES = 64 << 10;

    static final int SNAPLEN = 262_144;

    private static final int BUFFER_BYTES = 512 << 10;
    private static final int MAGIC_MICROS = 0xA1B2_C3D4;
    private static final int MAGIC_NANOS = 0xA1B2_3C4D;
    private static final int LINKTYPE_ETHERNET = 1;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.BIG_ENDIAN);
    private final boolean nanos;
    private final long packets;
    private final long stepNs;
    private final long stepRemainder;
    private final SplitMix64 jitter;
    private int position;
    private long clockNs;
    private long clockCarry;
    private long frames;
    private long bytesWritten;

    PcapSink(Path file, GeneratorConfig config) throws IOException {
        channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        nanos = config.nanosecondTimestamps();
        packets = config.packets();
        long durationNs = config.duration().toNanos();
        stepNs = durationNs / packets;
        stepRemainder = durationNs % packets;
        clockNs = config.start().getEpochSecond() * 1_000_000_000L
                + config.start().getNano();
        jitter = new SplitMix64(SplitMix64.mix(config.seed() ^ 0x71AE_5EEDL));
        buffer.putInt(0, Integer.reverseBytes(nanos ? MAGIC_NANOS : MAGIC_MICROS));
        buffer.putShort(4, Short.reverseBytes((short) 2));
        buffer.putShort(6, Short.reverseBytes((short) 4));
        buffer.putInt(8, 0);
        buffer.putInt(12, 0);
        buffer.putInt(16, Integer.reverseBytes(SNAPLEN));
        buffer.putInt(20, Integer.reverseBytes(LINKTYPE_ETHERNET));
        position = 24;
    }

    ByteBuffer buffer() {
        return buffer;
    }

    long frames() {
        return frames;
    }

    /** Offset at which the next frame's bytes start (after room for its record header). */
    int begin() throws IOException {
        if (BUFFER_BYTES - position < HEADROOM_BYTES) {
            flush();
        }
        return position + RECORD_HEADER_BYTES;
    }

    /**
     * Starts a frame right after the one just sealed, without a flush, so that the previous frame's bytes are still
     * in the buffer to copy from (the peer-to-peer copy). Safe because {@link #begin} left {@link #HEADROOM_BYTES}
     * free, far more than two frames.
     */
    int beginAdjacent() {
        return position + RECORD_HEADER_BYTES;
    }

    /** Seals the frame built at {@code frameStart}: {@code capturedLength} bytes are kept of {@code wireLength}. */
    void end(int frameStart, int capturedLength, int wireLength) {
        long timestampNs = clockNs + jitterNs();
        long seconds = timestampNs / 1_000_000_000L;
        int fraction = (int) (timestampNs % 1_000_000_000L);
        int header = frameStart - RECORD_HEADER_BYTES;
        buffer.putInt(header, Integer.reverseBytes((int) seconds));
        buffer.putInt(header + 4, Integer.reverseBytes(nanos ? fraction : fraction / 1000));
        buffer.putInt(header + 8, Integer.reverseBytes(capturedLength));
        buffer.putInt(header + 12, Integer.reverseBytes(wireLength));
        position = frameStart + capturedLength;
        frames++;
        clockNs += stepNs;
        clockCarry += stepRemainder;
        if (clockCarry >= packets) {
            clockCarry -= packets;
            clockNs++;
        }
    }

    /** Uniform in {@code [0, stepNs)}: multiply-shift while the step fits 31 bits, so no division per frame. */
    private long jitterNs() {
        if (stepNs <= 1) {
            return 0;
        }
        if (stepNs < 1L << 31) {
            return ((jitter.nextLong() >>> 32) * stepNs) >>> 32;
        }
        return (jitter.nextLong() >>> 1) % stepNs;
    }

    private void flush() throws IOException {
        buffer.limit(position).position(0);
        while (buffer.hasRemaining()) {
            bytesWritten += channel.write(buffer);
        }
        buffer.clear();
        position = 0;
    }

    /** Bytes of the file so far, buffered ones included. */
    long bytes() {
        return bytesWritten + position;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }
}

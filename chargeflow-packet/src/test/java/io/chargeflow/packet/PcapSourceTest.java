package io.chargeflow.packet;

import static io.chargeflow.testsupport.CaptureBuilder.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chargeflow.testsupport.CaptureBuilder;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Classic pcap reading on files written by {@link CaptureBuilder}. */
class PcapSourceTest {
    @TempDir
    Path dir;

    private final byte[] first = frame().ethernet()
            .ipv4("10.0.0.1", "10.0.0.2")
            .udp(1, 2)
            .payload(10)
            .build();
    private final byte[] second =
            frame().ethernet().ipv6("::1", "::2").tcp(3, 4, 2).build();

    @ParameterizedTest(name = "bigEndian={0} nanos={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void shouldDeliverFramesAndNanosecondTimestampsWhenReadingEitherByteOrderAndResolution(
            boolean bigEndian, boolean nanos) throws IOException {
        Path file = CaptureBuilder.pcap()
                .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
                .nanos(nanos)
                .frame(1_700_000_000_123_456_789L, first)
                .frame(4_000_000_000_000_000_000L, second)
                .write(dir.resolve("a.pcap"));

        try (CaptureSource source = Captures.open(file)) {
            FrameCollector frames = FrameCollector.readAll(source, 64);

            assertThat(frames.frames).hasSize(2);
            assertThat(frames.frames.get(0).bytes()).isEqualTo(first);
            assertThat(frames.frames.get(0).originalLength()).isEqualTo(first.length);
            assertThat(frames.frames.get(0).timestampNs())
                    .isEqualTo(nanos ? 1_700_000_000_123_456_789L : 1_700_000_000_123_456_000L);
            assertThat(frames.frames.get(0).linkType()).isEqualTo(LinkType.ETHERNET);
            assertThat(frames.frames.get(0).interfaceId()).isZero();
            assertThat(frames.frames.get(1).bytes()).isEqualTo(second);
            // seconds beyond 2^31 (year 2096): unsigned
            assertThat(frames.frames.get(1).timestampNs()).isEqualTo(4_000_000_000_000_000_000L);
            assertThat(source.stats().frames).isEqualTo(2);
            assertThat(source.stats().capturedBytes).isEqualTo(first.length + second.length);
            assertThat(source.stats().brokenRecords).isZero();
            assertThat(source.stats().firstProblem).isNull();
            assertThat(source.stats().fileBytesRead).isEqualTo(Files.size(file));
            assertThat(source.interfaceCount()).isEqualTo(1);
            assertThat(source.interfaceName(0)).isNull();
            assertThat(source.description()).isEqualTo(file.toString());
        }
    }

    @Test
    void shouldCountTruncatedFramesWhenSnaplenCutsThem() throws IOException {
        Path file = CaptureBuilder.pcap()
                .snaplen(40)
                .frame(0, first)
                .frame(0, second)
                .write(dir.resolve("s.pcap"));

        try (CaptureSource source = Captures.open(file)) {
            FrameCollector frames = FrameCollector.readAll(source, 64);

            assertThat(frames.frames.get(0).bytes()).hasSize(40);
            assertThat(frames.frames.get(0).originalLength()).isEqualTo(first.length);
            assertThat(source.stats().truncatedFrames).isEqualTo(2);
        }
    }

    @Test
    void shouldDeliverOneFrameAtATimeWhenBatchIsOne() throws IOException {
        Path file = CaptureBuilder.pcap().frame(0, first).frame(1, second).write(dir.resolve("b.pcap"));
        FrameCollector collector = new FrameCollector();

        try (CaptureSource source = Captures.open(file)) {
            assertThat(source.read(collector, 1)).isEqualTo(1);
            assertThat(source.read(collector, 1)).isEqualTo(1);
            assertThat(source.read(collector, 1)).isEqualTo(CaptureSource.END_OF_INPUT);
            assertThat(source.read(collector, 1)).isEqualTo(CaptureSource.END_OF_INPUT);
            assertThatThrownBy(() -> source.read(collector, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxFrames=0");
        }
    }

    @Test
    void shouldCountBrokenRecordAndEndNormallyWhenLastRecordIsCut() throws IOException {
        byte[] bytes = CaptureBuilder.pcap().frame(0, first).frame(0, second).toBytes();
        Path file = Files.write(dir.resolve("t.pcap"), java.util.Arrays.copyOf(bytes, bytes.length - 5));

        try (CaptureSource source = Captures.open(file)) {
            FrameCollector frames = FrameCollector.readAll(source, 64);

            assertThat(frames.frames).hasSize(1);
            assertThat(source.stats().brokenRecords).isEqualTo(1);
            long offset = 24 + 16 + first.length;
            assertThat(source.stats().firstProblem).startsWith("offset " + offset + ": record of " + second.length);
        }
    }

    @Test
    void shouldCountBrokenRecordWhenFileEndsInsideRecordHeader() throws IOException {
        Path file =
                CaptureBuilder.pcap().frame(0, first).raw(new byte[] {1, 2, 3}).write(dir.resolve("h.pcap"));

        try (CaptureSource source = Captures.open(file)) {
            assertThat(FrameCollector.readAll(source, 64).frames).hasSize(1);
            assertThat(source.stats().brokenRecords).isEqualTo(1);
            assertThat(source.stats().firstProblem).contains("record header cut by the end of the file (3 of 16");
        }
    }

    @Test
    void shouldStopWithOffsetWhenMiddleRecordLengthIsAbsurd() throws IOException {
        Path file = CaptureBuilder.pcap()
                .frame(0, first)
                .recordHeader(0, 0, 0x7000_0000, 60)
                .raw(new byte[64])
                .write(dir.resolve("m.pcap"));
        FrameCollector collector = new FrameCollector();

        try (CaptureSource source = Captures.open(file)) {
            long offset = 24 + 16 + first.length;
            assertThatThrownBy(() -> source.read(collector, 64))
                    .isInstanceOfSatisfying(CaptureFormatException.class, e -> {
                        assertThat(e.offset()).isEqualTo(offset);
                        assertThat(e.file()).isEqualTo(file);
                        assertThat(e.reason()).startsWith("pcap: File has 1879048192-byte packet");
                    });
            assertThat(collector.frames).hasSize(1);
            assertThat(source.stats().brokenRecords).isEqualTo(1);
            assertThat(source.read(collector, 64)).isEqualTo(CaptureSource.END_OF_INPUT);
        }
    }

    @Test
    void shouldRejectWithReasonWhenFileHeaderIsBroken() throws IOException {
        assertFormatError(Files.write(dir.resolve("e.pcap"), new byte[0]), 0, "empty file");
        assertFormatError(
                Files.write(dir.resolve("x.pcap"), new byte[] {1, 2, 3, 4, 5}),
                0,
                "unknown magic 0x1020304 (neither pcap nor pcapng)");
        assertFormatError(
                Files.write(
                        dir.resolve("s.pcap"), new byte[] {(byte) 0xD4, (byte) 0xC3, (byte) 0xB2, (byte) 0xA1, 2, 0}),
                6,
                "pcap: truncated file header (6 of 24 bytes)");
        assertFormatError(
                CaptureBuilder.pcap().version(1, 4).write(dir.resolve("v.pcap")),
                4,
                "pcap: major version 1 unsupported");
        assertThatThrownBy(() -> Captures.open(dir.resolve("missing.pcap"))).isInstanceOf(NoSuchFileException.class);
    }

    private static void assertFormatError(Path file, long offset, String reason) {
        assertThatThrownBy(() -> Captures.open(file)).isInstanceOfSatisfying(CaptureFormatException.class, e -> {
            assertThat(e.offset()).isEqualTo(offset);
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).isEqualTo(file + ": at offset " + offset + ": " + reason);
        });
    }

    @Test
    void shouldLetAnotherThreadReadWhenOpenedOnThisOne() throws Exception {
        Path file = CaptureBuilder.pcap().frame(0, first).write(dir.resolve("o.pcap"));
        try (CaptureSource source = Captures.open(file)) {
            int frames = CompletableFuture.supplyAsync(() -> {
                        try {
                            return FrameCollector.readAll(source, 8).frames.size();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .get();
            assertThat(frames).isEqualTo(1);
        }
    }

    /**
     * A sparse 4 GiB + file: four 1 GiB records of holes, then a real frame whose record header lies beyond 2^32.
     * Only the pages of the headers are touched, so it runs in well under a second and takes little disk.
     */
    @Test
    @Timeout(60)
    void shouldReadFrameBeyondFourGibWhenFileIsLarger() throws IOException {
        Path file = dir.resolve("big.pcap");
        int recordLength = 1 << 30;
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
            ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(0xA1B2C3D4)
                    .putShort((short) 2)
                    .putShort((short) 4)
                    .putInt(0)
                    .putInt(0)
                    .putInt(Integer.MAX_VALUE)
                    .putInt(1)
                    .flip();
            channel.write(header, 0);
            long position = 24;
            for (int i = 0; i < 4; i++) {
                channel.write(recordHeader(i, recordLength), position);
                position += 16L + recordLength;
            }
            channel.write(recordHeader(4, first.length), position);
            channel.write(ByteBuffer.wrap(first), position + 16);
        }
        assertThat(Files.size(file)).isGreaterThan(1L << 32);
        List<long[]> seen = new ArrayList<>();
        byte[][] last = new byte[1][];
        FrameHandler handler = (MemorySegment data, long offset, int cap, int orig, long ts, int iface, int lt) -> {
            seen.add(new long[] {offset, cap, ts});
            if (cap == first.length) {
                last[0] = data.asSlice(offset, cap).toArray(ValueLayout.JAVA_BYTE);
            }
        };

        try (CaptureSource source = Captures.openMapped(file)) {
            while (source.read(handler, 2) != CaptureSource.END_OF_INPUT) {
                // drain
            }
            assertThat(seen).hasSize(5);
            long expectedOffset = 24 + 4 * (16L + recordLength) + 16;
            assertThat(seen.get(4)[0]).isEqualTo(expectedOffset).isGreaterThan(1L << 32);
            assertThat(seen.get(4)[2]).isEqualTo(4_000_000_000L);
            assertThat(last[0]).isEqualTo(first);
            assertThat(source.stats().fileBytesRead).isEqualTo(Files.size(file));
        }
    }

    /**
     * A file of several windows (the default streamed reader refills its 1 MiB window; records straddle every
     * refill) plus a 2 MiB record that makes it grow the window: streamed and mapped reading deliver the same frames.
     */
    @ParameterizedTest(name = "seed={0} cut={1}")
    @CsvSource({"11,0", "12,7", "13,1000"})
    @Timeout(60)
    void shouldDeliverSameFramesWhenReadingStreamedOrMapped(long seed, int cutTail) throws IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap().snaplen(4 << 20).nanos(true);
        long[] recordEnds = new long[6_000];
        long end = 24;
        for (int i = 0; i < 6_000; i++) {
            int length = random.nextInt(10) == 0 ? 20_000 + random.nextInt(200_000) : 14 + random.nextInt(1500);
            if (i == 3_000) {
                length = 2 << 20;
            }
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            pcap.frame(1_000_000_000L * i + i, bytes);
            end += 16 + length;
            recordEnds[i] = end;
        }
        byte[] all = pcap.toBytes();
        Path file = Files.write(dir.resolve("multi-window.pcap"), java.util.Arrays.copyOf(all, all.length - cutTail));

        List<FrameCollector.Frame> streamed;
        CaptureStats streamedStats;
        try (CaptureSource source = Captures.open(file)) {
            streamed = FrameCollector.readAll(source, 100).frames;
            streamedStats = source.stats();
        }
        try (CaptureSource source = Captures.openMapped(file)) {
            List<FrameCollector.Frame> mapped = FrameCollector.readAll(source, 100).frames;
            long fileLength = all.length - cutTail;
            long complete = java.util.Arrays.stream(recordEnds)
                    .filter(e -> e <= fileLength)
                    .count();
            assertThat(mapped).as("seed=" + seed).hasSize((int) complete);
            assertThat(streamed).as("seed=" + seed).hasSameSizeAs(mapped);
            for (int i = 0; i < mapped.size(); i++) {
                assertThat(streamed.get(i).bytes())
                        .as("seed=" + seed + " frame " + i)
                        .isEqualTo(mapped.get(i).bytes());
                assertThat(streamed.get(i).timestampNs())
                        .isEqualTo(mapped.get(i).timestampNs());
                assertThat(streamed.get(i).originalLength())
                        .isEqualTo(mapped.get(i).originalLength());
            }
            assertThat(streamedStats.toString()).isEqualTo(source.stats().toString());
            assertThat(streamedStats.firstProblem).isEqualTo(source.stats().firstProblem);
            assertThat(streamedStats.fileBytesRead).isEqualTo(Files.size(file));
        }
    }

    /**
     * The default streamed reader on a sparse file of 4 GiB + a few bytes: 200 KiB records of holes pass through the
     * window, and the last frame's record lies beyond 2^32. The kernel copies 4 GiB of zero pages: 24 s on the shared
     * 2-core machine, too slow for every build, so it runs with {@code -Dchargeflow.largeTests=true}.
     */
    @Test
    @Timeout(120)
    @EnabledIfSystemProperty(named = "chargeflow.largeTests", matches = "true")
    void shouldReadFrameBeyondFourGibWhenStreamingLargeFile() throws IOException {
        Path file = dir.resolve("big-streamed.pcap");
        int recordLength = 200 << 10;
        long records = ((1L << 32) / (16 + recordLength)) + 1;
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
            ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(0xA1B2C3D4)
                    .putShort((short) 2)
                    .putShort((short) 4)
                    .putInt(0)
                    .putInt(0)
                    .putInt(262_144)
                    .putInt(1)
                    .flip();
            channel.write(header, 0);
            long position = 24;
            for (long i = 0; i < records; i++) {
                channel.write(recordHeader(1, recordLength), position);
                position += 16L + recordLength;
            }
            channel.write(recordHeader(2, first.length), position);
            channel.write(ByteBuffer.wrap(first), position + 16);
        }
        long[] count = new long[1];
        byte[][] last = new byte[1][];
        FrameHandler handler = (MemorySegment data, long offset, int cap, int orig, long ts, int iface, int lt) -> {
            count[0]++;
            if (ts == 2_000_000_000L) {
                last[0] = data.asSlice(offset, cap).toArray(ValueLayout.JAVA_BYTE);
            }
        };

        try (CaptureSource source = Captures.open(file)) {
            while (source.read(handler, 4096) != CaptureSource.END_OF_INPUT) {
                // drain
            }
            assertThat(count[0]).isEqualTo(records + 1);
            assertThat(last[0]).isEqualTo(first);
            assertThat(source.stats().fileBytesRead).isEqualTo(Files.size(file)).isGreaterThan(1L << 32);
            assertThat(source.stats().brokenRecords).isZero();
        }
    }

    private static ByteBuffer recordHeader(int seconds, int length) {
        return ByteBuffer.allocate(16)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(seconds)
                .putInt(0)
                .putInt(length)
                .putInt(length)
                .flip();
    }
}

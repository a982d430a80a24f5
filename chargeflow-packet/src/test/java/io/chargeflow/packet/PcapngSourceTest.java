package io.chargeflow.packet;

import static io.chargeflow.testsupport.CaptureBuilder.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chargeflow.testsupport.CaptureBuilder;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pcapng reading on files written by {@link CaptureBuilder}. */
class PcapngSourceTest {
    @TempDir
    Path dir;

    private final byte[] ethernetFrame = frame().ethernet()
            .ipv4("10.0.0.1", "10.0.0.2")
            .udp(1, 2)
            .payload(11)
            .build();
    private final byte[] rawFrame = frame().ipv6("::1", "::2").udp(1, 2).build();

    @ParameterizedTest(name = "first={0} second={1}")
    @CsvSource({"LITTLE_ENDIAN,BIG_ENDIAN", "BIG_ENDIAN,LITTLE_ENDIAN"})
    void shouldNumberInterfacesAcrossSectionsWhenFileHasSeveralSections(String firstOrder, String secondOrder)
            throws IOException {
        ByteOrder one = firstOrder.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteOrder two = secondOrder.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        Path file = CaptureBuilder.pcapng()
                .section(one)
                .interfaceBlock(LinkType.ETHERNET, 0, "eth0", -1, 0)
                .interfaceBlock(LinkType.RAW, 0, "tun0", 9, 0)
                .enhancedPacket(1, 5_000_000_001L, rawFrame, rawFrame.length)
                .enhancedPacket(0, 2_000_000L, ethernetFrame, ethernetFrame.length + 100)
                .section(two)
                .interfaceBlock(LinkType.LINUX_SLL2, 65535, "any", -1, 0)
                .enhancedPacket(0, 3_000_000L, rawFrame, rawFrame.length)
                .write(dir.resolve("multi.pcapng"));

        try (CaptureSource source = Captures.open(file)) {
            FrameCollector frames = FrameCollector.readAll(source, 64);

            assertThat(frames.frames).hasSize(3);
            assertThat(frames.frames.get(0).interfaceId()).isEqualTo(1);
            assertThat(frames.frames.get(0).linkType()).isEqualTo(LinkType.RAW);
            assertThat(frames.frames.get(0).timestampNs()).isEqualTo(5_000_000_001L);
            assertThat(frames.frames.get(0).bytes()).isEqualTo(rawFrame);
            assertThat(frames.frames.get(1).interfaceId()).isZero();
            assertThat(frames.frames.get(1).timestampNs()).isEqualTo(2_000_000_000L);
            assertThat(frames.frames.get(1).originalLength()).isEqualTo(ethernetFrame.length + 100);
            assertThat(frames.frames.get(2).interfaceId()).isEqualTo(2);
            assertThat(frames.frames.get(2).linkType()).isEqualTo(LinkType.LINUX_SLL2);
            assertThat(source.interfaceCount()).isEqualTo(3);
            assertThat(source.interfaceName(0)).isEqualTo("eth0");
            assertThat(source.interfaceName(1)).isEqualTo("tun0");
            assertThat(source.interfaceName(2)).isEqualTo("any");
            assertThat(source.interfaceName(3)).isNull();
            assertThat(source.stats().truncatedFrames).isEqualTo(1);
            assertThat(source.stats().brokenRecords).isZero();
            assertThat(source.stats().fileBytesRead).isEqualTo(Files.size(file));
        }
    }

    @ParameterizedTest(name = "tsresol={0}")
    @CsvSource({
        "-1, 1500000, 1500000000",
        "6, 1500000, 1500000000",
        "9, 1500000001, 1500000001",
        "3, 1500, 1500000000",
        "12, 1500000000123, 1500000000",
        "0, 2, 2000000000",
        "138, 1536, 1500000000",
        "158, 3221225472, 3000000000",
        "128, 7, 7000000000"
    })
    void shouldConvertToNanosecondsWhenTsresolIsBaseTenOrBaseTwo(int tsresol, long units, long expectedNs)
            throws IOException {
        Path file = CaptureBuilder.pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, null, tsresol, 0)
                .enhancedPacket(0, units, ethernetFrame, ethernetFrame.length)
                .write(dir.resolve("ts.pcapng"));

        try (CaptureSource source = Captures.open(file)) {
            assertThat(FrameCollector.readAll(source, 8).frames.getFirst().timestampNs())
                    .isEqualTo(expectedNs);
        }
    }

    @Test
    void shouldAddOffsetSecondsWhenInterfaceHasTsoffset() throws IOException {
        Path file = CaptureBuilder.pcapng()
                .section(ByteOrder.BIG_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, null, 9, 1_000)
                .enhancedPacket(0, 5, ethernetFrame, ethernetFrame.length)
                .write(dir.resolve("off.pcapng"));

        try (CaptureSource source = Captures.open(file)) {
            assertThat(FrameCollector.readAll(source, 8).frames.getFirst().timestampNs())
                    .isEqualTo(1_000_000_000_005L);
        }
    }

    @Test
    void shouldCutSimplePacketToSnaplenWhenBlockHoldsMore() throws IOException {
        Path file = CaptureBuilder.pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 40, null, -1, 0)
                .simplePacket(ethernetFrame, ethernetFrame.length)
                .simplePacket(Arrays.copyOf(ethernetFrame, 30), ethernetFrame.length)
                .write(dir.resolve("spb.pcapng"));

        try (CaptureSource source = Captures.open(file)) {
            FrameCollector frames = FrameCollector.readAll(source, 8);

            assertThat(frames.frames).hasSize(2);
            assertThat(frames.frames.get(0).bytes()).isEqualTo(Arrays.copyOf(ethernetFrame, 40));
            assertThat(frames.frames.get(0).originalLength()).isEqualTo(ethernetFrame.length);
            assertThat(frames.frames.get(0).timestampNs()).isZero();
            assertThat(frames.frames.get(1).bytes()).hasSize(32);
            assertThat(source.stats().truncatedFrames).isEqualTo(2);
        }
    }

    @Test
    void shouldDeliverObsoletePacketAndSkipOtherBlocksWhenFileHasThem() throws IOException {
        Path file = CaptureBuilder.pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .block(4, new byte[] {1, 0, 4, 0, 10, 0, 0, 1, 0, 0, 0, 0})
                .interfaceBlock(LinkType.ETHERNET, 0)
                .block(0x0BAD, new byte[] {1, 2, 3, 4, 5})
                .obsoletePacket(0, 1_000_000L, ethernetFrame, ethernetFrame.length)
                .block(5, new byte[16])
                .write(dir.resolve("opb.pcapng"));

        try (CaptureSource source = Captures.open(file)) {
            FrameCollector frames = FrameCollector.readAll(source, 8);

            assertThat(frames.frames).hasSize(1);
            assertThat(frames.frames.getFirst().bytes()).isEqualTo(ethernetFrame);
            assertThat(frames.frames.getFirst().timestampNs()).isEqualTo(1_000_000_000L);
            assertThat(source.stats().skippedBlocks).isEqualTo(3);
        }
    }

    @Test
    void shouldCountBrokenBlockAndEndNormallyWhenLastBlockIsCut() throws IOException {
        byte[] bytes = CaptureBuilder.pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0)
                .enhancedPacket(0, 1, ethernetFrame, ethernetFrame.length)
                .enhancedPacket(0, 2, ethernetFrame, ethernetFrame.length)
                .toBytes();
        Path file = Files.write(dir.resolve("cut.pcapng"), Arrays.copyOf(bytes, bytes.length - 9));

        try (CaptureSource source = Captures.open(file)) {
            assertThat(FrameCollector.readAll(source, 8).frames).hasSize(1);
            assertThat(source.stats().brokenRecords).isEqualTo(1);
            assertThat(source.stats().firstProblem).contains("cut by the end of the file");
        }
    }

    @Test
    void shouldSkipBrokenPacketBlocksAndGoOnWhenLengthsOverrunOrInterfaceIsUnknown() throws IOException {
        CaptureBuilder.Pcapng pcapng =
                CaptureBuilder.pcapng().section(ByteOrder.LITTLE_ENDIAN).interfaceBlock(LinkType.ETHERNET, 0);
        // EPB claiming 400 captured bytes in a 48-byte block
        byte[] overrun = pcapng.ints(0, 0, 0, 400, 400, 0, 0, 0, 0);
        Path file = pcapng.block(6, overrun)
                .enhancedPacket(7, 1, ethernetFrame, ethernetFrame.length)
                .enhancedPacket(0, 1, ethernetFrame, ethernetFrame.length)
                .write(dir.resolve("broken.pcapng"));

        try (CaptureSource source = Captures.open(file)) {
            assertThat(FrameCollector.readAll(source, 8).frames).hasSize(1);
            assertThat(source.stats().brokenRecords).isEqualTo(2);
            assertThat(source.stats().firstProblem)
                    .isEqualTo("offset 48: captured length 400 overruns the block of 48" + " bytes");
        }
    }

    @Test
    void shouldCountOptionOverrunWhenInterfaceOptionIsTooLong() throws IOException {
        CaptureBuilder.Pcapng pcapng = CaptureBuilder.pcapng().section(ByteOrder.LITTLE_ENDIAN);
        // IDB: link type 1, snaplen 0, option if_name claiming 200 bytes, then end of options
        byte[] body = pcapng.ints(1, 0, 2 | (200 << 16), 0x41414141, 0);
        Path file = pcapng.block(1, body)
                .enhancedPacket(0, 1, ethernetFrame, ethernetFrame.length)
                .write(dir.resolve("opt.pcapng"));

        try (CaptureSource source = Captures.open(file)) {
            // link type and snaplen are sound: its packets are still delivered (default microsecond resolution)
            assertThat(FrameCollector.readAll(source, 8).frames).hasSize(1);
            assertThat(source.stats().brokenRecords).isEqualTo(1);
            assertThat(source.stats().firstProblem).contains("Not enough data to handle option of length 200");
            assertThat(source.interfaceCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldStopWithOffsetWhenBlockLengthIsNotAMultipleOfFour() throws IOException {
        CaptureBuilder.Pcapng pcapng = CaptureBuilder.pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0)
                .enhancedPacket(0, 1, ethernetFrame, ethernetFrame.length);
        long offset = pcapng.toBytes().length;
        Path file = pcapng.raw(pcapng.ints(6, 30, 0, 0, 0, 0, 0, 30)).write(dir.resolve("m4.pcapng"));
        FrameCollector collector = new FrameCollector();

        try (CaptureSource source = Captures.open(file)) {
            assertThatThrownBy(() -> source.read(collector, 8))
                    .isInstanceOfSatisfying(CaptureFormatException.class, e -> {
                        assertThat(e.offset()).isEqualTo(offset);
                        assertThat(e.reason())
                                .isEqualTo("pcapng: block length 30 not a multiple of 4; cannot resynchronise");
                    });
            assertThat(collector.frames).hasSize(1);
        }
    }

    @Test
    void shouldStopWithOffsetWhenTrailerLengthDiffers() throws IOException {
        CaptureBuilder.Pcapng pcapng =
                CaptureBuilder.pcapng().section(ByteOrder.BIG_ENDIAN).interfaceBlock(LinkType.ETHERNET, 0);
        long offset = pcapng.toBytes().length;
        Path file = pcapng.raw(pcapng.ints(0x0BAD, 16, 0, 20)).write(dir.resolve("tr.pcapng"));

        try (CaptureSource source = Captures.open(file)) {
            assertThatThrownBy(() -> source.read(new FrameCollector(), 8))
                    .isInstanceOfSatisfying(CaptureFormatException.class, e -> {
                        assertThat(e.offset()).isEqualTo(offset);
                        assertThat(e.reason())
                                .startsWith("pcapng: block trailer length 20 differs from block" + " length 16");
                    });
        }
    }

    @Test
    void shouldRejectWithVersionWhenSectionHeaderVersionIsUnknown() throws IOException {
        Path file =
                CaptureBuilder.pcapng().section(ByteOrder.LITTLE_ENDIAN, 2, 0).write(dir.resolve("v.pcapng"));

        assertThatThrownBy(() -> Captures.open(file)).isInstanceOfSatisfying(CaptureFormatException.class, e -> {
            assertThat(e.offset()).isEqualTo(12);
            assertThat(e.reason()).isEqualTo("pcapng: unknown SHB version 2.0");
        });
    }

    @Test
    void shouldRejectWhenSecondSectionHasUnknownVersion() throws IOException {
        Path file = CaptureBuilder.pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0)
                .enhancedPacket(0, 1, ethernetFrame, ethernetFrame.length)
                .section(ByteOrder.BIG_ENDIAN, 3, 1)
                .write(dir.resolve("v2.pcapng"));
        FrameCollector collector = new FrameCollector();

        try (CaptureSource source = Captures.open(file)) {
            assertThatThrownBy(() -> source.read(collector, 8))
                    .isInstanceOf(CaptureFormatException.class)
                    .hasMessageEndingWith("pcapng: unknown SHB version 3.1");
            assertThat(collector.frames).hasSize(1);
        }
    }

    @Test
    void shouldIgnoreInterfacesBeyondLimitWhenFileDescribesTooMany() throws IOException {
        CaptureBuilder.Pcapng pcapng = CaptureBuilder.pcapng().section(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i <= PcapngSource.MAX_INTERFACES; i++) {
            pcapng.interfaceBlock(LinkType.ETHERNET, 0);
        }
        Path file = pcapng.enhancedPacket(PcapngSource.MAX_INTERFACES - 1, 1, ethernetFrame, ethernetFrame.length)
                .write(dir.resolve("many.pcapng"));

        try (CaptureSource source = Captures.open(file)) {
            assertThat(FrameCollector.readAll(source, 8).frames).hasSize(1);
            assertThat(source.interfaceCount()).isEqualTo(PcapngSource.MAX_INTERFACES);
            assertThat(source.stats().brokenRecords).isEqualTo(1);
            assertThat(source.stats().firstProblem)
                    .endsWith("more than 65536 interfaces; interface description ignored");
        }
    }

    /**
     * A sparse pcapng of 4 GiB + a few blocks: four EPBs of 1 GiB of holes (only their headers and trailers are
     * written), then a real frame beyond 2^32. The mapped reader touches only those pages: milliseconds.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void shouldReadFrameBeyondFourGibWhenPcapngIsLarger() throws IOException {
        Path file = dir.resolve("big.pcapng");
        byte[] head = CaptureBuilder.pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, null, 9, 0)
                .toBytes();
        int captured = 1 << 30;
        long blockLength = 32L + captured;
        try (var channel = java.nio.channels.FileChannel.open(
                file,
                java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.SPARSE)) {
            channel.write(java.nio.ByteBuffer.wrap(head), 0);
            long position = head.length;
            for (int i = 0; i < 4; i++) {
                java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
                header.putInt(6)
                        .putInt((int) blockLength)
                        .putInt(0)
                        .putInt(0)
                        .putInt(i)
                        .putInt(captured)
                        .putInt(captured)
                        .flip();
                channel.write(header, position);
                java.nio.ByteBuffer trailer = java.nio.ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                channel.write(trailer.putInt((int) blockLength).flip(), position + blockLength - 4);
                position += blockLength;
            }
            byte[] last = CaptureBuilder.pcapng()
                    .section(ByteOrder.LITTLE_ENDIAN)
                    .enhancedPacket(0, 77, ethernetFrame, ethernetFrame.length)
                    .toBytes();
            // the last EPB without the SHB the builder needs to start with
            channel.write(java.nio.ByteBuffer.wrap(last, 28, last.length - 28), position);
        }
        assertThat(Files.size(file)).isGreaterThan(1L << 32);
        java.util.List<long[]> seen = new java.util.ArrayList<>();
        byte[][] small = new byte[1][];
        FrameHandler handler = (data, offset, cap, orig, ts, iface, lt) -> {
            seen.add(new long[] {offset, cap, ts});
            if (cap == ethernetFrame.length) {
                small[0] = data.asSlice(offset, cap).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            }
        };

        try (CaptureSource source = Captures.open(file)) {
            while (source.read(handler, 2) != CaptureSource.END_OF_INPUT) {
                // drain
            }
            assertThat(seen).hasSize(5);
            assertThat(seen.get(3)[2]).isEqualTo(3);
            assertThat(seen.get(4)[0])
                    .isEqualTo(head.length + 4 * blockLength + 28)
                    .isGreaterThan(1L << 32);
            assertThat(seen.get(4)[2]).isEqualTo(77);
            assertThat(small[0]).isEqualTo(ethernetFrame);
            assertThat(source.stats().brokenRecords).isZero();
            assertThat(source.stats().fileBytesRead).isEqualTo(Files.size(file));
        }
    }

    @Test
    void shouldConvertUnitsExactlyWhenCallingToNanosDirectly() {
        assertThat(PcapngSource.toNanos(6, 1L)).isEqualTo(1_000L);
        assertThat(PcapngSource.toNanos(9, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(PcapngSource.toNanos(0x80 | 30, 1L << 30)).isEqualTo(1_000_000_000L);
        assertThat(PcapngSource.toNanos(0x80 | 63, 1L << 62)).isEqualTo(500_000_000L);
        assertThat(PcapngSource.toNanos(127, 5L)).isZero();
        assertThat(PcapngSource.toNanos(0x80 | 127, 5L)).isZero();
    }

    @Test
    void shouldTellTheDirectionAnEnhancedPacketBlocksFlagsGiveWhileItsFrameIsDelivered() throws IOException {
        // flags inbound, outbound, none given (0), no option, and an option that overruns its block (ignored)
        CaptureBuilder.Pcapng pcapng = CaptureBuilder.pcapng()
                .section(ByteOrder.BIG_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0)
                .enhancedPacket(0, 1, ethernetFrame, ethernetFrame.length, 1)
                .enhancedPacket(0, 2, ethernetFrame, ethernetFrame.length, 2)
                .enhancedPacket(0, 3, ethernetFrame, ethernetFrame.length, 0)
                .enhancedPacket(0, 4, ethernetFrame, ethernetFrame.length)
                .enhancedPacket(0, 5, ethernetFrame, ethernetFrame.length, 0x102);
        byte[] bad = java.nio.ByteBuffer.allocate(8)
                .putShort((short) 2)
                .putShort((short) 400)
                .putInt(1)
                .array();
        byte[] body = java.nio.ByteBuffer.allocate(20 + ((ethernetFrame.length + 3) & ~3) + bad.length)
                .putInt(0)
                .putInt(0)
                .putInt(6)
                .putInt(ethernetFrame.length)
                .putInt(ethernetFrame.length)
                .put(Arrays.copyOf(ethernetFrame, (ethernetFrame.length + 3) & ~3))
                .put(bad)
                .array();
        Path file = pcapng.block(6, body).write(dir.resolve("flags.pcapng"));
        java.util.List<Integer> directions = new java.util.ArrayList<>();
        try (CaptureSource source = Captures.open(file)) {
            int read;
            do {
                read = source.read(
                        (data, offset, captured, wire, time, iface, link) -> directions.add(source.frameDirection()),
                        16);
            } while (read != CaptureSource.END_OF_INPUT);
            assertThat(source.frameDirection()).isEqualTo(CaptureDirection.FRAME_UNKNOWN);
            assertThat(source.stats().frames).isEqualTo(6);
        }
        assertThat(directions)
                .containsExactly(
                        CaptureDirection.FRAME_IN,
                        CaptureDirection.FRAME_OUT,
                        CaptureDirection.FRAME_UNKNOWN,
                        CaptureDirection.FRAME_UNKNOWN,
                        CaptureDirection.FRAME_OUT,
                        CaptureDirection.FRAME_UNKNOWN);
    }
}

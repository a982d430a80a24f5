package io.chargeflow.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.testsupport.GoldenCaptures;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random and mutated input: any bytes into the decoder and any file into the readers, never an exception
 * other than {@link CaptureFormatException} out, never a hang, and decoded payload windows always inside the frame.
 * The seed and iteration are in every failure message; rerun with the seed to replay.
 */
class FuzzTest {
    private static final int[] LINK_TYPES = {
        LinkType.ETHERNET,
        LinkType.RAW,
        LinkType.IPV4,
        LinkType.IPV6,
        LinkType.NULL,
        LinkType.LOOP,
        LinkType.LINUX_SLL,
        LinkType.LINUX_SLL2,
        147
    };
    private static final String[] SEED_FILES = {
        "ppp_gtp-u.pcap",
        "zeek_gtp_ext_header.pcap",
        "zeek_vlan-qinqinq.pcap",
        "zeek_mixed-vlan-mpls.pcap",
        "pkts_ipv6_frag.pcap",
        "tcpdump_ipv6-routing-header.pcap",
        "pkts_sipp_sll.pcap",
        "ppp_sip_reqs.pcap",
        "ppp_pcapng-example.pcapng",
        "zeek_pcapng-multi-interface.pcapng",
        "zeek_gtp7_ipv6.pcap",
        "tcpdump_802.1ad_QinQ.pcap",
        "zeek_gtp1_gn_fragmentation.pcap"
    };

    private static final List<byte[]> FRAMES = new ArrayList<>();
    private static final List<Integer> FRAME_LINKS = new ArrayList<>();

    @BeforeAll
    static void loadFrames() throws IOException {
        for (String name : SEED_FILES) {
            try (CaptureSource source = Captures.open(GoldenCaptures.path(name))) {
                FrameCollector frames = FrameCollector.readAll(source, 256);
                for (FrameCollector.Frame frame : frames.frames) {
                    FRAMES.add(frame.bytes());
                    FRAME_LINKS.add(frame.linkType());
                }
            }
        }
    }

    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {1L, 0x5EEDL, 20261122L})
    @Timeout(30)
    void shouldNeverThrowWhenDecodingRandomBytes(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket packet = new DecodedPacket();
        byte[] buffer = new byte[300];
        MemorySegment segment = MemorySegment.ofArray(buffer);
        for (int i = 0; i < 20_000; i++) {
            random.nextBytes(buffer);
            // bias towards plausible starts so the deeper layers are reached
            if (random.nextBoolean()) {
                buffer[12] = 0x08;
                buffer[13] = 0x00;
                buffer[14] = (byte) (0x45 + random.nextInt(3));
            }
            int captured = random.nextInt(buffer.length + 1);
            int original = random.nextInt(3) == 0 ? random.nextInt(2000) : captured;
            int linkType = LINK_TYPES[random.nextInt(LINK_TYPES.length)];
            check(decoder, packet, segment, 0, captured, original, linkType, "seed=" + seed + " iteration=" + i);
        }
    }

    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {2L, 0xC0FFEEL, 987654321L})
    @Timeout(30)
    void shouldNeverThrowWhenDecodingMutatedRealFrames(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket packet = new DecodedPacket();
        for (int i = 0; i < 30_000; i++) {
            int index = random.nextInt(FRAMES.size());
            byte[] frame = FRAMES.get(index).clone();
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations && frame.length > 0; m++) {
                // mutate the headers mostly: the first 100 bytes
                frame[random.nextInt(Math.min(frame.length, 100))] = (byte) random.nextInt(256);
            }
            int captured = random.nextInt(4) == 0 ? random.nextInt(frame.length + 1) : frame.length;
            int original = random.nextInt(4) == 0 ? random.nextInt(3000) : frame.length;
            byte[] placed = new byte[frame.length + 5];
            System.arraycopy(frame, 0, placed, 5, frame.length);
            check(
                    decoder,
                    packet,
                    MemorySegment.ofArray(placed),
                    5,
                    captured,
                    original,
                    FRAME_LINKS.get(index),
                    "seed=" + seed + " iteration=" + i + " frame=" + index);
        }
    }

    private static void check(
            PacketDecoder decoder,
            DecodedPacket packet,
            MemorySegment segment,
            long offset,
            int captured,
            int original,
            int linkType,
            String where) {
        MalformedReason reason;
        try {
            reason = decoder.decode(segment, offset, captured, original, linkType, 0, packet);
        } catch (RuntimeException e) {
            throw new AssertionError(where + ": decoder threw", e);
        }
        assertThat(reason).as(where).isNotNull();
        if (reason == MalformedReason.NONE) {
            assertThat(packet.ipVersion).as(where).isIn(4, 6);
            // a G-PDU in the first fragment of an outer IPv4 packet is charged its full inner length (see
            // PacketDecoder), which the fragment does not carry; every other packet fits in the frame
            assertThat(packet.ipLength).as(where).isBetween(20, packet.gtp ? 65535 : Math.max(original, captured));
            assertThat(packet.payloadOffset).as(where).isBetween(offset, offset + captured);
            assertThat(packet.payloadOffset + packet.payloadCapturedLength)
                    .as(where)
                    .isLessThanOrEqualTo(offset + captured);
        }
    }

    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {3L, 0xFEEDL})
    @Timeout(60)
    void shouldOnlyThrowCaptureFormatExceptionWhenReadingMutatedFiles(long seed, @TempDir Path dir) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> files = new ArrayList<>();
        for (String name : SEED_FILES) {
            files.add(Files.readAllBytes(GoldenCaptures.path(name)));
        }
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket packet = new DecodedPacket();
        FrameHandler handler = (MemorySegment data, long offset, int cap, int orig, long ts, int iface, int lt) ->
                decoder.decode(data, offset, cap, orig, lt, iface, packet);
        Path file = dir.resolve("mutant");
        for (int i = 0; i < 1_500; i++) {
            byte[] bytes = files.get(random.nextInt(files.size())).clone();
            int limit = Math.min(bytes.length, 4096);
            int mutations = 1 + random.nextInt(8);
            for (int m = 0; m < mutations; m++) {
                bytes[random.nextInt(limit)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
            }
            Files.write(file, bytes);
            String where = "seed=" + seed + " iteration=" + i;
            // alternate the default (streamed pcap) and the mapped reader
            try (CaptureSource source = (i & 1) == 0 ? Captures.open(file) : Captures.openMapped(file)) {
                int rounds = 0;
                while (source.read(handler, 128) != CaptureSource.END_OF_INPUT) {
                    assertThat(++rounds).as(where + ": reader does not end").isLessThan(1_000_000);
                }
                assertThat(source.stats().fileBytesRead).as(where).isEqualTo(bytes.length);
            } catch (CaptureFormatException expected) {
                assertThat(expected.offset()).as(where).isBetween(0L, (long) bytes.length);
            } catch (RuntimeException e) {
                throw new AssertionError(where + ": reader threw", e);
            }
        }
    }
}

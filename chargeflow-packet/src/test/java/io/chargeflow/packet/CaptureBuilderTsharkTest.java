package io.chargeflow.packet;

import static io.chargeflow.testsupport.CaptureBuilder.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chargeflow.testsupport.CaptureBuilder;
import io.chargeflow.testsupport.Tshark;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames and files written by {@link CaptureBuilder} read the same in tshark as in our reader and decoder: per
 * frame the innermost addresses and IP length, and the timestamps. Checks the builder as much as the decoder.
 */
class CaptureBuilderTsharkTest {
    @TempDir
    Path dir;

    private static List<byte[]> ethernetFrames() {
        return List.of(
                frame().ethernet()
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .tcp(41014, 41015, 0x02)
                        .payload(20)
                        .padTo(60)
                        .build(),
                frame().ethernet()
                        .vlan(10)
                        .ipv4("10.0.0.3", "10.0.0.4")
                        .udp(41000, 41001)
                        .payload(30)
                        .build(),
                frame().ethernet()
                        .vlan(0x88A8, 100)
                        .vlan(200)
                        .ipv6("2001:db8::1", "2001:db8::2")
                        .udp(1, 2)
                        .build(),
                frame().ethernet()
                        .vlan(0x9100, 1)
                        .vlan(0x88A8, 2)
                        .vlan(3)
                        .ipv4("10.9.9.9", "10.8.8.8")
                        .icmp(8, 0)
                        .payload(56)
                        .build(),
                frame().ethernet()
                        .mpls(100)
                        .mpls(200)
                        .ipv4("172.16.0.1", "172.16.0.2")
                        .sctp(41004, 41004)
                        .build(),
                frame().ethernet()
                        .pppoe(1)
                        .ipv4("100.64.1.1", "1.1.1.1")
                        .udp(41002, 41003)
                        .payload(12)
                        .build(),
                frame().ethernet()
                        .ipv6("2001:db8::a", "2001:db8::b")
                        .hopByHop()
                        .routing()
                        .destinationOptions()
                        .tcp(41006, 41007, 0x10)
                        .payload(40)
                        .build(),
                frame().ethernet()
                        .ipv6("2001:db8::a", "2001:db8::b")
                        .fragmentHeader(0, true, 77)
                        .udp(41008, 41009)
                        .payload(64)
                        .build(),
                frame().ethernet()
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .options(new byte[] {(byte) 0x94, 4, 0, 0})
                        .fragment(0, true)
                        .udp(41016, 41017)
                        .payload(100)
                        .build(),
                frame().ethernet()
                        .ipv4("192.0.2.1", "192.0.2.2")
                        .udp(2152, 2152)
                        .gtpu(0x01020304)
                        .ipv4("100.64.0.5", "8.8.4.4")
                        .tcp(41010, 41011, 0x18)
                        .payload(30)
                        .build(),
                frame().ethernet()
                        .ipv4("192.0.2.1", "192.0.2.2")
                        .udp(40000, 2152)
                        .gtpu(9)
                        .gtpuSequence(3)
                        .gtpuExtension(0x85, new byte[] {0x10, 0x09})
                        .ipv6("2001:db8:1::5", "2001:db8:2::6")
                        .udp(1, 2)
                        .payload(8)
                        .build(),
                frame().ethernet()
                        .ipv6("2001:db8::1", "2001:db8::2")
                        .udp(2152, 2152)
                        .gtpu(5)
                        .ipv4("100.64.0.6", "9.9.9.9")
                        .icmp(0, 0)
                        .payload(8)
                        .build());
    }

    @Test
    void shouldDecodeLikeTsharkWhenReadingBuilderPcap() throws IOException {
        assumeTrue(Tshark.available(), "tshark is not installed: skipped (CI installs it)");
        CaptureBuilder.Pcap pcap =
                CaptureBuilder.pcap().order(ByteOrder.BIG_ENDIAN).nanos(true);
        long ts = 1_700_000_000_123_456_789L;
        for (byte[] f : ethernetFrames()) {
            pcap.frame(ts, f);
            ts += 1_000_001L;
        }
        compare(pcap.write(dir.resolve("builder.pcap")), ethernetFrames().size());
    }

    @Test
    void shouldDecodeLikeTsharkWhenReadingBuilderPcapng() throws IOException {
        assumeTrue(Tshark.available(), "tshark is not installed: skipped (CI installs it)");
        CaptureBuilder.Pcapng pcapng = CaptureBuilder.pcapng()
                .section(ByteOrder.LITTLE_ENDIAN)
                .interfaceBlock(LinkType.ETHERNET, 0, "eth0", 9, 0)
                .interfaceBlock(LinkType.LINUX_SLL, 0, "any", 0x80 | 20, 0);
        int frames = 0;
        long ts = 1_700_000_000_000_000_000L;
        for (byte[] f : ethernetFrames()) {
            pcapng.enhancedPacket(0, ts, f, f.length);
            ts += 999_999_999L;
            frames++;
        }
        byte[] sll = frame().sll()
                .ipv4("10.1.1.1", "10.2.2.2")
                .udp(41012, 41013)
                .payload(100)
                .build();
        pcapng.enhancedPacket(1, (1_700_000_000L << 20) + (1 << 19), sll, sll.length);
        pcapng.block(0x0BAD, new byte[8]);
        pcapng.section(ByteOrder.BIG_ENDIAN).interfaceBlock(LinkType.LINUX_SLL2, 128, "tun", 6, 0);
        byte[] sll2 = frame().sll2()
                .ipv6("fd00::1", "fd00::2")
                .tcp(1, 2, 0x12)
                .payload(500)
                .build();
        pcapng.enhancedPacket(0, 1_700_000_001_000_000L, java.util.Arrays.copyOf(sll2, 128), sll2.length);
        pcapng.obsoletePacket(0, 1_700_000_002_000_000L, java.util.Arrays.copyOf(sll2, 128), sll2.length);
        compare(pcapng.write(dir.resolve("builder.pcapng")), frames + 3);
    }

    private static void compare(Path file, int expectedFrames) throws IOException {
        List<String> ours = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket p = new DecodedPacket();
        FrameHandler handler = (MemorySegment data, long offset, int cap, int orig, long ts, int iface, int lt) -> {
            times.add(ts);
            MalformedReason reason = decoder.decode(data, offset, cap, orig, lt, iface, p);
            assertThat(reason).as("frame " + (ours.size() + 1)).isEqualTo(MalformedReason.NONE);
            ours.add(
                    p.ipVersion == 4
                            ? AddressFormat.ipv4(p.srcV4) + " " + AddressFormat.ipv4(p.dstV4) + " " + p.ipLength
                            : AddressFormat.ipv6(p.srcHi, p.srcLo) + " " + AddressFormat.ipv6(p.dstHi, p.dstLo) + " "
                                    + p.ipLength);
        };
        try (CaptureSource source = Captures.open(file)) {
            while (source.read(handler, 64) != CaptureSource.END_OF_INPUT) {
                // drain
            }
        }
        // tshark 4 shows a pcapng block of unknown type as a record of bare "data"; we skip such blocks
        List<String[]> rows = Tshark.fields(
                        file,
                        "frame.protocols",
                        "ip.src",
                        "ip.dst",
                        "ip.len",
                        "ipv6.src",
                        "ipv6.dst",
                        "ipv6.plen",
                        "_ws.malformed",
                        "gtp.message",
                        "frame.time_epoch")
                .stream()
                .filter(row -> !row[0].equals("data"))
                .toList();
        assertThat(ours).hasSize(expectedFrames);
        assertThat(rows).hasSize(expectedFrames);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i)[7])
                    .as("tshark malformed flag, frame " + (i + 1))
                    .isEmpty();
            assertThat(ours.get(i)).as("frame " + (i + 1)).isEqualTo(TsharkComparisonTest.tsharkInnermost(rows.get(i)));
            long tsharkNs = new BigDecimal(rows.get(i)[9]).movePointRight(9).longValueExact();
            assertThat(times.get(i)).as("timestamp of frame " + (i + 1)).isEqualTo(tsharkNs);
        }
    }
}

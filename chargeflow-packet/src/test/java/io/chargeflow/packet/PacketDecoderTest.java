package io.chargeflow.packet;

import static io.chargeflow.testsupport.CaptureBuilder.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.testsupport.CaptureBuilder;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each layer and each malformed reason of {@link PacketDecoder}, on frames built with {@link CaptureBuilder}. */
class PacketDecoderTest {
    /** Frames are placed at this offset of a larger segment, so absolute offsets are exercised. */
    private static final int BASE = 7;

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket p = new DecodedPacket();

    private MalformedReason decode(byte[] frame) {
        return decode(frame, LinkType.ETHERNET);
    }

    private MalformedReason decode(byte[] frame, int linkType) {
        return decode(decoder, frame, frame.length, frame.length, linkType);
    }

    private MalformedReason decode(PacketDecoder with, byte[] frame, int captured, int original, int linkType) {
        byte[] buffer = new byte[BASE + frame.length + 16];
        System.arraycopy(frame, 0, buffer, BASE, frame.length);
        return with.decode(MemorySegment.ofArray(buffer), BASE, captured, original, linkType, 3, p);
    }

    private static int v4(String address) {
        return ByteBuffer.wrap(CaptureBuilder.address(address)).getInt();
    }

    private static long[] v6(String address) {
        ByteBuffer b = ByteBuffer.wrap(CaptureBuilder.address(address));
        return new long[] {b.getLong(), b.getLong()};
    }

    @Test
    void shouldFillEveryFieldWhenDecodingEthernetIpv4Tcp() {
        byte[] f = frame().ethernet()
                .ipv4("10.0.0.1", "192.168.1.2")
                .tcp(40000, 443, 0x18)
                .payload(10)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        assertThat(p.linkType).isEqualTo(LinkType.ETHERNET);
        assertThat(p.interfaceId).isEqualTo(3);
        assertThat(p.ipVersion).isEqualTo(4);
        assertThat(p.srcV4).isEqualTo(0x0A000001);
        assertThat(p.dstV4).isEqualTo(v4("192.168.1.2"));
        assertThat(p.ipLength).isEqualTo(50);
        assertThat(p.protocol).isEqualTo(6);
        assertThat(p.hasPorts).isTrue();
        assertThat(p.srcPort).isEqualTo(40000);
        assertThat(p.dstPort).isEqualTo(443);
        assertThat(p.tcpFlags).isEqualTo(0x18);
        assertThat(p.icmpType).isEqualTo(-1);
        assertThat(p.icmpCode).isEqualTo(-1);
        assertThat(p.fragment).isFalse();
        assertThat(p.gtp).isFalse();
        assertThat(p.vlanDepth).isZero();
        assertThat(p.outerVlan).isEqualTo(-1);
        assertThat(p.innerVlan).isEqualTo(-1);
        assertThat(p.payloadOffset).isEqualTo(BASE + 14 + 20 + 20);
        assertThat(p.payloadCapturedLength).isEqualTo(10);
        assertThat(p.truncatedBySnaplen).isFalse();
        assertThat(p.srcHi).isZero();
        assertThat(p.dstLo).isZero();
    }

    @Test
    void shouldChargeIpLengthNotFrameLengthWhenEthernetIsPadded() {
        byte[] f = frame().ethernet()
                .ipv4("10.0.0.1", "10.0.0.2")
                .udp(53, 53)
                .payload(4)
                .padTo(60)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        assertThat(p.ipLength).isEqualTo(32);
        assertThat(p.payloadCapturedLength).isEqualTo(4);
    }

    @Test
    void shouldKeepOneVlanIdWhenFrameHasOneTag() {
        byte[] f = frame().ethernet()
                .vlan(100)
                .ipv4("10.0.0.1", "10.0.0.2")
                .udp(1, 2)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        assertThat(p.vlanDepth).isEqualTo(1);
        assertThat(p.outerVlan).isEqualTo(100);
        assertThat(p.innerVlan).isEqualTo(100);
        assertThat(p.ipLength).isEqualTo(28);
    }

    @Test
    void shouldKeepOutermostAndInnermostVlanWhenFrameIsQinQinQ() {
        byte[] f = frame().ethernet()
                .vlan(0x9100, 7)
                .vlan(0x88A8, 300)
                .vlan(0x8100, 4000)
                .ipv6("2001:db8::1", "2001:db8::2")
                .udp(1, 2)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        assertThat(p.vlanDepth).isEqualTo(3);
        assertThat(p.outerVlan).isEqualTo(7);
        assertThat(p.innerVlan).isEqualTo(4000);
        assertThat(p.ipVersion).isEqualTo(6);
        assertThat(p.ipLength).isEqualTo(48);
    }

    @Test
    void shouldPopLabelStackWhenFrameIsMpls() {
        byte[] f = frame().ethernet()
                .mpls(16)
                .mpls(17)
                .ipv4("10.0.0.1", "10.0.0.2")
                .tcp(1, 2, 0x02)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        assertThat(p.srcV4).isEqualTo(0x0A000001);
        assertThat(p.dstPort).isEqualTo(2);
        assertThat(p.payloadOffset).isEqualTo(BASE + 14 + 8 + 20 + 20);
    }

    @Test
    void shouldDecodeIpv6WhenMplsPayloadStartsWithSix() {
        byte[] f = frame().ethernet()
                .vlan(5)
                .mpls(100)
                .ipv6("fe80::1", "fe80::2")
                .icmpv6(128, 0)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        assertThat(p.protocol).isEqualTo(58);
        assertThat(p.icmpType).isEqualTo(128);
        assertThat(p.icmpCode).isZero();
        assertThat(p.hasPorts).isFalse();
    }

    @Test
    void shouldReportUnknownEthertypeWhenMplsCarriesAControlWord() {
        byte[] f = frame().ethernet()
                .mpls(100)
                .payload(new byte[] {0, 0, 0, 0, 1, 2, 3, 4})
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.UNKNOWN_ETHERTYPE);
    }

    @Test
    void shouldDecodePppoeSessionWhenPppCarriesIpv4OrIpv6() {
        assertThat(decode(frame().ethernet()
                        .pppoe(9)
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .udp(1, 2)
                        .build()))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.ipLength).isEqualTo(28);
        assertThat(decode(
                        frame().ethernet().pppoe(9).ipv6("::1", "::2").udp(1, 2).build()))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.ipLength).isEqualTo(48);
        assertThat(decode(frame().ethernet().pppoe(9).type(0xC021).payload(8).build()))
                .isEqualTo(MalformedReason.UNKNOWN_ETHERTYPE);
    }

    @Test
    void shouldDecodeLinuxCookedHeadersWhenLinkIsSllOrSll2() {
        assertThat(decode(
                        frame().sll()
                                .ipv4("10.0.0.1", "10.0.0.2")
                                .udp(5060, 5060)
                                .build(),
                        LinkType.LINUX_SLL))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.srcPort).isEqualTo(5060);
        assertThat(decode(frame().sll2().ipv6("::1", "::2").tcp(1, 2, 0x10).build(), LinkType.LINUX_SLL2))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.tcpFlags).isEqualTo(0x10);
        assertThat(decode(frame().sll().type(0x0806).payload(28).build(), LinkType.LINUX_SLL))
                .isEqualTo(MalformedReason.UNKNOWN_ETHERTYPE);
    }

    /** {@link CaptureDirection#ofLinkHeader} of {@code frame} at an offset inside a larger segment. */
    private static int direction(byte[] frame, int captured, int linkType) {
        byte[] buffer = new byte[BASE + frame.length];
        System.arraycopy(frame, 0, buffer, BASE, frame.length);
        return CaptureDirection.ofLinkHeader(MemorySegment.ofArray(buffer), BASE, captured, linkType);
    }

    @Test
    void shouldTellTheDirectionAndInterfaceIndexWhereACookedHeaderGivesThem() {
        // SLL: packet type 4 is a frame the host sent, 0..3 frames it received, others neither
        byte[] sent = frame().sll(4).ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).build();
        assertThat(direction(sent, sent.length, LinkType.LINUX_SLL)).isEqualTo(CaptureDirection.FRAME_OUT);
        for (int received = 0; received <= 3; received++) {
            byte[] in =
                    frame().sll(received).ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).build();
            assertThat(direction(in, in.length, LinkType.LINUX_SLL)).isEqualTo(CaptureDirection.FRAME_IN);
        }
        byte[] kernel = frame().sll(7).ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).build();
        assertThat(direction(kernel, kernel.length, LinkType.LINUX_SLL)).isEqualTo(CaptureDirection.FRAME_UNKNOWN);
        // a header cut short says nothing (the decoder calls the frame malformed)
        assertThat(direction(sent, 15, LinkType.LINUX_SLL)).isEqualTo(CaptureDirection.FRAME_UNKNOWN);
        // SLL2: the type at octet 10, and the decoder gives the interface index
        byte[] v2 = frame().sll2(70_000, 4).ipv6("::1", "::2").tcp(1, 2, 0x10).build();
        assertThat(direction(v2, v2.length, LinkType.LINUX_SLL2)).isEqualTo(CaptureDirection.FRAME_OUT);
        assertThat(direction(v2, 19, LinkType.LINUX_SLL2)).isEqualTo(CaptureDirection.FRAME_UNKNOWN);
        assertThat(decode(v2, LinkType.LINUX_SLL2)).isEqualTo(MalformedReason.NONE);
        assertThat(p.linkInterfaceIndex).isEqualTo(70_000);
        byte[] v2in = frame().sll2(3, 0).ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).build();
        assertThat(direction(v2in, v2in.length, LinkType.LINUX_SLL2)).isEqualTo(CaptureDirection.FRAME_IN);
        decode(v2in, LinkType.LINUX_SLL2);
        assertThat(p.linkInterfaceIndex).isEqualTo(3);
        // Ethernet does not say
        byte[] ethernet =
                frame().ethernet().ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).build();
        assertThat(direction(ethernet, ethernet.length, LinkType.ETHERNET)).isEqualTo(CaptureDirection.FRAME_UNKNOWN);
        decode(ethernet);
        assertThat(p.linkType).isEqualTo(LinkType.ETHERNET);
    }

    @Test
    void shouldReadLoopbackFamilyInEitherByteOrderWhenLinkIsNull() {
        assertThat(decode(
                        frame().nullLoopback(2, ByteOrder.LITTLE_ENDIAN)
                                .ipv4("127.0.0.1", "127.0.0.1")
                                .udp(1, 2)
                                .build(),
                        LinkType.NULL))
                .isEqualTo(MalformedReason.NONE);
        assertThat(decode(
                        frame().nullLoopback(2, ByteOrder.BIG_ENDIAN)
                                .ipv4("127.0.0.1", "127.0.0.1")
                                .udp(1, 2)
                                .build(),
                        LinkType.NULL))
                .isEqualTo(MalformedReason.NONE);
        assertThat(decode(
                        frame().nullLoopback(30, ByteOrder.LITTLE_ENDIAN)
                                .ipv6("::1", "::1")
                                .udp(1, 2)
                                .build(),
                        LinkType.NULL))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.ipVersion).isEqualTo(6);
        assertThat(decode(frame().loop(24).ipv6("::1", "::1").udp(1, 2).build(), LinkType.LOOP))
                .isEqualTo(MalformedReason.NONE);
        assertThat(decode(
                        frame().nullLoopback(7, ByteOrder.LITTLE_ENDIAN)
                                .payload(20)
                                .build(),
                        LinkType.NULL))
                .isEqualTo(MalformedReason.UNKNOWN_ETHERTYPE);
    }

    @Test
    void shouldReadRawIpWhenNullLinkCarriesNoFamily() {
        assertThat(decode(frame().ipv4("127.0.0.1", "127.0.0.2").udp(5060, 5090).build(), LinkType.NULL))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.dstV4).isEqualTo(v4("127.0.0.2"));
    }

    @Test
    void shouldTakeVersionFromLinkTypeWhenLinkIsRaw() {
        byte[] v4frame = frame().ipv4("10.0.0.1", "10.0.0.2").udp(1, 2).build();
        byte[] v6frame = frame().ipv6("::1", "::2").udp(1, 2).build();

        assertThat(decode(v4frame, LinkType.RAW)).isEqualTo(MalformedReason.NONE);
        assertThat(decode(v6frame, LinkType.RAW)).isEqualTo(MalformedReason.NONE);
        assertThat(decode(v4frame, LinkType.IPV4)).isEqualTo(MalformedReason.NONE);
        assertThat(decode(v6frame, LinkType.IPV6)).isEqualTo(MalformedReason.NONE);
        assertThat(decode(v6frame, LinkType.IPV4)).isEqualTo(MalformedReason.BAD_IP_VERSION);
        assertThat(decode(v4frame, LinkType.IPV6)).isEqualTo(MalformedReason.BAD_IP_VERSION);
        assertThat(decode(v4frame, 147)).isEqualTo(MalformedReason.UNSUPPORTED_LINK_TYPE);
    }

    @Test
    void shouldSkipOptionsWhenIpv4HeaderHasThem() {
        byte[] f = frame().ethernet()
                .ipv4("10.0.0.1", "10.0.0.2")
                .options(new byte[] {(byte) 0x94, 4, 0, 0, 1})
                .udp(7, 8)
                .payload(3)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        assertThat(p.ipLength).isEqualTo(28 + 8 + 3);
        assertThat(p.srcPort).isEqualTo(7);
        assertThat(p.payloadOffset).isEqualTo(BASE + 14 + 28 + 8);
    }

    @Test
    void shouldChargeEveryFragmentButReadPortsOnlyFromFirstWhenIpv4IsFragmented() {
        assertThat(decode(frame().ethernet()
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .fragment(0, true)
                        .udp(1, 2)
                        .payload(100)
                        .build()))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.fragment).isTrue();
        assertThat(p.hasPorts).isTrue();
        assertThat(p.ipLength).isEqualTo(128);

        assertThat(decode(frame().ethernet()
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .type(17)
                        .fragment(185, false)
                        .payload(60)
                        .build()))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.fragment).isTrue();
        assertThat(p.hasPorts).isFalse();
        assertThat(p.srcPort).isZero();
        assertThat(p.protocol).isEqualTo(17);
        assertThat(p.ipLength).isEqualTo(80);
    }

    @Test
    void shouldWalkExtensionChainWhenIpv6HasHopByHopRoutingAndDestinationOptions() {
        byte[] f = frame().ethernet()
                .ipv6("2001:db8::a", "2001:db8::b")
                .hopByHop()
                .routing()
                .destinationOptions()
                .tcp(1234, 80, 0x02)
                .payload(5)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        long[] src = v6("2001:db8::a");
        long[] dst = v6("2001:db8::b");
        assertThat(p.srcHi).isEqualTo(src[0]);
        assertThat(p.srcLo).isEqualTo(src[1]);
        assertThat(p.dstHi).isEqualTo(dst[0]);
        assertThat(p.dstLo).isEqualTo(dst[1]);
        assertThat(p.protocol).isEqualTo(6);
        assertThat(p.srcPort).isEqualTo(1234);
        assertThat(p.ipLength).isEqualTo(40 + 24 + 20 + 5);
        assertThat(p.payloadOffset).isEqualTo(BASE + 14 + 40 + 24 + 20);
        assertThat(p.payloadCapturedLength).isEqualTo(5);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {16, 17, 18, 20, 30})
    void shouldReadTransportHeaderWhenTheExtensionChainIsLong(int options) {
        // 14 + 40 + 8 per header: the TCP header starts 190 to 294 bytes into the frame
        CaptureBuilder.Frame builder = frame().ethernet().ipv6("2001:db8::a", "2001:db8::b");
        for (int i = 0; i < options; i++) {
            builder.destinationOptions();
        }
        byte[] f = builder.tcp(1234, 80, 0x12).payload(5).build();
        int tcpAt = 14 + 40 + 8 * options;

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        assertThat(p.protocol).isEqualTo(6);
        assertThat(p.srcPort).isEqualTo(1234);
        assertThat(p.dstPort).isEqualTo(80);
        assertThat(p.tcpFlags).isEqualTo(0x12);
        assertThat(p.ipLength).isEqualTo(40 + 8 * options + 20 + 5);
        assertThat(p.payloadOffset).isEqualTo(BASE + tcpAt + 20);
        assertThat(p.payloadCapturedLength).isEqualTo(5);
    }

    @Test
    void shouldReadPortsOnlyFromFirstFragmentWhenIpv6HasFragmentHeader() {
        assertThat(decode(frame().ethernet()
                        .ipv6("::1", "::2")
                        .fragmentHeader(0, true, 9)
                        .udp(53, 5353)
                        .payload(16)
                        .build()))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.fragment).isTrue();
        assertThat(p.hasPorts).isTrue();
        assertThat(p.dstPort).isEqualTo(5353);

        assertThat(decode(frame().ethernet()
                        .ipv6("::1", "::2")
                        .fragmentHeader(3, false, 9)
                        .type(17)
                        .payload(16)
                        .build()))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.fragment).isTrue();
        assertThat(p.hasPorts).isFalse();
        assertThat(p.protocol).isEqualTo(17);
        assertThat(p.ipLength).isEqualTo(40 + 8 + 16);
    }

    @Test
    void shouldSkipAuthenticationHeaderAndStopAtEspWhenIpv6CarriesIpsec() {
        assertThat(decode(frame().ethernet()
                        .ipv6("::1", "::2")
                        .authenticationHeader()
                        .udp(500, 4500)
                        .build()))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.protocol).isEqualTo(17);
        assertThat(p.srcPort).isEqualTo(500);

        assertThat(decode(frame().ethernet()
                        .ipv6("::1", "::2")
                        .type(50)
                        .payload(40)
                        .build()))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.protocol).isEqualTo(50);
        assertThat(p.hasPorts).isFalse();

        assertThat(decode(frame().ethernet()
                        .ipv6("::1", "::2")
                        .destinationOptions()
                        .type(59)
                        .build()))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.protocol).isEqualTo(59);
        assertThat(p.ipLength).isEqualTo(48);
    }

    @Test
    void shouldReadTypeAndCodeWhenPacketIsIcmp() {
        assertThat(decode(frame().ethernet()
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .icmp(3, 13)
                        .payload(28)
                        .build()))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.protocol).isEqualTo(1);
        assertThat(p.icmpType).isEqualTo(3);
        assertThat(p.icmpCode).isEqualTo(13);
        assertThat(p.hasPorts).isFalse();
        assertThat(p.payloadCapturedLength).isEqualTo(28);
    }

    @Test
    void shouldReadPortsWhenPacketIsSctp() {
        assertThat(decode(frame().ethernet()
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .sctp(3868, 3869)
                        .payload(16)
                        .build()))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.protocol).isEqualTo(132);
        assertThat(p.srcPort).isEqualTo(3868);
        assertThat(p.dstPort).isEqualTo(3869);
        assertThat(p.payloadCapturedLength).isEqualTo(16);
    }

    @Test
    void shouldChargeInnerPacketWhenFrameIsGtpuGpdu() {
        byte[] f = frame().ethernet()
                .vlan(20)
                .ipv4("192.0.2.1", "192.0.2.2")
                .udp(2152, 2152)
                .gtpu(0xDEADBEEFL)
                .ipv4("100.64.0.7", "8.8.8.8")
                .tcp(50000, 443, 0x02)
                .payload(12)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        assertThat(p.gtp).isTrue();
        assertThat(p.teid).isEqualTo(0xDEADBEEFL);
        assertThat(p.tunnelSrcV4).isEqualTo(v4("192.0.2.1"));
        assertThat(p.tunnelDstV4).isEqualTo(v4("192.0.2.2"));
        assertThat(p.srcV4).isEqualTo(v4("100.64.0.7"));
        assertThat(p.dstV4).isEqualTo(v4("8.8.8.8"));
        assertThat(p.ipLength).isEqualTo(52);
        assertThat(p.protocol).isEqualTo(6);
        assertThat(p.srcPort).isEqualTo(50000);
        assertThat(p.tcpFlags).isEqualTo(0x02);
        assertThat(p.vlanDepth).isEqualTo(1);
        assertThat(p.payloadOffset).isEqualTo(BASE + 18 + 20 + 8 + 8 + 20 + 20);
        assertThat(p.payloadCapturedLength).isEqualTo(12);
    }

    @Test
    void shouldSkipOptionalFieldsAndExtensionsWhenGtpuHeaderHasThem() {
        byte[] f = frame().ethernet()
                .ipv4("192.0.2.1", "192.0.2.2")
                .udp(40000, 2152)
                .gtpu(7)
                .gtpuSequence(5)
                .gtpuExtension(0x85, new byte[] {0x10, 0x09})
                .gtpuExtension(0x40, new byte[] {1, 2, 3, 4, 5, 6})
                .ipv6("2001:db8::1", "2001:db8::2")
                .udp(1, 2)
                .payload(2)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        assertThat(p.gtp).isTrue();
        assertThat(p.teid).isEqualTo(7);
        assertThat(p.ipVersion).isEqualTo(6);
        assertThat(p.ipLength).isEqualTo(50);
        assertThat(p.tunnelSrcV4).isEqualTo(v4("192.0.2.1"));
    }

    @Test
    void shouldSkipOptionalFieldsWhenOnlyPnFlagIsSet() {
        byte[] f = frame().ethernet()
                .ipv4("192.0.2.1", "192.0.2.2")
                .udp(2152, 2152)
                .gtpu(7)
                .gtpuFlags(0x31)
                .ipv4("10.1.1.1", "10.2.2.2")
                .udp(1, 2)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        assertThat(p.srcV4).isEqualTo(v4("10.1.1.1"));
    }

    @Test
    void shouldKeepTunnelAddressesZeroWhenOuterPacketIsIpv6() {
        byte[] f = frame().ethernet()
                .ipv6("2001:db8::1", "2001:db8::2")
                .udp(2152, 2152)
                .gtpu(1)
                .ipv4("10.0.0.1", "10.0.0.2")
                .udp(1, 2)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.NONE);
        assertThat(p.gtp).isTrue();
        assertThat(p.tunnelSrcV4).isZero();
        assertThat(p.srcV4).isEqualTo(0x0A000001);
        assertThat(p.srcHi).isZero();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 26, 31, 254})
    void shouldReportNotChargedWhenGtpuMessageIsSignalling(int type) {
        byte[] f = frame().ethernet()
                .ipv4("192.0.2.1", "192.0.2.2")
                .udp(2152, 2152)
                .gtpu(0)
                .type(type)
                .gtpuSequence(1)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.GTP_NOT_GPDU);
        assertThat(p.gtp).isFalse();
        assertThat(p.tunnelDstV4).isEqualTo(v4("192.0.2.2"));
    }

    @Test
    void shouldChargeOuterUdpWhenGtpuDecodingIsOffOrPortDiffers() {
        byte[] f = frame().ethernet()
                .ipv4("192.0.2.1", "192.0.2.2")
                .udp(2152, 2152)
                .gtpu(1)
                .ipv4("10.0.0.1", "10.0.0.2")
                .udp(1, 2)
                .build();

        assertThat(decode(new PacketDecoder(2152, false), f, f.length, f.length, LinkType.ETHERNET))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.gtp).isFalse();
        assertThat(p.srcV4).isEqualTo(v4("192.0.2.1"));
        assertThat(p.ipLength).isEqualTo(20 + 8 + 8 + 28);
        assertThat(decode(new PacketDecoder(3386, true), f, f.length, f.length, LinkType.ETHERNET))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.gtp).isFalse();
    }

    @Test
    void shouldReportTruncatedLinkHeaderWhenFrameEndsInsideIt() {
        assertThat(decode(new byte[13])).isEqualTo(MalformedReason.TRUNCATED_LINK_HEADER);
        byte[] tagged = frame().ethernet().vlan(1).ipv4("10.0.0.1", "10.0.0.2").build();
        assertThat(decode(decoder, tagged, 16, 100, LinkType.ETHERNET))
                .isEqualTo(MalformedReason.TRUNCATED_LINK_HEADER);
        assertThat(decode(new byte[15], LinkType.LINUX_SLL)).isEqualTo(MalformedReason.TRUNCATED_LINK_HEADER);
        assertThat(decode(new byte[19], LinkType.LINUX_SLL2)).isEqualTo(MalformedReason.TRUNCATED_LINK_HEADER);
        assertThat(decode(new byte[3], LinkType.NULL)).isEqualTo(MalformedReason.TRUNCATED_LINK_HEADER);
    }

    @Test
    void shouldReportUnknownEthertypeWhenFrameIsArp() {
        assertThat(decode(frame().ethernet().type(0x0806).payload(28).build()))
                .isEqualTo(MalformedReason.UNKNOWN_ETHERTYPE);
    }

    @Test
    void shouldReportBadIpVersionWhenEthertypeAndNibbleDisagree() {
        assertThat(decode(frame().ethernet().type(0x0800).ipv6("::1", "::2").build()))
                .isEqualTo(MalformedReason.BAD_IP_VERSION);
        byte[] f = frame().ethernet().ipv4("10.0.0.1", "10.0.0.2").build();
        f[14] = 0x55;
        assertThat(decode(f)).isEqualTo(MalformedReason.BAD_IP_VERSION);
    }

    @Test
    void shouldReportTruncatedIpHeaderWhenCaptureEndsInsideIt() {
        byte[] f = frame().ethernet().ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2, 0).build();
        assertThat(decode(decoder, f, 14 + 19, f.length, LinkType.ETHERNET))
                .isEqualTo(MalformedReason.TRUNCATED_IP_HEADER);
        assertThat(decode(decoder, f, 14, f.length, LinkType.ETHERNET)).isEqualTo(MalformedReason.TRUNCATED_IP_HEADER);
        byte[] v6 = frame().ethernet().ipv6("::1", "::2").build();
        assertThat(decode(decoder, v6, 14 + 39, v6.length, LinkType.ETHERNET))
                .isEqualTo(MalformedReason.TRUNCATED_IP_HEADER);
    }

    @Test
    void shouldReportBadIhlWhenBelowFiveOrBeyondCapture() {
        assertThat(decode(frame().ethernet()
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .ihl(4)
                        .payload(20)
                        .build()))
                .isEqualTo(MalformedReason.BAD_IHL);
        assertThat(decode(frame().ethernet()
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .ihl(15)
                        .length(20)
                        .build()))
                .isEqualTo(MalformedReason.BAD_IHL);
    }

    @Test
    void shouldReportLengthErrorsWhenTotalLengthLies() {
        assertThat(decode(frame().ethernet()
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .length(19)
                        .payload(8)
                        .build()))
                .isEqualTo(MalformedReason.IP_LENGTH_SHORTER_THAN_HEADER);
        assertThat(decode(frame().ethernet()
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .length(1000)
                        .payload(8)
                        .build()))
                .isEqualTo(MalformedReason.IP_LENGTH_EXCEEDS_FRAME);
        assertThat(decode(frame().ethernet()
                        .ipv6("::1", "::2")
                        .length(100)
                        .payload(8)
                        .build()))
                .isEqualTo(MalformedReason.IP_LENGTH_EXCEEDS_FRAME);
    }

    @Test
    void shouldChargeIpLengthWhenSnaplenCutTheFrame() {
        byte[] f = frame().ethernet()
                .ipv4("10.0.0.1", "10.0.0.2")
                .tcp(1, 2, 0x11)
                .payload(1400)
                .build();

        assertThat(decode(decoder, f, 54, f.length, LinkType.ETHERNET)).isEqualTo(MalformedReason.NONE);
        assertThat(p.ipLength).isEqualTo(1440);
        assertThat(p.truncatedBySnaplen).isTrue();
        assertThat(p.hasPorts).isTrue();
        assertThat(p.tcpFlags).isEqualTo(0x11);
        assertThat(p.payloadCapturedLength).isZero();

        assertThat(decode(decoder, f, 40, f.length, LinkType.ETHERNET)).isEqualTo(MalformedReason.NONE);
        assertThat(p.ipLength).isEqualTo(1440);
        assertThat(p.hasPorts).isFalse();
        assertThat(p.tcpFlags).isZero();
    }

    @Test
    void shouldReportBadExtensionChainWhenHopByHopIsNotFirstOrHeaderOverruns() {
        assertThat(decode(frame().ethernet()
                        .ipv6("::1", "::2")
                        .destinationOptions()
                        .hopByHop()
                        .udp(1, 2)
                        .build()))
                .isEqualTo(MalformedReason.BAD_IPV6_EXTENSION);
        assertThat(decode(frame().ethernet()
                        .ipv6("::1", "::2")
                        .extension(60, new byte[] {1, 4, 0, 0, 0, 0})
                        .length(8)
                        .build()))
                .isEqualTo(MalformedReason.NONE);
        byte[] f = frame().ethernet()
                .ipv6("::1", "::2")
                .destinationOptions()
                .udp(1, 2)
                .build();
        f[14 + 40 + 1] = 9;
        assertThat(decode(f)).isEqualTo(MalformedReason.BAD_IPV6_EXTENSION);
    }

    @Test
    void shouldReportJumbogramWhenPayloadLengthIsZeroWithJumboOption() {
        byte[] f = frame().ethernet()
                .ipv6("::1", "::2")
                .extension(0, new byte[] {(byte) 0xC2, 4, 0, 1, 0, 0})
                .length(0)
                .udp(1, 2)
                .build();

        assertThat(decode(f)).isEqualTo(MalformedReason.UNSUPPORTED_JUMBOGRAM);
    }

    @Test
    void shouldReportBadGtpWhenVersionLengthOrExtensionIsWrong() {
        assertThat(decode(frame().ethernet()
                        .ipv4("192.0.2.1", "192.0.2.2")
                        .udp(2152, 2152)
                        .gtpu(1)
                        .gtpuFlags(0x50)
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .build()))
                .isEqualTo(MalformedReason.BAD_GTP);
        assertThat(decode(frame().ethernet()
                        .ipv4("192.0.2.1", "192.0.2.2")
                        .udp(2152, 2152)
                        .gtpu(1)
                        .length(500)
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .build()))
                .isEqualTo(MalformedReason.BAD_GTP);
        byte[] f = frame().ethernet()
                .ipv4("192.0.2.1", "192.0.2.2")
                .udp(2152, 2152)
                .gtpu(1)
                .gtpuExtension(0x85, new byte[] {0, 0})
                .ipv4("10.0.0.1", "10.0.0.2")
                .build();
        f[14 + 20 + 8 + 12] = 0;
        assertThat(decode(f)).isEqualTo(MalformedReason.BAD_GTP);
    }

    @Test
    void shouldReportTruncatedTunnelWhenSnaplenCutsGtpuOrInnerHeader() {
        byte[] f = frame().ethernet()
                .ipv4("192.0.2.1", "192.0.2.2")
                .udp(2152, 2152)
                .gtpu(1)
                .gtpuSequence(1)
                .ipv4("10.0.0.1", "10.0.0.2")
                .udp(1, 2)
                .payload(100)
                .build();

        assertThat(decode(decoder, f, 14 + 20 + 8 + 6, f.length, LinkType.ETHERNET))
                .isEqualTo(MalformedReason.TRUNCATED_TUNNEL);
        assertThat(decode(decoder, f, 14 + 20 + 8 + 10, f.length, LinkType.ETHERNET))
                .isEqualTo(MalformedReason.TRUNCATED_TUNNEL);
        assertThat(decode(decoder, f, 14 + 20 + 8 + 12 + 10, f.length, LinkType.ETHERNET))
                .isEqualTo(MalformedReason.TRUNCATED_TUNNEL);
        assertThat(decode(decoder, f, 14 + 20 + 8 + 12 + 20, f.length, LinkType.ETHERNET))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.ipLength).isEqualTo(128);
        assertThat(p.hasPorts).isFalse();
    }

    @Test
    void shouldReportBadInnerPacketWhenInnerIpIsBroken() {
        assertThat(decode(frame().ethernet()
                        .ipv4("192.0.2.1", "192.0.2.2")
                        .udp(2152, 2152)
                        .gtpu(1)
                        .payload(new byte[] {0x00, 1, 2, 3})
                        .build()))
                .isEqualTo(MalformedReason.BAD_INNER_PACKET);
        assertThat(decode(frame().ethernet()
                        .ipv4("192.0.2.1", "192.0.2.2")
                        .udp(2152, 2152)
                        .gtpu(1)
                        .ipv4("10.0.0.1", "10.0.0.2")
                        .length(200)
                        .payload(8)
                        .build()))
                .isEqualTo(MalformedReason.BAD_INNER_PACKET);
    }

    @Test
    void shouldReportTruncatedLinkHeaderWhenArgumentsLieOutsideSegment() {
        MemorySegment segment = MemorySegment.ofArray(new byte[10]);
        assertThat(decoder.decode(segment, 5, 10, 10, LinkType.ETHERNET, 0, p))
                .isEqualTo(MalformedReason.TRUNCATED_LINK_HEADER);
        assertThat(decoder.decode(segment, -1, 4, 4, LinkType.ETHERNET, 0, p))
                .isEqualTo(MalformedReason.TRUNCATED_LINK_HEADER);
        assertThat(decoder.decode(segment, 0, -4, 4, LinkType.ETHERNET, 0, p))
                .isEqualTo(MalformedReason.TRUNCATED_LINK_HEADER);
    }

    @Test
    void shouldClearPreviousFieldsWhenDecodingNextFrame() {
        decode(frame().ethernet()
                .vlan(9)
                .ipv4("192.0.2.1", "192.0.2.2")
                .udp(2152, 2152)
                .gtpu(5)
                .ipv4("10.0.0.1", "10.0.0.2")
                .tcp(1, 2, 0x12)
                .build());
        assertThat(decode(frame().ethernet().ipv6("::1", "::2").icmpv6(1, 4).build()))
                .isEqualTo(MalformedReason.NONE);
        assertThat(p.gtp).isFalse();
        assertThat(p.teid).isZero();
        assertThat(p.tunnelSrcV4).isZero();
        assertThat(p.srcV4).isZero();
        assertThat(p.vlanDepth).isZero();
        assertThat(p.hasPorts).isFalse();
        assertThat(p.tcpFlags).isZero();
        assertThat(p.icmpType).isEqualTo(1);
        assertThat(p.icmpCode).isEqualTo(4);
    }
}

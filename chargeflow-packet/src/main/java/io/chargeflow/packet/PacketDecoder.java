package io.chargeflow.packet;

import java.lang.foreign.MemorySegment;

/**
 * Decodes one captured frame in place into a {@link DecodedPacket}: link layer (Ethernet with any depth of 802.1Q /
 * 802.1ad tags, MPLS, PPPoE session, Linux SLL/SLL2, BSD NULL/LOOP, raw IP), IPv4 or IPv6 with its extension
 * chain, the transport ports, and GTP-U G-PDUs, whose inner IP packet is the one charged. One instance per reader
 * thread (it holds one flyweight per layer); {@link #decode} allocates nothing and throws nothing for any bytes.
 *
 * <p>Charging rules: the bytes charged are the IP-layer length of the innermost packet (IPv4 total length, IPv6 40
 * plus payload length), never the frame length (Ethernet padding is not charged). A frame cut only by the snaplen
 * is charged when its original length covers the IP length; ports and flags are filled only when captured. Every
 * IPv4 or IPv6 fragment is charged its own IP length; only the first fragment has ports.
 *
 * <p>GTP-U over a fragmented outer IPv4 packet: the first outer fragment carries the GTP-U header, so the inner
 * packet is charged there, with its full length as stated by its own header (bounded by the GTP-U length); the
 * following outer fragments have no UDP header and are charged as plain fragments between the tunnel endpoints.
 * The decoder keeps no state across frames, so it cannot attribute them to the subscriber.
 */
public final class PacketDecoder {
    /** The IANA GTP-U port. */
    public static final int GTPU_PORT = 2152;

    private static final int MAX_IPV6_EXTENSIONS = 32;
    private static final int MAX_GTP_EXTENSIONS = 32;

    private final int gtpuPort;
    private final boolean decodeGtpu;
    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final LinkHeaderFlyweight linkHeader = new LinkHeaderFlyweight();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight ipv6 = new Ipv6Flyweight();
    private final TransportFlyweight transport = new TransportFlyweight();
    private final GtpuFlyweight gtpu = new GtpuFlyweight();

    /** Per-frame scratch, fields instead of return tuples so nothing is allocated. */
    private MemorySegment segment;

    private long frameOffset;
    private int captured;
    private int wire;
    private DecodedPacket out;
    /** Relative offset (in the frame) where the current IP packet's upper layer starts, and its bounds. */
    private int upperAt;

    private int upperCaptured;
    private int upperWire;
    /** Whether the current IP packet is a non-first fragment (no transport header). */
    private boolean laterFragment;

    /** A decoder that unwraps GTP-U on UDP port 2152. */
    public PacketDecoder() {
        this(GTPU_PORT, true);
    }

    /**
     * A decoder that unwraps GTP-U G-PDUs on UDP {@code gtpuPort} (either side) when {@code decodeGtpu}; otherwise
     * GTP-U packets are charged as the outer UDP packets they are.
     */
    public PacketDecoder(int gtpuPort, boolean decodeGtpu) {
        if (gtpuPort < 0 || gtpuPort > 0xFFFF) {
            throw new IllegalArgumentException("gtpuPort=" + gtpuPort);
        }
        this.gtpuPort = gtpuPort;
        this.decodeGtpu = decodeGtpu;
    }

    /**
     * Decodes the frame {@code data[offset, offset + capturedLength)} into {@code out} (reset first).
     *
     * @return {@link MalformedReason#NONE} when the frame is an IP packet that can be charged ({@code out.ipLength}
     *     bytes), else why not; offsets or lengths outside {@code data} give {@link
     *     MalformedReason#TRUNCATED_LINK_HEADER}
     */
    public MalformedReason decode(
            MemorySegment data,
            long offset,
            int capturedLength,
            int originalLength,
            int linkType,
            int interfaceId,
            DecodedPacket out) {
        out.reset();
        out.linkType = linkType;
        out.interfaceId = interfaceId;
        if (data == null || offset < 0 || capturedLength < 0 || offset > data.byteSize() - capturedLength) {
            return MalformedReason.TRUNCATED_LINK_HEADER;
        }
        this.segment = data;
        this.frameOffset = offset;
        this.captured = capturedLength;
        this.wire = Math.max(originalLength, capturedLength);
        this.out = out;
        out.truncatedBySnaplen = capturedLength < originalLength;
        MalformedReason reason = link(linkType);
        this.segment = null;
        this.out = null;
        return reason;
    }

    private MalformedReason link(int linkType) {
        switch (linkType) {
            case LinkType.ETHERNET -> {
                if (captured < EthernetFlyweight.HEADER_LENGTH) {
                    return MalformedReason.TRUNCATED_LINK_HEADER;
                }
                ethernet.wrap(segment, frameOffset, captured);
                return etherType(
                        ethernet.etherTypeAt(EthernetFlyweight.ETHERTYPE_OFFSET), EthernetFlyweight.HEADER_LENGTH);
            }
            case LinkType.LINUX_SLL -> {
                if (captured < LinkHeaderFlyweight.SLL_LENGTH) {
                    return MalformedReason.TRUNCATED_LINK_HEADER;
                }
                linkHeader.wrap(segment, frameOffset, captured);
                ethernet.wrap(segment, frameOffset, captured);
                return etherType(linkHeader.sllProtocol(), LinkHeaderFlyweight.SLL_LENGTH);
            }
            case LinkType.LINUX_SLL2 -> {
                if (captured < LinkHeaderFlyweight.SLL2_LENGTH) {
                    return MalformedReason.TRUNCATED_LINK_HEADER;
                }
                linkHeader.wrap(segment, frameOffset, captured);
                ethernet.wrap(segment, frameOffset, captured);
                out.linkInterfaceIndex = linkHeader.sll2InterfaceIndex();
                return etherType(linkHeader.sll2Protocol(), LinkHeaderFlyweight.SLL2_LENGTH);
            }
            case LinkType.NULL, LinkType.LOOP -> {
                return loopback(linkType);
            }
            case LinkType.RAW -> {
                return ip(0, 0, false);
            }
            case LinkType.IPV4 -> {
                return ip(0, 4, false);
            }
            case LinkType.IPV6 -> {
                return ip(0, 6, false);
            }
            default -> {
                return MalformedReason.UNSUPPORTED_LINK_TYPE;
            }
        }
    }

    /**
     * BSD loopback families: AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS) or
     * 10 (Linux). NULL stores it in the writer's byte order, so both orders are accepted. Some writers (pkts'
     * cool.pcap) label raw IP as NULL: a first octet 0x45-0x4F or 0x6X with no known family is read as raw IP.
     */
    private MalformedReason loopback(int linkType) {
        if (captured < LinkHeaderFlyweight.LOOPBACK_LENGTH) {
            return MalformedReason.TRUNCATED_LINK_HEADER;
        }
        linkHeader.wrap(segment, frameOffset, captured);
        int family = linkHeader.familyBigEndian();
        if (linkType == LinkType.NULL && (family & 0xFFFF0000) != 0) {
            family = Integer.reverseBytes(family);
        }
        switch (family) {
            case 2 -> {
                return ip(LinkHeaderFlyweight.LOOPBACK_LENGTH, 4, false);
            }
            case 10, 24, 28, 30 -> {
                return ip(LinkHeaderFlyweight.LOOPBACK_LENGTH, 6, false);
            }
            default -> {
                int first = linkHeader.u8(0);
                if (linkType == LinkType.NULL && ((first >= 0x45 && first <= 0x4F) || (first >>> 4) == 6)) {
                    return ip(0, 0, false);
                }
                return MalformedReason.UNKNOWN_ETHERTYPE;
            }
        }
    }

    /** Walks VLAN tags, MPLS and PPPoE from the ethertype found before {@code at}, then decodes the IP packet. */
    private MalformedReason etherType(int type, int at) {
        int etherType = type;
        int pos = at;
        while (EthernetFlyweight.isVlanTag(etherType)) {
            if (pos + EthernetFlyweight.TAG_LENGTH > captured) {
                return MalformedReason.TRUNCATED_LINK_HEADER;
            }
            // one read per tag: the TCI (VLAN id in its low 12 bits), then the next ethertype
            int tag = ethernet.i32(pos);
            int vlanId = (tag >>> 16) & 0x0FFF;
            if (out.vlanDepth == 0) {
                out.outerVlan = vlanId;
            }
            out.innerVlan = vlanId;
            out.vlanDepth++;
            etherType = tag & 0xFFFF;
            pos += EthernetFlyweight.TAG_LENGTH;
        }
        switch (etherType) {
            case EthernetFlyweight.IPV4 -> {
                return ip(pos, 4, false);
            }
            case EthernetFlyweight.IPV6 -> {
                return ip(pos, 6, false);
            }
            case EthernetFlyweight.MPLS_UNICAST, EthernetFlyweight.MPLS_MULTICAST -> {
                return mpls(pos);
            }
            case EthernetFlyweight.PPPOE_SESSION -> {
                if (pos + EthernetFlyweight.PPPOE_LENGTH > captured) {
                    return MalformedReason.TRUNCATED_LINK_HEADER;
                }
                int ppp = ethernet.pppProtocolAt(pos);
                if (ppp == EthernetFlyweight.PPP_IPV4) {
                    return ip(pos + EthernetFlyweight.PPPOE_LENGTH, 4, false);
                }
                if (ppp == EthernetFlyweight.PPP_IPV6) {
                    return ip(pos + EthernetFlyweight.PPPOE_LENGTH, 6, false);
                }
                return MalformedReason.UNKNOWN_ETHERTYPE;
            }
            default -> {
                return MalformedReason.UNKNOWN_ETHERTYPE;
            }
        }
    }

    /** Pops the MPLS label stack; the payload's first nibble says IPv4 or IPv6 (anything else is not IP). */
    private MalformedReason mpls(int at) {
        int pos = at;
        while (true) {
            if (pos + EthernetFlyweight.MPLS_ENTRY_LENGTH > captured) {
                return MalformedReason.TRUNCATED_LINK_HEADER;
            }
            boolean bottom = ethernet.mplsBottomAt(pos);
            pos += EthernetFlyweight.MPLS_ENTRY_LENGTH;
            if (bottom) {
                break;
            }
        }
        if (pos >= captured) {
            return MalformedReason.TRUNCATED_IP_HEADER;
        }
        int version = ethernet.u8(pos) >>> 4;
        if (version == 4 || version == 6) {
            return ip(pos, version, false);
        }
        return MalformedReason.UNKNOWN_ETHERTYPE;
    }

    /**
     * Decodes the IP packet at frame offset {@code at}: {@code expectedVersion} 4 or 6 from the link layer, 0 when
     * the first nibble decides. The packet must end by frame offset {@code wireEnd}: the original frame length for
     * the outer packet, the end of the GTP-U message for an inner one.
     */
    private MalformedReason ip(int at, int expectedVersion, boolean inner) {
        return ip(at, expectedVersion, inner, wire);
    }

    private MalformedReason ip(int at, int expectedVersion, boolean inner, int wireEnd) {
        int capturedAvailable = captured - at;
        int wireAvailable = wireEnd - at;
        if (capturedAvailable < 1) {
            return MalformedReason.TRUNCATED_IP_HEADER;
        }
        int version = segment.get(java.lang.foreign.ValueLayout.JAVA_BYTE, frameOffset + at) >>> 4 & 0x0F;
        if ((version != 4 && version != 6) || (expectedVersion != 0 && version != expectedVersion)) {
            return MalformedReason.BAD_IP_VERSION;
        }
        MalformedReason reason =
                version == 4 ? ipv4(at, capturedAvailable, wireAvailable) : ipv6(at, capturedAvailable, wireAvailable);
        if (reason != MalformedReason.NONE) {
            return reason;
        }
        transport(at);
        if (!inner
                && decodeGtpu
                && out.protocol == TransportFlyweight.UDP
                && out.hasPorts
                && (out.srcPort == gtpuPort || out.dstPort == gtpuPort)) {
            return gtp();
        }
        return MalformedReason.NONE;
    }

    private MalformedReason ipv4(int at, int capturedAvailable, int wireAvailable) {
        if (capturedAvailable < Ipv4Flyweight.MIN_HEADER_LENGTH) {
            return MalformedReason.TRUNCATED_IP_HEADER;
        }
        ipv4.wrap(segment, frameOffset + at, capturedAvailable);
        // the fixed header in three reads: version/IHL/TOS/total length/id/flags/offset, TTL/protocol/checksum/source,
        // destination
        long words01 = ipv4.i64(0);
        int word0 = (int) (words01 >>> 32);
        int headerLength = ((word0 >>> 24) & 0x0F) * 4;
        if (headerLength < Ipv4Flyweight.MIN_HEADER_LENGTH || headerLength > capturedAvailable) {
            return MalformedReason.BAD_IHL;
        }
        int totalLength = word0 & 0xFFFF;
        if (totalLength < headerLength) {
            return MalformedReason.IP_LENGTH_SHORTER_THAN_HEADER;
        }
        if (totalLength > wireAvailable) {
            return MalformedReason.IP_LENGTH_EXCEEDS_FRAME;
        }
        int flagsAndOffset = (int) words01 & 0xFFFF;
        int fragmentOffset = flagsAndOffset & 0x1FFF;
        out.ipVersion = 4;
        long words23 = ipv4.i64(8);
        out.srcV4 = (int) words23;
        out.dstV4 = ipv4.destination();
        out.srcHi = 0;
        out.srcLo = 0;
        out.dstHi = 0;
        out.dstLo = 0;
        out.ipLength = totalLength;
        out.protocol = (int) (words23 >>> 48) & 0xFF;
        out.fragment = fragmentOffset != 0 || (flagsAndOffset & 0x2000) != 0;
        laterFragment = fragmentOffset != 0;
        upperAt = at + headerLength;
        upperCaptured = Math.min(capturedAvailable, totalLength) - headerLength;
        upperWire = totalLength - headerLength;
        return MalformedReason.NONE;
    }

    private MalformedReason ipv6(int at, int capturedAvailable, int wireAvailable) {
        if (capturedAvailable < Ipv6Flyweight.HEADER_LENGTH) {
            return MalformedReason.TRUNCATED_IP_HEADER;
        }
        ipv6.wrap(segment, frameOffset + at, capturedAvailable);
        int payloadLength = ipv6.payloadLength();
        int nextHeader = ipv6.nextHeader();
        if (payloadLength == 0 && nextHeader == Ipv6Flyweight.HOP_BY_HOP && hasJumboOption(capturedAvailable)) {
            return MalformedReason.UNSUPPORTED_JUMBOGRAM;
        }
        int totalLength = Ipv6Flyweight.HEADER_LENGTH + payloadLength;
        if (totalLength > wireAvailable) {
            return MalformedReason.IP_LENGTH_EXCEEDS_FRAME;
        }
        out.ipVersion = 6;
        out.srcV4 = 0;
        out.dstV4 = 0;
        out.srcHi = ipv6.sourceHigh();
        out.srcLo = ipv6.sourceLow();
        out.dstHi = ipv6.destinationHigh();
        out.dstLo = ipv6.destinationLow();
        out.ipLength = totalLength;
        out.fragment = false;
        laterFragment = false;
        int limitCaptured = Math.min(capturedAvailable, totalLength);
        int pos = Ipv6Flyweight.HEADER_LENGTH;
        for (int count = 0; ; count++) {
            if (count > MAX_IPV6_EXTENSIONS) {
                return MalformedReason.BAD_IPV6_EXTENSION;
            }
            int length;
            switch (nextHeader) {
                case Ipv6Flyweight.HOP_BY_HOP, Ipv6Flyweight.ROUTING, Ipv6Flyweight.DESTINATION_OPTIONS -> {
                    if (nextHeader == Ipv6Flyweight.HOP_BY_HOP && count != 0) {
                        return MalformedReason.BAD_IPV6_EXTENSION;
                    }
                    if (pos + 2 > totalLength) {
                        return MalformedReason.BAD_IPV6_EXTENSION;
                    }
                    if (pos + 2 > limitCaptured) {
                        return chainCutBySnaplen(at, pos, limitCaptured, totalLength);
                    }
                    length = (ipv6.u8(pos + 1) + 1) * 8;
                }
                case Ipv6Flyweight.AH -> {
                    if (pos + 2 > totalLength) {
                        return MalformedReason.BAD_IPV6_EXTENSION;
                    }
                    if (pos + 2 > limitCaptured) {
                        return chainCutBySnaplen(at, pos, limitCaptured, totalLength);
                    }
                    length = (ipv6.u8(pos + 1) + 2) * 4;
                }
                case Ipv6Flyweight.FRAGMENT -> {
                    if (pos + 8 > totalLength) {
                        return MalformedReason.BAD_IPV6_EXTENSION;
                    }
                    if (pos + 8 > limitCaptured) {
                        out.fragment = true;
                        return chainCutBySnaplen(at, pos, limitCaptured, totalLength);
                    }
                    out.fragment = true;
                    if ((ipv6.u16(pos + 2) >>> 3) != 0) {
                        laterFragment = true;
                    }
                    length = 8;
                }
                default -> {
                    // upper layer, ESP (50) or no next header (59): the chain ends here
                    out.protocol = nextHeader;
                    upperAt = at + pos;
                    upperCaptured = limitCaptured - pos;
                    upperWire = totalLength - pos;
                    return MalformedReason.NONE;
                }
            }
            if (pos + length > totalLength) {
                return MalformedReason.BAD_IPV6_EXTENSION;
            }
            nextHeader = ipv6.u8(pos);
            pos += length;
        }
    }

    /** The snaplen cut the extension chain: the packet is charged, its upper layer is unknown. */
    private MalformedReason chainCutBySnaplen(int at, int pos, int limitCaptured, int totalLength) {
        out.protocol = -1;
        laterFragment = true;
        upperAt = at + pos;
        upperCaptured = Math.max(0, limitCaptured - pos);
        upperWire = totalLength - pos;
        return MalformedReason.NONE;
    }

    /** Whether the hop-by-hop header right after the fixed header carries a Jumbo Payload option. */
    private boolean hasJumboOption(int capturedAvailable) {
        int pos = Ipv6Flyweight.HEADER_LENGTH;
        if (pos + 2 > capturedAvailable) {
            return false;
        }
        int end = Math.min(capturedAvailable, pos + (ipv6.u8(pos + 1) + 1) * 8);
        for (int p = pos + 2; p < end; ) {
            int type = ipv6.u8(p);
            if (type == Ipv6Flyweight.JUMBO_PAYLOAD_OPTION) {
                return true;
            }
            if (type == 0 || p + 1 >= end) {
                p++;
            } else {
                p += 2 + ipv6.u8(p + 1);
            }
        }
        return false;
    }

    /** Fills ports, flags, ICMP type/code and the payload window from the upper layer, when captured. */
    private void transport(int at) {
        out.hasPorts = false;
        out.srcPort = 0;
        out.dstPort = 0;
        out.tcpFlags = 0;
        out.icmpType = -1;
        out.icmpCode = -1;
        // a header skipped by its wire length may end beyond the capture: the payload window is then empty
        out.payloadOffset = frameOffset + Math.min(upperAt, captured);
        out.payloadCapturedLength = Math.max(0, upperCaptured);
        if (laterFragment) {
            return;
        }
        transport.wrap(segment, frameOffset + upperAt, Math.max(0, upperCaptured));
        int headerLength;
        switch (out.protocol) {
            case TransportFlyweight.TCP -> {
                if (upperCaptured < TransportFlyweight.TCP_MIN_HEADER) {
                    return;
                }
                // data offset and flags in one read
                int offsetAndFlags = transport.u16(12);
                out.tcpFlags = offsetAndFlags & 0xFF;
                headerLength = Math.max(TransportFlyweight.TCP_MIN_HEADER, (offsetAndFlags >>> 12) * 4);
                ports();
            }
            case TransportFlyweight.UDP -> {
                if (upperCaptured < TransportFlyweight.UDP_HEADER) {
                    return;
                }
                headerLength = TransportFlyweight.UDP_HEADER;
                ports();
            }
            case TransportFlyweight.SCTP -> {
                if (upperCaptured < TransportFlyweight.SCTP_HEADER) {
                    return;
                }
                headerLength = TransportFlyweight.SCTP_HEADER;
                ports();
            }
            case TransportFlyweight.ICMP, TransportFlyweight.ICMPV6 -> {
                if (upperCaptured < 2) {
                    return;
                }
                out.icmpType = transport.icmpType();
                out.icmpCode = transport.icmpCode();
                headerLength = TransportFlyweight.ICMP_HEADER;
            }
            default -> {
                return;
            }
        }
        int payloadCaptured = upperCaptured - headerLength;
        out.payloadOffset = frameOffset + upperAt + Math.min(headerLength, upperCaptured);
        out.payloadCapturedLength = Math.max(0, payloadCaptured);
    }

    private void ports() {
        int ports = transport.i32(0);
        out.hasPorts = true;
        out.srcPort = ports >>> 16;
        out.dstPort = ports & 0xFFFF;
    }

    /**
     * Unwraps a GTP-U message on the GTP-U port; the outer UDP header starts at {@link #upperAt}. A G-PDU's inner IP
     * packet replaces the outer one in {@link #out}.
     */
    private MalformedReason gtp() {
        int udpAt = upperAt;
        int gtpAt = udpAt + TransportFlyweight.UDP_HEADER;
        int udpLength = transport.udpLength();
        // a first fragment carries only part of the UDP datagram: the UDP length is the bound then
        int udpWire = udpLength >= TransportFlyweight.UDP_HEADER
                ? (out.fragment ? udpLength : Math.min(udpLength, upperWire))
                : upperWire;
        int gtpWireEnd = udpAt + udpWire;
        int gtpCapturedEnd = udpAt + upperCaptured;
        int tunnelSrc = out.srcV4;
        int tunnelDst = out.dstV4;
        if (gtpAt + GtpuFlyweight.MANDATORY_LENGTH > gtpCapturedEnd) {
            return gtpAt + GtpuFlyweight.MANDATORY_LENGTH <= gtpWireEnd
                    ? MalformedReason.TRUNCATED_TUNNEL
                    : MalformedReason.BAD_GTP;
        }
        gtpu.wrap(segment, frameOffset + gtpAt, gtpCapturedEnd - gtpAt);
        // the mandatory header in one read: flags, message type, length, TEID
        long header = gtpu.i64(0);
        int flags = (int) (header >>> 56) & 0xFF;
        if ((flags >>> 5) != 1 || (flags & 0x10) == 0) {
            return MalformedReason.BAD_GTP;
        }
        int messageEnd = gtpAt + GtpuFlyweight.MANDATORY_LENGTH + ((int) (header >>> 32) & 0xFFFF);
        if (messageEnd > gtpWireEnd) {
            return MalformedReason.BAD_GTP;
        }
        out.teid = header & 0xFFFF_FFFFL;
        out.tunnelSrcV4 = tunnelSrc;
        out.tunnelDstV4 = tunnelDst;
        if (((int) (header >>> 48) & 0xFF) != GtpuFlyweight.G_PDU) {
            return MalformedReason.GTP_NOT_GPDU;
        }
        int innerAt = gtpAt + GtpuFlyweight.MANDATORY_LENGTH;
        if ((flags & 0x07) != 0) {
            innerAt += GtpuFlyweight.OPTIONAL_LENGTH;
            if (innerAt > messageEnd) {
                return MalformedReason.BAD_GTP;
            }
            if (innerAt > gtpCapturedEnd) {
                return MalformedReason.TRUNCATED_TUNNEL;
            }
            int next = (flags & 0x04) != 0 ? gtpu.nextExtensionType() : 0;
            for (int count = 0; next != 0; count++) {
                if (count >= MAX_GTP_EXTENSIONS || innerAt + 1 > messageEnd) {
                    return MalformedReason.BAD_GTP;
                }
                if (innerAt + 1 > gtpCapturedEnd) {
                    return MalformedReason.TRUNCATED_TUNNEL;
                }
                int length = gtpu.u8(innerAt - gtpAt) * 4;
                if (length == 0 || innerAt + length > messageEnd) {
                    return MalformedReason.BAD_GTP;
                }
                if (innerAt + length > gtpCapturedEnd) {
                    return MalformedReason.TRUNCATED_TUNNEL;
                }
                next = gtpu.u8(innerAt - gtpAt + length - 1);
                innerAt += length;
            }
        }
        out.gtp = true;
        out.fragment = false;
        int innerCapturedEnd = Math.min(captured, gtpCapturedEnd);
        int savedCaptured = captured;
        captured = innerCapturedEnd;
        MalformedReason inner = ip(innerAt, 0, true, messageEnd);
        captured = savedCaptured;
        if (inner == MalformedReason.NONE) {
            return MalformedReason.NONE;
        }
        if ((inner == MalformedReason.TRUNCATED_IP_HEADER || inner == MalformedReason.BAD_IHL)
                && innerCapturedEnd < messageEnd) {
            return MalformedReason.TRUNCATED_TUNNEL;
        }
        return MalformedReason.BAD_INNER_PACKET;
    }
}

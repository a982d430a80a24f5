package io.chargeflow.packet;

/**
 * The result of decoding one frame: a reusable, mutable holder of primitives, filled by {@link PacketDecoder} and
 * read by the flow manager. One instance per reader thread, reset by every decode; nothing here allocates.
 *
 * <p>Addresses are those of the innermost IP packet (the subscriber packet inside GTP-U). IPv4 addresses are
 * {@code int}s in network order read as big-endian (10.0.0.1 is {@code 0x0A000001}); IPv6 addresses are two
 * {@code long}s each, high 64 bits first. {@link #ipLength} is the number of bytes charged: the IPv4 total length or
 * 40 plus the IPv6 payload length of the innermost packet.
 */
public final class DecodedPacket {
    /** Link type of the frame. */
    public int linkType;
    /** pcapng interface id of the frame (0 for classic pcap). */
    public int interfaceId;

    /**
     * The kernel's interface index a Linux cooked v2 header names (what a capture on {@code any} gives). Valid only
     * when {@link #linkType} is {@link LinkType#LINUX_SLL2}: written for those frames alone, so that decoding every
     * other frame costs nothing for it.
     */
    public int linkInterfaceIndex;

    /** Outermost VLAN id, or -1 when the frame carries no tag. */
    public int outerVlan;
    /** Innermost VLAN id, or -1 when the frame carries no tag (equal to outerVlan with one tag). */
    public int innerVlan;
    /** Number of 802.1Q / 802.1ad tags. */
    public int vlanDepth;

    /** Whether the charged packet was carried inside GTP-U (a G-PDU). */
    public boolean gtp;
    /** GTP-U tunnel endpoint identifier (unsigned 32 bits) when {@link #gtp}. */
    public long teid;
    /** Outer (transport) IPv4 source and destination of a GTP-U packet over IPv4, else 0. */
    public int tunnelSrcV4;

    public int tunnelDstV4;

    /** 4 or 6 for the charged (innermost) packet. */
    public int ipVersion;

    public int srcV4;
    public int dstV4;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    /** Bytes charged: IP-layer length of the innermost packet. */
    public int ipLength;
    /** Upper-layer protocol after the IPv6 extension chain (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, 132 SCTP...). */
    public int protocol;
    /** Whether the innermost packet is a fragment (IPv4 MF or offset, or an IPv6 Fragment header). */
    public boolean fragment;
    /** Whether ports were read: a first (or only) fragment whose transport header was captured. */
    public boolean hasPorts;

    public int srcPort;
    public int dstPort;
    /** TCP flags (low 8 bits) when protocol is TCP and the header was captured, else 0. */
    public int tcpFlags;
    /** ICMP/ICMPv6 type and code when captured, else -1. */
    public int icmpType;

    public int icmpCode;

    /** Absolute offset (in the frame's segment) of the transport payload, and how many payload bytes were
     *  captured; for classifiers that look into the first bytes (TLS SNI, HTTP Host, DNS). */
    public long payloadOffset;

    public int payloadCapturedLength;

    /** True when the snaplen cut this frame (captured length below original length). */
    public boolean truncatedBySnaplen;

    /** Clears every field; called by the decoder before it fills them. */
    public void reset() {
        linkType = 0;
        interfaceId = 0;
        outerVlan = -1;
        innerVlan = -1;
        vlanDepth = 0;
        gtp = false;
        teid = 0;
        tunnelSrcV4 = 0;
        tunnelDstV4 = 0;
        ipVersion = 0;
        srcV4 = 0;
        dstV4 = 0;
        srcHi = 0;
        srcLo = 0;
        dstHi = 0;
        dstLo = 0;
        ipLength = 0;
        protocol = -1;
        fragment = false;
        hasPorts = false;
        srcPort = 0;
        dstPort = 0;
        tcpFlags = 0;
        icmpType = -1;
        icmpCode = -1;
        payloadOffset = 0;
        payloadCapturedLength = 0;
        truncatedBySnaplen = false;
    }
}

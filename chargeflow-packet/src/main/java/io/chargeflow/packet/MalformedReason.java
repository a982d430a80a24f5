package io.chargeflow.packet;

/**
 * Why a frame was not charged. Frames with one of these reasons are counted by reason and never charged; the
 * ordinal indexes preallocated counters, so values are only ever appended.
 */
public enum MalformedReason {
    /** Not malformed: the frame decoded to an IP packet that can be charged. */
    NONE,
    /** The link type of the interface is not one chargeflow decodes. */
    UNSUPPORTED_LINK_TYPE,
    /** The captured frame ends inside the link-layer header (Ethernet, VLAN tags, SLL, loopback). */
    TRUNCATED_LINK_HEADER,
    /** The ethertype (or SLL protocol, loopback family) after all tags is not IPv4 or IPv6. */
    UNKNOWN_ETHERTYPE,
    /** The IP version nibble disagrees with the link layer's ethertype or is neither 4 nor 6. */
    BAD_IP_VERSION,
    /** The captured frame ends inside the fixed IPv4 or IPv6 header. */
    TRUNCATED_IP_HEADER,
    /** IPv4 IHL below 5 or pointing past the captured header. */
    BAD_IHL,
    /** The IP total length is smaller than the IP header. */
    IP_LENGTH_SHORTER_THAN_HEADER,
    /** The IP total length is larger than what the frame carried on the wire (original length). */
    IP_LENGTH_EXCEEDS_FRAME,
    /** An IPv6 extension header chain that runs past the packet or loops. */
    BAD_IPV6_EXTENSION,
    /** A GTP-U header that is malformed: wrong version, bad length, bad extension header chain. */
    BAD_GTP,
    /** The snaplen cut the frame inside a tunnel header, so the subscriber packet inside cannot be seen. */
    TRUNCATED_TUNNEL,
    /** The inner packet of a tunnel is itself malformed (bad inner IP header or length). */
    BAD_INNER_PACKET,
    /** IPv6 jumbogram (payload length 0 with a Jumbo Payload option): not charged. */
    UNSUPPORTED_JUMBOGRAM,
    /**
     * Not malformed but not charged: a GTP-U message other than a G-PDU (echo request/response, error indication,
     * supported extension headers notification, end marker). It is path signalling between tunnel endpoints, not
     * subscriber traffic; the TEID and tunnel addresses are filled, {@link DecodedPacket#gtp} stays false.
     */
    GTP_NOT_GPDU;

    private static final MalformedReason[] VALUES = values();

    public static MalformedReason of(int ordinal) {
        return VALUES[ordinal];
    }

    /** The counter name, lower-case with dashes: {@code ip-length-exceeds-frame}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}

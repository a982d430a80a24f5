package io.chargeflow.packet;

/**
 * The first bytes of a transport header: ports for TCP, UDP and SCTP, flags and data offset for TCP, type and code
 * for ICMP and ICMPv6.
 *
 * <pre>
 *  TCP (RFC 9293)                         UDP (RFC 768)          SCTP common header (RFC 9260)
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |   (TCP, UDP, SCTP alike)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | TCP: sequence number | UDP: length, checksum | SCTP: tag      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | TCP: acknowledgment number | SCTP: checksum                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | TCP: Data Offset | Rsrvd |  flags (CWR..FIN)  |    Window      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  ICMP / ICMPv6: Type (8) | Code (8) | Checksum (16) | rest of header (32)
 * </pre>
 */
final class TransportFlyweight extends Flyweight {
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMP = 1;
    static final int ICMPV6 = 58;
    static final int SCTP = 132;
    static final int TCP_MIN_HEADER = 20;
    static final int UDP_HEADER = 8;
    static final int SCTP_HEADER = 12;
    static final int ICMP_HEADER = 8;

    int udpLength() {
        return u16(4);
    }

    int icmpType() {
        return u8(0);
    }

    int icmpCode() {
        return u8(1);
    }
}

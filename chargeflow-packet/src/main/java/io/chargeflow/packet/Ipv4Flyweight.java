package io.chargeflow.packet;

/**
 * IPv4 header (RFC 791).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
final class Ipv4Flyweight extends Flyweight {
    static final int MIN_HEADER_LENGTH = 20;

    int version() {
        return u8(0) >>> 4;
    }

    /** Header length in bytes (IHL times 4). */
    int headerLength() {
        return (u8(0) & 0x0F) * 4;
    }

    int totalLength() {
        return u16(2);
    }

    boolean moreFragments() {
        return (u16(6) & 0x2000) != 0;
    }

    /** Fragment offset in 8-byte units. */
    int fragmentOffset() {
        return u16(6) & 0x1FFF;
    }

    int protocol() {
        return u8(9);
    }

    int source() {
        return i32(12);
    }

    int destination() {
        return i32(16);
    }
}

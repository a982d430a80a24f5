package io.chargeflow.packet;

/**
 * IPv6 fixed header (RFC 8200) and the extension headers walked after it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Source Address (128 bits)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Destination Address (128 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  Extension header: Next Header | Hdr Ext Len | ...   length (Hdr Ext Len + 1) * 8,
 *  AH (51): (Payload Len + 2) * 4; Fragment (44): 8 bytes,
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
final class Ipv6Flyweight extends Flyweight {
    static final int HEADER_LENGTH = 40;
    static final int HOP_BY_HOP = 0;
    static final int ROUTING = 43;
    static final int FRAGMENT = 44;
    static final int ESP = 50;
    static final int AH = 51;
    static final int NO_NEXT_HEADER = 59;
    static final int DESTINATION_OPTIONS = 60;
    static final int JUMBO_PAYLOAD_OPTION = 0xC2;

    int payloadLength() {
        return u16(4);
    }

    int nextHeader() {
        return u8(6);
    }

    long sourceHigh() {
        return i64(8);
    }

    long sourceLow() {
        return i64(16);
    }

    long destinationHigh() {
        return i64(24);
    }

    long destinationLow() {
        return i64(32);
    }
}

package io.chargeflow.packet;

/**
 * Ethernet II header and the tags that may follow it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 destination MAC (6 octets) ...                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ... destination      |      source MAC (6 octets) ...    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   ... source                                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      ethertype / TPID         |  802.1Q/ad tag: PCP|DEI| VID   |  (tag repeats: TPID 8100, 88a8, 9100)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      inner ethertype          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  MPLS label stack entry (ethertype 8847/8848), repeated until S = 1:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                label (20)             | TC  |S|     TTL       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  PPPoE session (ethertype 8864): ver|type, code, session id, length, then the PPP protocol (0021 IPv4, 0057 IPv6)
 * </pre>
 */
final class EthernetFlyweight extends Flyweight {
    static final int HEADER_LENGTH = 14;
    static final int ETHERTYPE_OFFSET = 12;
    static final int TAG_LENGTH = 4;
    static final int MPLS_ENTRY_LENGTH = 4;
    static final int PPPOE_LENGTH = 8;

    static final int IPV4 = 0x0800;
    static final int IPV6 = 0x86DD;
    static final int VLAN = 0x8100;
    static final int QINQ = 0x88A8;
    static final int QINQ_OLD = 0x9100;
    static final int MPLS_UNICAST = 0x8847;
    static final int MPLS_MULTICAST = 0x8848;
    static final int PPPOE_SESSION = 0x8864;
    static final int PPP_IPV4 = 0x0021;
    static final int PPP_IPV6 = 0x0057;

    static boolean isVlanTag(int etherType) {
        return etherType == VLAN || etherType == QINQ || etherType == QINQ_OLD;
    }

    /** The ethertype (or TPID) at {@code at}. */
    int etherTypeAt(int at) {
        return u16(at);
    }

    /** Whether the MPLS entry at {@code at} is the bottom of the stack. */
    boolean mplsBottomAt(int at) {
        return (u8(at + 2) & 0x01) != 0;
    }

    /** The PPP protocol of a PPPoE session header at {@code at}. */
    int pppProtocolAt(int at) {
        return u16(at + 6);
    }
}

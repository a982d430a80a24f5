package io.chargeflow.packet;

/**
 * The pseudo link headers of loopback and Linux cooked captures.
 *
 * <pre>
 *  BSD NULL (0) / OpenBSD LOOP (108): 4-octet address family (host order for NULL, network order for LOOP)
 *  Linux SLL (113), 16 octets:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Packet type           |        ARPHRD type            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Link-layer address length   |  Link-layer address (8) ...   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              ... address      |       Protocol type           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  Linux SLL2 (276), 20 octets:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Protocol type         |          Reserved             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Interface index                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         ARPHRD type           |  Packet type  | Address length|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Link-layer address (8 octets)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
final class LinkHeaderFlyweight extends Flyweight {
    static final int LOOPBACK_LENGTH = 4;
    static final int SLL_LENGTH = 16;
    static final int SLL2_LENGTH = 20;

    /** Address family of a NULL/LOOP header read as big-endian. */
    int familyBigEndian() {
        return i32(0);
    }

    int sllProtocol() {
        return u16(14);
    }

    int sll2Protocol() {
        return u16(0);
    }

    /** SLL2: the interface index, signed as the kernel's {@code int}. */
    int sll2InterfaceIndex() {
        return i32(4);
    }
}

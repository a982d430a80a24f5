package io.chargeflow.packet;

/**
 * The libpcap link-layer header types (LINKTYPE_* values of the tcpdump.org registry) that chargeflow decodes.
 * Plain constants, because they arrive as ints from capture headers and are compared on the hot path.
 */
public final class LinkType {
    /** BSD loopback: a 4-byte address family in host byte order, then the IP packet. */
    public static final int NULL = 0;
    /** Ethernet II with optional 802.1Q / 802.1ad tags. */
    public static final int ETHERNET = 1;
    /** Raw IP, version taken from the first nibble (LINKTYPE_RAW). */
    public static final int RAW = 101;
    /** OpenBSD loopback: 4-byte address family in network byte order. */
    public static final int LOOP = 108;
    /** Linux cooked capture v1 (16-byte header). */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4. */
    public static final int IPV4 = 228;
    /** Raw IPv6. */
    public static final int IPV6 = 229;
    /** Linux cooked capture v2 (20-byte header). */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {}

    /** Whether {@link PacketDecoder} understands frames of this link type. */
    public static boolean isSupported(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, RAW, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }

    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "NULL";
            case ETHERNET -> "ETHERNET";
            case RAW -> "RAW";
            case LOOP -> "LOOP";
            case LINUX_SLL -> "LINUX_SLL";
            case IPV4 -> "IPV4";
            case IPV6 -> "IPV6";
            case LINUX_SLL2 -> "LINUX_SLL2";
            default -> "LINKTYPE_" + linkType;
        };
    }
}

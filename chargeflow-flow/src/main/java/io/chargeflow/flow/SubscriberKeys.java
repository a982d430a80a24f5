package io.chargeflow.flow;

import io.chargeflow.packet.AddressFormat;

/**
 * Subscriber keys: 128 bits ({@code hi}, {@code lo}) that name the holder of an IPv4 address or an IPv6 prefix.
 *
 * <p>IPv4 addresses are kept in IPv4-mapped form ({@code ::ffff:a.b.c.d}: {@code hi = 0},
 * {@code lo = 0x0000_FFFF_0000_0000L | address}), IPv6 addresses are masked to the configured prefix length (a UE
 * owns a /64 by default). Pure functions, called on the reader thread per packet; nothing allocates but
 * {@link #format}.
 */
public final class SubscriberKeys {
    /** The {@code lo} bits that mark an IPv4-mapped key. */
    public static final long IPV4_MAPPED = 0x0000_FFFF_0000_0000L;

    private SubscriberKeys() {}

    /** {@code lo} of the key of IPv4 address {@code address} ({@code hi} is 0). */
    public static long ipv4Lo(int address) {
        return IPV4_MAPPED | (address & 0xFFFF_FFFFL);
    }

    /** Whether the key ({@code hi}, {@code lo}) is an IPv4 key. */
    public static boolean isIpv4(long hi, long lo) {
        return hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == IPV4_MAPPED;
    }

    /** The high 64 bits of an IPv6 address masked to {@code prefixLength} (1..128). */
    public static long maskHi(long hi, int prefixLength) {
        if (prefixLength >= 64) {
            return hi;
        }
        return prefixLength <= 0 ? 0 : hi & (-1L << (64 - prefixLength));
    }

    /** The low 64 bits of an IPv6 address masked to {@code prefixLength} (1..128). */
    public static long maskLo(long lo, int prefixLength) {
        if (prefixLength <= 64) {
            return 0;
        }
        return prefixLength >= 128 ? lo : lo & (-1L << (128 - prefixLength));
    }

    /** A well-mixed 64-bit hash of a key; stable across runs and JVMs (it picks the processor). */
    public static long hash(long hi, long lo) {
        long h = (hi ^ (lo * 0x9E37_79B9_7F4A_7C15L)) * 0xBF58_476D_1CE4_E5B9L;
        h ^= h >>> 31;
        h *= 0x94D0_49BB_1331_11EBL;
        return h ^ (h >>> 29);
    }

    /** The processor (0..processors-1) that owns the key: a stable hash, range-reduced without division. */
    public static int processorOf(long hi, long lo, int processors) {
        return (int) (((hash(hi, lo) >>> 32) * processors) >>> 32);
    }

    /** Text form for reports: {@code 10.0.0.1}, {@code 2001:db8:1:2::/64}, or the bare IPv6 address at /128. */
    public static String format(long hi, long lo, int ipv6PrefixLength) {
        if (isIpv4(hi, lo)) {
            return AddressFormat.ipv4((int) lo);
        }
        return AddressFormat.ipv6Prefix(hi, lo, ipv6PrefixLength);
    }
}

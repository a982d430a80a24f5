package io.chargeflow.subscriber;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The key an IP binding is stored and looked up under: 128 bits with IPv4 addresses in IPv4-mapped form
 * ({@code hi = 0}, {@code lo = 0x0000_FFFF_0000_0000L | address}, prefix length 128) and IPv6 prefixes masked to
 * their length. The same layout as the flow side's subscriber keys, so a processor's key is used as it is.
 * Control-plane value (parsing, printing, RADIUS decoding); the lookup path uses the static helpers, which do not
 * allocate. Any thread.
 *
 * @param hi high 64 bits
 * @param lo low 64 bits
 * @param prefixLength 128 for an IPv4 address, 1..128 for an IPv6 prefix
 */
public record BindingKey(long hi, long lo, int prefixLength) {
    /** The {@code lo} bits that mark an IPv4-mapped key. */
    public static final long IPV4_MAPPED = 0x0000_FFFF_0000_0000L;

    /** Validates and masks: IPv4-mapped keys always get length 128, IPv6 bits beyond the length must be zero. */
    public BindingKey {
        if (prefixLength < 1 || prefixLength > 128) {
            throw new IllegalArgumentException("prefixLength=" + prefixLength + " must be 1..128");
        }
        if (isIpv4(hi, lo)) {
            prefixLength = 128;
        } else if (maskHi(hi, prefixLength) != hi || maskLo(lo, prefixLength) != lo) {
            throw new IllegalArgumentException("key has bits set beyond prefixLength=" + prefixLength);
        }
    }

    /** The key of IPv4 address {@code address} (network order in an int). */
    public static BindingKey ipv4(int address) {
        return new BindingKey(0, ipv4Lo(address), 128);
    }

    /** The key of an IPv6 prefix; the address is masked to {@code prefixLength}. */
    public static BindingKey ipv6(long hi, long lo, int prefixLength) {
        return new BindingKey(maskHi(hi, prefixLength), maskLo(lo, prefixLength), prefixLength);
    }

    /** {@code lo} of the key of an IPv4 address. */
    public static long ipv4Lo(int address) {
        return IPV4_MAPPED | (address & 0xFFFF_FFFFL);
    }

    /** Whether ({@code hi}, {@code lo}) is an IPv4-mapped key. */
    public static boolean isIpv4(long hi, long lo) {
        return hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == IPV4_MAPPED;
    }

    /**
     * The prefix length a key is stored under: 128 for IPv4-mapped keys whatever the caller passed (processors pass
     * their IPv6 length for every key), otherwise {@code prefixLength}.
     */
    public static int storedPrefixLength(long hi, long lo, int prefixLength) {
        return isIpv4(hi, lo) ? 128 : prefixLength;
    }

    /** The high 64 bits masked to {@code prefixLength}. */
    public static long maskHi(long hi, int prefixLength) {
        if (prefixLength >= 64) {
            return hi;
        }
        return prefixLength <= 0 ? 0 : hi & (-1L << (64 - prefixLength));
    }

    /** The low 64 bits masked to {@code prefixLength}. */
    public static long maskLo(long lo, int prefixLength) {
        if (prefixLength <= 64) {
            return 0;
        }
        return prefixLength >= 128 ? lo : lo & (-1L << (128 - prefixLength));
    }

    /**
     * Parses {@code 10.0.0.1}, {@code 2001:db8::/56}, or a bare IPv6 address (taken at
     * {@code defaultIpv6PrefixLength}, its bits beyond the length masked off). Literals only, never DNS.
     *
     * @throws IllegalArgumentException with the offending text when it is not an address
     */
    public static BindingKey parse(String text, int defaultIpv6PrefixLength) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("address is empty");
        }
        String trimmed = text.strip();
        int slash = trimmed.indexOf('/');
        String literal = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("address=" + text + " is not an IPv4 or IPv6 literal", e);
        }
        int length = defaultIpv6PrefixLength;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("address=" + text + " has a bad prefix length", e);
            }
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            if (slash >= 0 && length != 32) {
                throw new IllegalArgumentException("address=" + text + ": IPv4 bindings are single addresses (/32)");
            }
            return ipv4(readInt(bytes, 0));
        }
        if (!(address instanceof Inet6Address) || length < 1 || length > 128) {
            throw new IllegalArgumentException("address=" + text + " has prefix length " + length + ", not 1..128");
        }
        return ipv6(readLong(bytes, 0), readLong(bytes, 8), length);
    }

    /** {@code 10.0.0.1} or {@code 2001:db8::/64} (RFC 5952 text from the JDK, compressed). */
    @Override
    public String toString() {
        if (isIpv4(hi, lo)) {
            int a = (int) lo;
            return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (hi >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        String text = compress(bytes);
        return text + "/" + prefixLength;
    }

    private static String compress(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xFF) << 8) | (bytes[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder(40);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    static int readInt(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 24)
                | ((bytes[offset + 1] & 0xFF) << 16)
                | ((bytes[offset + 2] & 0xFF) << 8)
                | (bytes[offset + 3] & 0xFF);
    }

    static long readLong(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xFF);
        }
        return value;
    }
}

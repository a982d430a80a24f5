package io.chargeflow.packet;

import java.nio.charset.StandardCharsets;

/**
 * Text forms of the primitive addresses chargeflow keeps: IPv4 dotted quad, IPv6 in RFC 5952 canonical form
 * (lower case, longest run of two or more zero groups compressed, the first when tied), prefixes as
 * {@code addr/len}. The {@code write} methods put the ASCII bytes into an array (reports of a hundred thousand rows
 * write them without a String per address); the String forms are made from them.
 */
public final class AddressFormat {
    /** The most bytes {@link #writeIpv4} writes. */
    public static final int IPV4_MAX = 15;
    /** The most bytes {@link #writeIpv6Prefix} writes: a full address, "/" and three digits. */
    public static final int IPV6_PREFIX_MAX = 39 + 4;

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private AddressFormat() {}

    /** 10.0.0.1 for {@code 0x0A000001}. */
    public static String ipv4(int address) {
        byte[] text = new byte[IPV4_MAX];
        return new String(text, 0, writeIpv4(address, text, 0), StandardCharsets.US_ASCII);
    }

    /** RFC 5952 text of the IPv6 address whose high and low 64 bits are given. */
    public static String ipv6(long hi, long lo) {
        return ipv6Prefix(hi, lo, 128);
    }

    /** {@code 2001:db8:1:2::/64}; the bare address when {@code prefixLength} is 128. */
    public static String ipv6Prefix(long hi, long lo, int prefixLength) {
        byte[] text = new byte[IPV6_PREFIX_MAX];
        return new String(text, 0, writeIpv6Prefix(hi, lo, prefixLength, text, 0), StandardCharsets.US_ASCII);
    }

    /** Writes the dotted quad at {@code to[at]} (room for {@link #IPV4_MAX} bytes); returns the end. */
    public static int writeIpv4(int address, byte[] to, int at) {
        int end = at;
        for (int shift = 24; shift >= 0; shift -= 8) {
            int octet = (address >>> shift) & 0xFF;
            if (octet >= 100) {
                to[end++] = (byte) ('0' + octet / 100);
            }
            if (octet >= 10) {
                to[end++] = (byte) ('0' + octet / 10 % 10);
            }
            to[end++] = (byte) ('0' + octet % 10);
            if (shift > 0) {
                to[end++] = '.';
            }
        }
        return end;
    }

    /**
     * Writes the RFC 5952 address, with {@code /prefixLength} unless it is 128 or more, at {@code to[at]} (room for
     * {@link #IPV6_PREFIX_MAX} bytes); returns the end.
     */
    public static int writeIpv6Prefix(long hi, long lo, int prefixLength, byte[] to, int at) {
        // the longest run of two or more zero groups (the first when tied) becomes "::"
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (group(hi, lo, i) != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && group(hi, lo, i) == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        int end = at;
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                to[end++] = ':';
                to[end++] = ':';
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && to[end - 1] != ':') {
                to[end++] = ':';
            }
            int g = group(hi, lo, i);
            for (int shift = 12; shift >= 0; shift -= 4) {
                if (g >>> shift != 0 || shift == 0) {
                    to[end++] = HEX[(g >>> shift) & 0xF];
                }
            }
        }
        if (prefixLength < 128) {
            to[end++] = '/';
            if (prefixLength >= 100) {
                to[end++] = '1';
            }
            if (prefixLength >= 10) {
                to[end++] = (byte) ('0' + prefixLength / 10 % 10);
            }
            to[end++] = (byte) ('0' + prefixLength % 10);
        }
        return end;
    }

    private static int group(long hi, long lo, int i) {
        return (int) ((i < 4 ? hi : lo) >>> (48 - 16 * (i & 3))) & 0xFFFF;
    }
}

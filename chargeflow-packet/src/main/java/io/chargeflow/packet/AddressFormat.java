package io.chargeflow.packet;

/**
 * Text forms of the primitive addresses chargeflow keeps: IPv4 dotted quad, IPv6 in RFC 5952 canonical form
 * (lower case, longest run of two or more zero groups compressed, the first when tied), prefixes as
 * {@code addr/len}. Control-plane only (reports, CSV): it allocates.
 */
public final class AddressFormat {
    private AddressFormat() {}

    /** 10.0.0.1 for {@code 0x0A000001}. */
    public static String ipv4(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "."
                + (address & 0xFF);
    }

    /** RFC 5952 text of the IPv6 address whose high and low 64 bits are given. */
    public static String ipv6(long hi, long lo) {
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            groups[4 + i] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        if (bestLength < 2) {
            bestStart = -1;
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** {@code 2001:db8:1:2::/64}; the bare address when {@code prefixLength} is 128. */
    public static String ipv6Prefix(long hi, long lo, int prefixLength) {
        String address = ipv6(hi, lo);
        return prefixLength >= 128 ? address : address + "/" + prefixLength;
    }
}

package io.chargeflow.flow;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Subscriber address pools ({@code --subscriber-pool CIDR}): an address inside one of them belongs to a subscriber,
 * which marks traffic between two subscribers as peer-to-peer. A handful of ranges checked by a linear scan on the
 * reader thread; built once from configuration.
 */
public final class AddressPools {
    private long[] v4Base = new long[0];
    private long[] v4Mask = new long[0];
    private long[] v6Hi = new long[0];
    private long[] v6Lo = new long[0];
    private long[] v6MaskHi = new long[0];
    private long[] v6MaskLo = new long[0];
    private final List<String> cidrs = new ArrayList<>();

    public static AddressPools of(List<String> cidrs) {
        AddressPools pools = new AddressPools();
        cidrs.forEach(pools::add);
        return pools;
    }

    /** Adds a pool written as {@code 10.45.0.0/16} or {@code 2001:db8::/48}; fails with a name=value message. */
    public void add(String cidr) {
        int slash = cidr.indexOf('/');
        byte[] address;
        int length;
        try {
            String host = slash < 0 ? cidr : cidr.substring(0, slash);
            if (!host.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("subscriber-pool=" + cidr + " is not an address/prefix-length");
            }
            address = InetAddress.getByName(host).getAddress();
            length = slash < 0 ? address.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("subscriber-pool=" + cidr + " is not an address/prefix-length");
        }
        if (length < 0 || length > address.length * 8) {
            throw new IllegalArgumentException("subscriber-pool=" + cidr + " has a prefix length out of range");
        }
        if (address.length == 4) {
            long value = ((address[0] & 0xFFL) << 24)
                    | ((address[1] & 0xFFL) << 16)
                    | ((address[2] & 0xFFL) << 8)
                    | (address[3] & 0xFFL);
            long mask = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
            v4Base = append(v4Base, value & mask);
            v4Mask = append(v4Mask, mask);
        } else {
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (address[i] & 0xFF);
                lo = (lo << 8) | (address[8 + i] & 0xFF);
            }
            long maskHi = SubscriberKeys.maskHi(-1L, length);
            long maskLo = SubscriberKeys.maskLo(-1L, length);
            v6Hi = append(v6Hi, hi & maskHi);
            v6Lo = append(v6Lo, lo & maskLo);
            v6MaskHi = append(v6MaskHi, maskHi);
            v6MaskLo = append(v6MaskLo, maskLo);
        }
        cidrs.add(cidr);
    }

    public boolean isEmpty() {
        return cidrs.isEmpty();
    }

    public boolean containsV4(int address) {
        long value = address & 0xFFFF_FFFFL;
        for (int i = 0; i < v4Base.length; i++) {
            if ((value & v4Mask[i]) == v4Base[i]) {
                return true;
            }
        }
        return false;
    }

    public boolean containsV6(long hi, long lo) {
        for (int i = 0; i < v6Hi.length; i++) {
            if ((hi & v6MaskHi[i]) == v6Hi[i] && (lo & v6MaskLo[i]) == v6Lo[i]) {
                return true;
            }
        }
        return false;
    }

    public List<String> cidrs() {
        return List.copyOf(cidrs);
    }

    private static long[] append(long[] array, long value) {
        long[] grown = java.util.Arrays.copyOf(array, array.length + 1);
        grown[array.length] = value;
        return grown;
    }
}

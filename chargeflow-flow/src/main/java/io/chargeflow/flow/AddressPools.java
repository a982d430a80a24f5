package io.chargeflow.flow;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Subscriber address pools ({@code --subscriber-pool CIDR}): an address inside one of them belongs to a subscriber,
 * which marks traffic between two subscribers as peer-to-peer; also the server prefixes of a rating-group rule. Up to
 * {@link #LINEAR} prefixes per family are checked by a linear scan; more are merged into sorted disjoint ranges and
 * found by binary search, so that a list of thousands (a CDN's address ranges, an ISP's pools) costs a dozen
 * comparisons, not thousands, on the reader's and the processors' per-packet paths. Built once from configuration,
 * read-only afterwards.
 */
public final class AddressPools {
    /** Up to this many prefixes of a family the scan is faster than the search. */
    static final int LINEAR = 8;

    private long[] v4Base = new long[0];
    private long[] v4Mask = new long[0];
    private long[] v6Hi = new long[0];
    private long[] v6Lo = new long[0];
    private long[] v6MaskHi = new long[0];
    private long[] v6MaskLo = new long[0];
    /** Prefixes added so far (the arrays above grow by doubling, so they may be longer). */
    private int v4Count;

    private int v6Count;
    /** Sorted disjoint ranges of a family with more than {@link #LINEAR} prefixes, else null (IPv4 with hi 0). */
    private Ranges v4Ranges;

    private Ranges v6Ranges;
    private final List<String> cidrs = new ArrayList<>();

    public static AddressPools of(List<String> cidrs) {
        AddressPools pools = new AddressPools();
        cidrs.forEach(pools::add);
        pools.index();
        return pools;
    }

    /**
     * Adds a pool written as {@code 10.45.0.0/16} or {@code 2001:db8::/48}; fails with a name=value message.
     * {@link #index} must follow before the pools are used (it builds the ranges of all prefixes at once).
     */
    void add(String cidr) {
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
            v4Base = append(v4Base, v4Count, value & mask);
            v4Mask = append(v4Mask, v4Count, mask);
            v4Count++;
        } else {
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (address[i] & 0xFF);
                lo = (lo << 8) | (address[8 + i] & 0xFF);
            }
            long maskHi = SubscriberKeys.maskHi(-1L, length);
            long maskLo = SubscriberKeys.maskLo(-1L, length);
            v6Hi = append(v6Hi, v6Count, hi & maskHi);
            v6Lo = append(v6Lo, v6Count, lo & maskLo);
            v6MaskHi = append(v6MaskHi, v6Count, maskHi);
            v6MaskLo = append(v6MaskLo, v6Count, maskLo);
            v6Count++;
        }
        cidrs.add(cidr);
    }

    public boolean isEmpty() {
        return cidrs.isEmpty();
    }

    public boolean containsV4(int address) {
        long value = address & 0xFFFF_FFFFL;
        if (v4Ranges != null) {
            return v4Ranges.containsV4(value);
        }
        for (int i = 0; i < v4Count; i++) {
            if ((value & v4Mask[i]) == v4Base[i]) {
                return true;
            }
        }
        return false;
    }

    public boolean containsV6(long hi, long lo) {
        if (v6Ranges != null) {
            return v6Ranges.contains(hi, lo);
        }
        for (int i = 0; i < v6Count; i++) {
            if ((hi & v6MaskHi[i]) == v6Hi[i] && (lo & v6MaskLo[i]) == v6Lo[i]) {
                return true;
            }
        }
        return false;
    }

    public List<String> cidrs() {
        return List.copyOf(cidrs);
    }

    /** Merges the prefixes into sorted disjoint ranges per family with more than {@link #LINEAR} of them. */
    void index() {
        v4Ranges = null;
        if (v4Count > LINEAR) {
            long[][] r = new long[v4Count][];
            for (int i = 0; i < v4Count; i++) {
                r[i] = new long[] {0, v4Base[i], 0, v4Base[i] | (~v4Mask[i] & 0xFFFF_FFFFL)};
            }
            v4Ranges = new Ranges(r);
        }
        v6Ranges = null;
        if (v6Count > LINEAR) {
            long[][] r = new long[v6Count][];
            for (int i = 0; i < v6Count; i++) {
                r[i] = new long[] {v6Hi[i], v6Lo[i], v6Hi[i] | ~v6MaskHi[i], v6Lo[i] | ~v6MaskLo[i]};
            }
            v6Ranges = new Ranges(r);
        }
    }

    /** Sorted disjoint 128-bit ranges, searched by halving: the last range starting at or before an address. */
    private static final class Ranges {
        private final long[] firstHi;
        private final long[] firstLo;
        private final long[] lastHi;
        private final long[] lastLo;

        /** From ranges {@code {firstHi, firstLo, lastHi, lastLo}} in any order, overlapping or nested. */
        Ranges(long[][] ranges) {
            java.util.Arrays.sort(ranges, (a, b) -> compare(a[0], a[1], b[0], b[1]));
            long[][] merged = new long[ranges.length][];
            int n = 0;
            for (long[] range : ranges) {
                long[] top = n > 0 ? merged[n - 1] : null;
                if (top != null && compare(range[0], range[1], top[2], top[3]) <= 0) {
                    if (compare(range[2], range[3], top[2], top[3]) > 0) {
                        top[2] = range[2];
                        top[3] = range[3];
                    }
                } else {
                    merged[n++] = range;
                }
            }
            firstHi = new long[n];
            firstLo = new long[n];
            lastHi = new long[n];
            lastLo = new long[n];
            for (int i = 0; i < n; i++) {
                firstHi[i] = merged[i][0];
                firstLo[i] = merged[i][1];
                lastHi[i] = merged[i][2];
                lastLo[i] = merged[i][3];
            }
        }

        boolean contains(long hi, long lo) {
            int low = 0;
            int high = firstHi.length - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                if (compare(firstHi[mid], firstLo[mid], hi, lo) <= 0) {
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            return high >= 0 && compare(hi, lo, lastHi[high], lastLo[high]) <= 0;
        }

        /**
         * {@link #contains} for IPv4 ranges (hi 0, lo below 2^32): one compare of a long per step, where the 128-bit
         * compare cost a fifth more per check (AddressPoolsBenchmark, 100 prefixes: 12.2 ns against 9.9).
         */
        boolean containsV4(long value) {
            int low = 0;
            int high = firstLo.length - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                if (firstLo[mid] <= value) {
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            return high >= 0 && value <= lastLo[high];
        }
    }

    /** Unsigned comparison of two 128-bit addresses. */
    private static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }

    /** Sets {@code array[count]}, doubling the array when it is full (adding n prefixes copies O(n) longs). */
    private static long[] append(long[] array, int count, long value) {
        long[] target = count < array.length ? array : java.util.Arrays.copyOf(array, Math.max(8, count * 2));
        target[count] = value;
        return target;
    }
}

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
    /** Prefixes added so far; the arrays above grow by doubling and are cut to these counts by {@link #index}. */
    private int v4Count;

    private int v6Count;
    // sorted disjoint ranges (first and last address) when a family has more than LINEAR prefixes, else null
    private long[] v4First;
    private long[] v4Last;
    private long[] v6FirstHi;
    private long[] v6FirstLo;
    private long[] v6LastHi;
    private long[] v6LastLo;
    private final List<String> cidrs = new ArrayList<>();

    public static AddressPools of(List<String> cidrs) {
        AddressPools pools = new AddressPools();
        cidrs.forEach(pools::addUnindexed);
        pools.index();
        return pools;
    }

    /**
     * Adds a pool written as {@code 10.45.0.0/16} or {@code 2001:db8::/48}; fails with a name=value message. Each call
     * rebuilds the ranges: {@link #of} builds many prefixes at once.
     */
    public void add(String cidr) {
        addUnindexed(cidr);
        index();
    }

    /** Adds without rebuilding the ranges: {@link #index} must follow before the pools are used. */
    void addUnindexed(String cidr) {
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
        if (v4First != null) {
            // the last range starting at or before the address
            int low = 0;
            int high = v4First.length - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                if (v4First[mid] <= value) {
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            return high >= 0 && value <= v4Last[high];
        }
        for (int i = 0; i < v4Count; i++) {
            if ((value & v4Mask[i]) == v4Base[i]) {
                return true;
            }
        }
        return false;
    }

    public boolean containsV6(long hi, long lo) {
        if (v6FirstHi != null) {
            int low = 0;
            int high = v6FirstHi.length - 1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                if (compare(v6FirstHi[mid], v6FirstLo[mid], hi, lo) <= 0) {
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            return high >= 0 && compare(hi, lo, v6LastHi[high], v6LastLo[high]) <= 0;
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
        v4Base = java.util.Arrays.copyOf(v4Base, v4Count);
        v4Mask = java.util.Arrays.copyOf(v4Mask, v4Count);
        v6Hi = java.util.Arrays.copyOf(v6Hi, v6Count);
        v6Lo = java.util.Arrays.copyOf(v6Lo, v6Count);
        v6MaskHi = java.util.Arrays.copyOf(v6MaskHi, v6Count);
        v6MaskLo = java.util.Arrays.copyOf(v6MaskLo, v6Count);
        v4First = null;
        v4Last = null;
        if (v4Base.length > LINEAR) {
            long[][] r = new long[v4Base.length][];
            for (int i = 0; i < r.length; i++) {
                r[i] = new long[] {v4Base[i], v4Base[i] | (~v4Mask[i] & 0xFFFF_FFFFL)};
            }
            java.util.Arrays.sort(r, (a, b) -> Long.compare(a[0], b[0]));
            long[] first = new long[r.length];
            long[] last = new long[r.length];
            int n = 0;
            for (long[] range : r) {
                if (n > 0 && range[0] <= last[n - 1] + 1) {
                    last[n - 1] = Math.max(last[n - 1], range[1]);
                } else {
                    first[n] = range[0];
                    last[n++] = range[1];
                }
            }
            v4First = java.util.Arrays.copyOf(first, n);
            v4Last = java.util.Arrays.copyOf(last, n);
        }
        v6FirstHi = null;
        v6FirstLo = null;
        v6LastHi = null;
        v6LastLo = null;
        if (v6Hi.length > LINEAR) {
            long[][] r = new long[v6Hi.length][];
            for (int i = 0; i < r.length; i++) {
                r[i] = new long[] {v6Hi[i], v6Lo[i], v6Hi[i] | ~v6MaskHi[i], v6Lo[i] | ~v6MaskLo[i]};
            }
            java.util.Arrays.sort(r, (a, b) -> compare(a[0], a[1], b[0], b[1]));
            long[][] merged = new long[r.length][];
            int n = 0;
            for (long[] range : r) {
                if (n > 0 && compare(range[0], range[1], merged[n - 1][2], merged[n - 1][3]) <= 0) {
                    if (compare(range[2], range[3], merged[n - 1][2], merged[n - 1][3]) > 0) {
                        merged[n - 1][2] = range[2];
                        merged[n - 1][3] = range[3];
                    }
                } else {
                    merged[n++] = range.clone();
                }
            }
            v6FirstHi = new long[n];
            v6FirstLo = new long[n];
            v6LastHi = new long[n];
            v6LastLo = new long[n];
            for (int i = 0; i < n; i++) {
                v6FirstHi[i] = merged[i][0];
                v6FirstLo[i] = merged[i][1];
                v6LastHi[i] = merged[i][2];
                v6LastLo[i] = merged[i][3];
            }
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

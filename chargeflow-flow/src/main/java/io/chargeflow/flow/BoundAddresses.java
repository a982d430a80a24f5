package io.chargeflow.flow;

import java.util.Arrays;

/**
 * The addresses bound to subscribers (a directory's bindings) as one immutable set the reader tests each packet's
 * other end against: an address inside one of them belongs to a subscriber, which marks traffic between two
 * subscribers as peer-to-peer, as {@link AddressPools} do for configured ranges. Keys as the processors key
 * subscribers: IPv4 addresses in IPv4-mapped form (prefix length 128), IPv6 prefixes masked to their length (a
 * delegated /56 holds every address inside it).
 *
 * <p>One open-addressing table per prefix length present (usually one or two: IPv4 addresses, IPv6 /64), and in front
 * of them a bit filter over (length, masked key) sized to about eight bits per binding, so that a peer no binding
 * holds (almost every packet's server) usually costs one load. Built whole by {@link #of} and never changed: whoever
 * keeps the bindings builds a new one when they change and publishes it (see {@link FlowContext#boundAddresses}).
 * Any thread may read it.
 */
public final class BoundAddresses {
    /** No binding. */
    public static final BoundAddresses EMPTY = new BoundAddresses(new int[0], new long[0][], 0);

    /** The prefix lengths present, longest first. */
    private final int[] lengths;
    /**
     * Per length: keys in open addressing, (hi, lo) at 2*slot; an empty slot holds hi -1 and lo 0 (the multicast
     * prefix ffff:ffff:ffff:ffff::/64, never a subscriber's: {@link #of} leaves such a key out).
     */
    private final long[][] tables;

    private final int[] masks;
    private final long[] filter;
    private final int filterMask;
    private final int size;

    private BoundAddresses(int[] lengths, long[][] tables, int size) {
        this.lengths = lengths;
        this.tables = tables;
        this.masks = new int[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            masks[i] = (tables[i].length >> 1) - 1;
        }
        int bits = Integer.highestOneBit(Math.max(64, Math.min(1 << 26, size * 8 - 1)) * 2 - 1);
        this.filter = new long[Math.max(1, bits >> 6)];
        this.filterMask = bits - 1;
        this.size = size;
    }

    /**
     * The set of {@code count} keys given as parallel arrays (hi, lo, prefix length; IPv4-mapped keys with length
     * 128). Duplicates are kept once.
     */
    public static BoundAddresses of(long[] hi, long[] lo, int[] prefixLength, int count) {
        if (count == 0) {
            return EMPTY;
        }
        int[] present = Arrays.stream(prefixLength, 0, count)
                .distinct()
                .boxed()
                .sorted((a, b) -> b - a)
                .mapToInt(Integer::intValue)
                .toArray();
        int[] perLength = new int[present.length];
        for (int i = 0; i < count; i++) {
            perLength[indexOf(present, prefixLength[i])]++;
        }
        long[][] tables = new long[present.length][];
        for (int t = 0; t < present.length; t++) {
            int slots = Integer.highestOneBit(Math.max(2, perLength[t]) * 2 - 1) * 2;
            tables[t] = new long[slots * 2];
            for (int s = 0; s < slots; s++) {
                tables[t][2 * s] = -1;
            }
        }
        BoundAddresses set = new BoundAddresses(present, tables, count);
        for (int i = 0; i < count; i++) {
            int t = indexOf(present, prefixLength[i]);
            long h = SubscriberKeys.maskHi(hi[i], prefixLength[i]);
            long l = SubscriberKeys.maskLo(lo[i], prefixLength[i]);
            if (h == -1 && l == 0) {
                continue;
            }
            set.insert(t, h, l);
            int f = set.filterBit(prefixLength[i], h, l);
            set.filter[f >>> 6] |= 1L << f;
        }
        return set;
    }

    private static int indexOf(int[] lengths, int length) {
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] == length) {
                return i;
            }
        }
        throw new IllegalArgumentException("prefixLength=" + length);
    }

    private void insert(int t, long hi, long lo) {
        long[] table = tables[t];
        int slot = (int) SubscriberKeys.hash(hi, lo) & masks[t];
        while (!(table[2 * slot] == -1 && table[2 * slot + 1] == 0)) {
            if (table[2 * slot] == hi && table[2 * slot + 1] == lo) {
                return;
            }
            slot = (slot + 1) & masks[t];
        }
        table[2 * slot] = hi;
        table[2 * slot + 1] = lo;
    }

    private int filterBit(int length, long hi, long lo) {
        return (int) SubscriberKeys.hash(hi ^ length, lo) & filterMask;
    }

    /** Bindings in the set. */
    public int size() {
        return size;
    }

    /** Whether IPv4 address {@code address} (network order in an int) is bound. */
    public boolean containsV4(int address) {
        return contains(0, SubscriberKeys.ipv4Lo(address));
    }

    /** Whether the address ({@code hi}, {@code lo}; IPv4-mapped for IPv4) lies in a bound key. Allocates nothing. */
    public boolean contains(long hi, long lo) {
        for (int t = 0; t < lengths.length; t++) {
            int length = lengths[t];
            long h = SubscriberKeys.maskHi(hi, length);
            long l = SubscriberKeys.maskLo(lo, length);
            int f = filterBit(length, h, l);
            if ((filter[f >>> 6] & (1L << f)) == 0) {
                continue;
            }
            long[] table = tables[t];
            int slot = (int) SubscriberKeys.hash(h, l) & masks[t];
            while (true) {
                long kh = table[2 * slot];
                long kl = table[2 * slot + 1];
                if (kh == h && kl == l) {
                    return true;
                }
                if (kh == -1 && kl == 0) {
                    break;
                }
                slot = (slot + 1) & masks[t];
            }
        }
        return false;
    }
}

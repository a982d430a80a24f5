package io.chargeflow.flow;

import io.chargeflow.flow.internal.KeyIndex;
import java.util.Arrays;

/**
 * The addresses bound to subscribers (a directory's bindings) as one immutable set the reader tests each packet's
 * other end against: an address inside one of them belongs to a subscriber, which marks traffic between two
 * subscribers as peer-to-peer, as {@link AddressPools} do for configured ranges. Keys as the processors key
 * subscribers: IPv4 addresses in IPv4-mapped form (prefix length 128), IPv6 prefixes masked to their length (a
 * delegated /56 holds every address inside it).
 *
 * <p>One {@link KeyIndex} per prefix length present (usually one or two: IPv4 addresses, IPv6 /64), and in front of
 * them a bit filter over (length, masked key) sized to about eight bits per binding, so that a peer no binding holds
 * (almost every packet's server) usually costs one load. Built whole by {@link #of} and never changed: whoever keeps
 * the bindings builds a new one when they change and publishes it (see {@link FlowContext#boundAddresses}). Any
 * thread may read it.
 */
public final class BoundAddresses {
    /** No binding. */
    public static final BoundAddresses EMPTY = new BoundAddresses(new int[0], new KeyIndex[0], 0);

    /** The prefix lengths present, longest first, and the keys of each. */
    private final int[] lengths;

    private final KeyIndex[] keys;
    private final long[] filter;
    private final int filterMask;
    private final int size;

    private BoundAddresses(int[] lengths, KeyIndex[] keys, int size) {
        this.lengths = lengths;
        this.keys = keys;
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
        KeyIndex[] keys = new KeyIndex[present.length];
        // seeded: the lookups are of addresses traffic chooses (see KeyIndex#hash)
        java.util.SplittableRandom seeds = new java.util.SplittableRandom();
        for (int t = 0; t < present.length; t++) {
            keys[t] = new KeyIndex(16, seeds.nextLong());
        }
        BoundAddresses set = new BoundAddresses(present, keys, count);
        for (int i = 0; i < count; i++) {
            int length = prefixLength[i];
            KeyIndex table = keys[indexOf(present, length)];
            long h = SubscriberKeys.maskHi(hi[i], length);
            long l = SubscriberKeys.maskLo(lo[i], length);
            if (table.find(h, l) < 0) {
                table.insert(h, l);
            }
            int f = set.filterBit(length, h, l);
            set.filter[f >>> 6] |= 1L << f;
        }
        return set;
    }

    private static int indexOf(int[] lengths, int length) {
        int i = 0;
        while (lengths[i] != length) {
            i++;
        }
        return i;
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
            if ((filter[f >>> 6] & (1L << f)) != 0 && keys[t].find(h, l) >= 0) {
                return true;
            }
        }
        return false;
    }
}

package io.chargeflow.subscriber;

import java.util.concurrent.locks.StampedLock;
import java.util.function.LongSupplier;

/**
 * A bounded, 8-way set-associative cache of binding intervals per key, in primitive arrays (struct of arrays): a key
 * maps to one set of eight slots; a full set loses its oldest insert. A key may hold several intervals (a reused
 * address has one per holder), each a positive answer (subscriber) or a negative one (a gap) with a cool-down.
 * Readers on processor threads use a {@link StampedLock} optimistic read per stripe of sets, so a hit takes no lock
 * and allocates nothing; writers (lookup threads, invalidation, preload) take the stripe's write lock.
 */
final class BindingCache {
    static final int WAYS = 8;
    private static final int STRIPES = 256;

    private final int setMask;
    private final long[] keyHi;
    private final long[] keyLo;
    private final int[] prefix; // 0: empty slot
    private final long[] fromMs;
    private final long[] untilMs;
    private final long[] expiresNs; // Long.MAX_VALUE: no cool-down
    private final SubscriberRecord[] subscriber;
    private final byte[] victim;
    private final StampedLock[] locks = new StampedLock[STRIPES];

    /** Filled by {@link #find} on a hit (the reading thread owns its {@link Hit}). */
    static final class Hit {
        SubscriberRecord subscriber;
        long fromMs;
        long untilMs;
    }

    BindingCache(int capacity) {
        int sets = capacity / WAYS;
        this.setMask = sets - 1;
        keyHi = new long[capacity];
        keyLo = new long[capacity];
        prefix = new int[capacity];
        fromMs = new long[capacity];
        untilMs = new long[capacity];
        expiresNs = new long[capacity];
        subscriber = new SubscriberRecord[capacity];
        victim = new byte[sets];
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new StampedLock();
        }
    }

    private int setOf(long hi, long lo, int length) {
        long h = (hi ^ (lo * 0x9E37_79B9_7F4A_7C15L) ^ length) * 0xBF58_476D_1CE4_E5B9L;
        h ^= h >>> 31;
        h *= 0x94D0_49BB_1331_11EBL;
        h ^= h >>> 29;
        return (int) h & setMask;
    }

    /** Whether an unexpired interval of the key covers {@code atMs}; fills {@code hit} if so. */
    boolean find(long hi, long lo, int length, long atMs, LongSupplier nanoClock, Hit hit) {
        int set = setOf(hi, lo, length);
        StampedLock lock = locks[set & (STRIPES - 1)];
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            int found = scan(set, hi, lo, length, atMs, nanoClock, hit);
            if (lock.validate(stamp)) {
                return found >= 0;
            }
        }
        stamp = lock.readLock();
        try {
            return scan(set, hi, lo, length, atMs, nanoClock, hit) >= 0;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private int scan(int set, long hi, long lo, int length, long atMs, LongSupplier nanoClock, Hit hit) {
        int base = set * WAYS;
        for (int i = base; i < base + WAYS; i++) {
            if (prefix[i] == length
                    && keyHi[i] == hi
                    && keyLo[i] == lo
                    && fromMs[i] <= atMs
                    && atMs < untilMs[i]
                    // the clock is read only for negative entries: positive ones never expire
                    && (expiresNs[i] == Long.MAX_VALUE || nanoClock.getAsLong() - expiresNs[i] < 0)) {
                hit.subscriber = subscriber[i];
                hit.fromMs = fromMs[i];
                hit.untilMs = untilMs[i];
                return i;
            }
        }
        return -1;
    }

    /** Remembers an interval; replaces the same interval of the key, else the set's oldest slot. */
    void put(long hi, long lo, int length, long from, long until, SubscriberRecord holder, long expiresAtNs) {
        int set = setOf(hi, lo, length);
        StampedLock lock = locks[set & (STRIPES - 1)];
        long stamp = lock.writeLock();
        try {
            int base = set * WAYS;
            int slot = -1;
            for (int i = base; i < base + WAYS && slot < 0; i++) {
                if (prefix[i] == length && keyHi[i] == hi && keyLo[i] == lo && fromMs[i] == from) {
                    slot = i;
                }
            }
            for (int i = base; i < base + WAYS && slot < 0; i++) {
                if (prefix[i] == 0) {
                    slot = i;
                }
            }
            if (slot < 0) {
                slot = base + victim[set];
                victim[set] = (byte) ((victim[set] + 1) & (WAYS - 1));
            }
            keyHi[slot] = hi;
            keyLo[slot] = lo;
            prefix[slot] = length;
            fromMs[slot] = from;
            untilMs[slot] = until;
            expiresNs[slot] = expiresAtNs;
            subscriber[slot] = holder;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Forgets every interval of the key. */
    void invalidate(long hi, long lo, int length) {
        int set = setOf(hi, lo, length);
        StampedLock lock = locks[set & (STRIPES - 1)];
        long stamp = lock.writeLock();
        try {
            int base = set * WAYS;
            for (int i = base; i < base + WAYS; i++) {
                if (prefix[i] == length && keyHi[i] == hi && keyLo[i] == lo) {
                    prefix[i] = 0;
                    subscriber[i] = null;
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Occupied slots (a full scan: for tests and reports, not the hot path). */
    int size() {
        int n = 0;
        for (int p : prefix) {
            if (p != 0) {
                n++;
            }
        }
        return n;
    }
}

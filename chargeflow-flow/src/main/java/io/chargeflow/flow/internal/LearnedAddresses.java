package io.chargeflow.flow.internal;

import io.chargeflow.flow.SubscriberKeys;
import java.util.Arrays;

/**
 * What DNS answers taught a processor's subscribers: per (subscriber key, answer address), the mask of the service
 * rules whose names the answer's question matched, so that one subscriber's lookup does not classify another's
 * traffic to that address. Each processor keeps the entries of its own subscribers: the reader hands it every matched
 * answer's addresses as learn records in the ring, before the records of the packets that follow, so a packet is
 * always looked up after the answers that came before it in the capture.
 *
 * <p>Keyed by a 128-bit hash of the pair. Two generations: answers go to the current one; when it is full it becomes
 * the previous one and the one before is dropped, so the most recent answers survive where clearing a full table
 * forgot all of them at once. Owner thread only; allocates only when the table grows.
 */
public final class LearnedAddresses {
    private final long seed;
    private final KeyIndex[] learned = {new KeyIndex(1024), new KeyIndex(1024)};
    private final long[][] learnedMask = {new long[1024], new long[1024]};
    /** Per entry, the address's bit in {@link #addressBits} (to rebuild the bits when a generation is dropped). */
    private final int[][] addressBit = {new int[1024], new int[1024]};

    private int current;
    /** Entries a generation holds. */
    private int capacity;
    /**
     * A bit per (address hash mod 2^16) of the addresses either generation holds: most packets' servers were never
     * learned, and one load from 8 KiB tells them so, where the index lookup hashed and probed a slot for every record.
     */
    private final long[] addressBits = new long[1 << 10];
    /**
     * A bit per learned (subscriber, address) pair, its hash mod 2^20 (128 KiB): a record to an address some other
     * subscriber learned stops here instead of probing the table.
     */
    private final long[] pairBits = new long[1 << 14];

    private long generationsDropped;
    private long entries;

    /**
     * @param seed the run's seed of the keys (see {@link #keyA})
     * @param capacity entries a generation holds
     */
    public LearnedAddresses(long seed, int capacity) {
        this.seed = seed;
        this.capacity = capacity;
    }

    /** Adds {@code mask} to what the pair (subscriber key, address {@code hi}/{@code lo}) was taught. */
    public void learn(long keyHi, long keyLo, long hi, long lo, long mask) {
        long a = keyA(keyHi, keyLo, hi, lo);
        long b = keyB(keyHi, keyLo, hi, lo);
        KeyIndex table = learned[current];
        int row = table.find(a, b);
        if (row < 0) {
            if (table.size() >= capacity) {
                dropOldestGeneration();
                table = learned[current];
            }
            int g = current;
            row = table.insert(a, b);
            if (row >= learnedMask[g].length) {
                learnedMask[g] = Arrays.copyOf(learnedMask[g], table.capacity());
                addressBit[g] = Arrays.copyOf(addressBit[g], table.capacity());
            }
            int bit = addressBit(hi, lo);
            learnedMask[g][row] = 0;
            addressBit[g][row] = bit;
            addressBits[bit >>> 6] |= 1L << bit;
            pairBits[pairWord(a)] |= 1L << a;
            entries++;
        }
        learnedMask[current][row] |= mask;
    }

    /** The rule mask the answers taught for traffic between the subscriber and the address (0 when none). */
    public long mask(long keyHi, long keyLo, long hi, long lo) {
        int bit = addressBit(hi, lo);
        if ((addressBits[bit >>> 6] & (1L << bit)) == 0) {
            return 0;
        }
        long a = keyA(keyHi, keyLo, hi, lo);
        if ((pairBits[pairWord(a)] & (1L << a)) == 0) {
            return 0;
        }
        long b = keyB(keyHi, keyLo, hi, lo);
        long mask = 0;
        for (int g = 0; g < 2; g++) {
            // until the first generation fills, the other one is empty: no hash and probe for it
            int row = learned[g].size() > 0 ? learned[g].find(a, b) : -1;
            if (row >= 0) {
                mask |= learnedMask[g][row];
            }
        }
        return mask;
    }

    /** The current generation becomes the previous one; the previous one is emptied and takes the new answers. */
    private void dropOldestGeneration() {
        int kept = current;
        current ^= 1;
        learned[current].clear();
        generationsDropped++;
        Arrays.fill(addressBits, 0);
        Arrays.fill(pairBits, 0);
        KeyIndex table = learned[kept];
        for (int row = 0; row < table.size(); row++) {
            int bit = addressBit[kept][row];
            addressBits[bit >>> 6] |= 1L << bit;
            long a = table.hi(row);
            pairBits[pairWord(a)] |= 1L << a;
        }
    }

    /** Sets the entries a generation holds (tests). */
    public void capacity(int entries) {
        capacity = entries;
    }

    /** Generations dropped because the current one filled (each forgot the older answers). */
    public long generationsDropped() {
        return generationsDropped;
    }

    /** (Subscriber, address) pairs learned for the first time in their generation. */
    public long entriesLearned() {
        return entries;
    }

    /**
     * Two independent 64-bit hashes of (subscriber key, address): the table's 128-bit key (a collision of both needs
     * about 2^64 entries, far beyond the table's size). Seeded per run: the addresses come from DNS answers, which a
     * client can choose, and the table's slots follow from the key, so unseeded hashes would let answers be computed
     * ahead that all crowd one cluster of slots.
     */
    private long keyA(long keyHi, long keyLo, long hi, long lo) {
        return SubscriberKeys.hash(keyHi ^ Long.rotateLeft(hi, 23) ^ seed, keyLo * 0xC2B2_AE3D_27D4_EB4FL ^ lo);
    }

    private long keyB(long keyHi, long keyLo, long hi, long lo) {
        return SubscriberKeys.hash(
                hi * 0xD6E8_FEB8_6659_FD93L ^ Long.rotateLeft(keyLo, 31) ^ Long.rotateLeft(seed, 29),
                lo ^ Long.rotateLeft(keyHi, 7) ^ 0x1656_67B1L);
    }

    /** The word of {@link #pairBits} holding a pair's bit (bits 6..19 of its hash; the shift takes 0..5). */
    private static int pairWord(long a) {
        return (int) (a >>> 6) & ((1 << 14) - 1);
    }

    /** A 16-bit hash of an address for {@link #addressBits} (a shift by it uses its low six bits). */
    private static int addressBit(long hi, long lo) {
        return (int) ((lo ^ (lo >>> 32) ^ hi ^ (hi >>> 32)) * 0x9E37_79B9L) >>> 16;
    }
}

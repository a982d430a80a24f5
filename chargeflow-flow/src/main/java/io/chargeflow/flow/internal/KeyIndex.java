package io.chargeflow.flow.internal;

import io.chargeflow.flow.SubscriberKeys;
import java.util.Arrays;

/**
 * An open-addressing index from 128-bit keys to dense row numbers {@code 0..size-1}: the key columns of a
 * struct-of-arrays table whose other columns the owner keeps, grown to {@link #capacity()} after an insert.
 * Linear probing over an {@code int[]} of row+1 (load kept at or below one half); removal swaps the last row into the
 * hole, so rows stay dense and a sweep is a plain loop. Single-threaded: owned by one processor.
 */
public final class KeyIndex {
    private int[] slots;
    private int slotMask;
    /** Keys interleaved ({@code hi} at 2*row, {@code lo} at 2*row+1): one cache line per probe, not two. */
    private long[] keys;

    private int size;
    /**
     * Mixed into every key's hash before the slot is taken from it: where keys come from traffic (subscriber
     * addresses, tunnel endpoints), a hash known ahead lets a sender pick keys that all probe one cluster of slots.
     */
    private final long seed;

    /** An index whose keys are hashes already, or not chosen by traffic (seed 0). */
    public KeyIndex(int expectedKeys) {
        this(expectedKeys, 0);
    }

    /** An index of keys traffic chooses: {@code seed} is drawn per run and index (see {@link #hash}). */
    public KeyIndex(int expectedKeys, long seed) {
        this.seed = seed;
        int rows = Math.max(16, Integer.highestOneBit(Math.max(1, expectedKeys) - 1) << 1);
        keys = new long[rows * 2];
        slots = new int[rows * 2];
        slotMask = slots.length - 1;
    }

    public int size() {
        return size;
    }

    /** Rows the key columns (and so the owner's columns) can hold. */
    public int capacity() {
        return keys.length >> 1;
    }

    public long hi(int row) {
        return keys[row << 1];
    }

    public long lo(int row) {
        return keys[(row << 1) + 1];
    }

    /** The hash this index takes a key's slot from: {@link SubscriberKeys#hash} of the key and the seed. */
    public int hash(long keyHi, long keyLo) {
        return (int) SubscriberKeys.hash(keyHi ^ seed, keyLo);
    }

    /** The row of the key, or -1. */
    public int find(long keyHi, long keyLo) {
        return find(hash(keyHi, keyLo), keyHi, keyLo);
    }

    /** {@link #find(long, long)} with the key's {@link #hash} already computed. */
    public int find(int hash, long keyHi, long keyLo) {
        int slot = hash & slotMask;
        while (true) {
            int entry = slots[slot];
            if (entry == 0) {
                return -1;
            }
            int at = (entry - 1) << 1;
            if (keys[at + 1] == keyLo && keys[at] == keyHi) {
                return entry - 1;
            }
            slot = (slot + 1) & slotMask;
        }
    }

    /**
     * The row number plus one in the key's home slot (0 when empty), without comparing keys: a load that brings the
     * slot into the cache ahead of {@link #find} (the row it names is usually the key's).
     */
    public int probe(long keyHi, long keyLo) {
        return probe(hash(keyHi, keyLo));
    }

    /** {@link #probe(long, long)} with the key's {@link #hash} already computed. */
    public int probe(int hash) {
        return slots[hash & slotMask];
    }

    /** Adds a key known to be absent and returns its row (== size before the call). May grow {@link #capacity()}. */
    public int insert(long keyHi, long keyLo) {
        if (size == capacity()) {
            grow();
        }
        int row = size++;
        keys[row << 1] = keyHi;
        keys[(row << 1) + 1] = keyLo;
        place(row);
        return row;
    }

    /**
     * Removes the key in {@code row}. The last row moves into {@code row}: returns the moved row's old number
     * (== new size) so the owner copies its columns from there into {@code row}, or -1 when {@code row} was last.
     */
    public int remove(int row) {
        unplace(row);
        int last = --size;
        if (row == last) {
            return -1;
        }
        int slot = slotOf(last);
        slots[slot] = row + 1;
        keys[row << 1] = keys[last << 1];
        keys[(row << 1) + 1] = keys[(last << 1) + 1];
        return last;
    }

    /** Removes every key. */
    public void clear() {
        Arrays.fill(slots, 0);
        size = 0;
    }

    private int slotOf(int row) {
        int slot = hash(hi(row), lo(row)) & slotMask;
        while (slots[slot] != row + 1) {
            slot = (slot + 1) & slotMask;
        }
        return slot;
    }

    private void place(int row) {
        int slot = hash(hi(row), lo(row)) & slotMask;
        while (slots[slot] != 0) {
            slot = (slot + 1) & slotMask;
        }
        slots[slot] = row + 1;
    }

    /**
     * In a backward-shift deletion over a linear-probing table of power-of-two size: whether the entry at {@code slot},
     * whose home slot is {@code home}, moves back into {@code hole} (its probe from home would otherwise cross the
     * hole), the table wrapping around at its end.
     */
    public static boolean shiftsBack(int hole, int slot, int home) {
        return hole <= slot ? (home <= hole || home > slot) : (home <= hole && home > slot);
    }

    /** Backward-shift deletion: keeps every probe chain unbroken without tombstones. */
    private void unplace(int row) {
        int hole = slotOf(row);
        int slot = hole;
        while (true) {
            slot = (slot + 1) & slotMask;
            int entry = slots[slot];
            if (entry == 0) {
                break;
            }
            int home = hash(hi(entry - 1), lo(entry - 1)) & slotMask;
            if (shiftsBack(hole, slot, home)) {
                slots[hole] = entry;
                hole = slot;
            }
        }
        slots[hole] = 0;
    }

    /**
     * Rows grow by half (a table of a million keys wastes at most a third of its columns); the slot array stays a
     * power of two at least twice the rows, so probing stays short.
     */
    private void grow() {
        int rows = capacity() + (capacity() >> 1);
        keys = Arrays.copyOf(keys, rows * 2);
        if (slots.length < rows * 2) {
            slots = new int[Integer.highestOneBit(rows * 2 - 1) << 1];
            slotMask = slots.length - 1;
            for (int row = 0; row < size; row++) {
                place(row);
            }
        }
    }
}

package io.chargeflow.flow.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Server-name patterns ({@code host.example} or {@code *.example}) to rule masks, matched against a name in one pass
 * over its bytes: exact names in one hash table, wildcard suffixes (with their leading dot) in another. The name's
 * hash is built from its last byte backwards, so at each dot the hash of the suffix from there is at hand; a name of
 * {@code d} dots costs {@code d} suffix probes and one exact probe, whatever the number of patterns. The reader calls
 * it for every SNI, Host and DNS question it sees, where a walk over the patterns cost a comparison per pattern
 * (an operator's zero-rating list has hundreds).
 *
 * <p>Built once; {@link #match} is read-only and allocation-free (any thread).
 */
public final class NameIndex {
    private static final int MULTIPLIER = 0x01000193;

    private final Table exact;
    private final Table suffixes;

    /**
     * @param patterns per rule (index = bit in the mask) its lower-case patterns, or null for a rule without names;
     *     at most 64 rules
     */
    public NameIndex(String[][] patterns) {
        if (patterns.length > 64) {
            throw new IllegalArgumentException("rules=" + patterns.length + " exceeds 64");
        }
        int exactCount = 0;
        int suffixCount = 0;
        for (String[] rule : patterns) {
            if (rule != null) {
                for (String p : rule) {
                    if (p.startsWith("*.")) {
                        suffixCount++;
                    } else {
                        exactCount++;
                    }
                }
            }
        }
        exact = new Table(exactCount);
        suffixes = new Table(suffixCount);
        for (int i = 0; i < patterns.length; i++) {
            if (patterns[i] != null) {
                for (String p : patterns[i]) {
                    if (p.startsWith("*.")) {
                        suffixes.add(p.substring(1).getBytes(StandardCharsets.US_ASCII), 1L << i);
                    } else {
                        exact.add(p.getBytes(StandardCharsets.US_ASCII), 1L << i);
                    }
                }
            }
        }
    }

    /**
     * The mask of the rules with a pattern matching {@code name[0, length)}: equal to it, or ending with a wildcard's
     * suffix (its leading dot included) after at least one more byte.
     */
    public long match(byte[] name, int length) {
        long mask = 0;
        int h = 0;
        for (int k = length - 1; k >= 0; k--) {
            h = h * MULTIPLIER + (name[k] & 0xFF);
            if (name[k] == '.' && k > 0 && suffixes.size > 0) {
                mask |= suffixes.find(h, name, k, length - k);
            }
        }
        return mask | (exact.size > 0 ? exact.find(h, name, 0, length) : 0);
    }

    /** The hash {@link #match} computes for a whole name (from its last byte backwards). */
    private static int hash(byte[] b) {
        int h = 0;
        for (int k = b.length - 1; k >= 0; k--) {
            h = h * MULTIPLIER + (b[k] & 0xFF);
        }
        return h;
    }

    /** Open addressing, linear probing; a pattern in several rules has one entry with their bits. */
    private static final class Table {
        private final byte[][] keys;
        private final int[] hashes;
        private final long[] masks;
        private final int slotMask;
        private int size;

        Table(int expected) {
            int slots = Integer.highestOneBit(Math.max(2, expected * 2) - 1) << 1;
            keys = new byte[slots][];
            hashes = new int[slots];
            masks = new long[slots];
            slotMask = slots - 1;
        }

        void add(byte[] key, long bit) {
            int h = hash(key);
            int slot = spread(h) & slotMask;
            while (keys[slot] != null) {
                if (hashes[slot] == h && Arrays.equals(keys[slot], key)) {
                    masks[slot] |= bit;
                    return;
                }
                slot = (slot + 1) & slotMask;
            }
            keys[slot] = key;
            hashes[slot] = h;
            masks[slot] = bit;
            size++;
        }

        long find(int h, byte[] name, int from, int length) {
            int slot = spread(h) & slotMask;
            byte[] key;
            while ((key = keys[slot]) != null) {
                if (hashes[slot] == h
                        && key.length == length
                        && Arrays.equals(key, 0, length, name, from, from + length)) {
                    return masks[slot];
                }
                slot = (slot + 1) & slotMask;
            }
            return 0;
        }

        private static int spread(int h) {
            return h ^ (h >>> 16);
        }
    }
}

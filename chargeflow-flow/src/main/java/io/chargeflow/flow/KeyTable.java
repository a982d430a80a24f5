package io.chargeflow.flow;

import java.util.Arrays;

/**
 * A table of subscriber keys by row, as reports read them in key order: a processor's own table after the run, or a
 * copy of it while the run goes on ({@link UsageSnapshot}). {@link #sortedRows} puts one table in key order,
 * {@link #merge} visits several at once in one key order, without copying them.
 */
interface KeyTable {
    /** Rows in the table. */
    int keys();

    long keyHi(int row);

    long keyLo(int row);

    /** Tells {@code visitor} the key of {@code row} and its totals. */
    void visitRow(int row, Processor.KeyVisitor visitor);

    /**
     * The rows in key order ({@link Processor#compareKeys}). IPv4 keys (most of them) are sorted as packed primitives
     * (address above row), which is what keeps writing a report of 100,000 subscribers in tens of milliseconds; the
     * IPv6 keys follow, radix-sorted as (high, low) pairs.
     */
    default int[] sortedRows() {
        int size = keys();
        int n4 = 0;
        for (int row = 0; row < size; row++) {
            if (SubscriberKeys.isIpv4(keyHi(row), keyLo(row))) {
                n4++;
            }
        }
        long[] v4 = new long[n4];
        long[][] v6 = {new long[size - n4], new long[size - n4], new long[size - n4]};
        int i4 = 0;
        int i6 = 0;
        for (int row = 0; row < size; row++) {
            long hi = keyHi(row);
            long lo = keyLo(row);
            if (SubscriberKeys.isIpv4(hi, lo)) {
                // address above row; the sign flip makes the signed sort an unsigned one
                v4[i4++] = ((lo << 32) | row) ^ Long.MIN_VALUE;
            } else {
                v6[0][i6] = hi ^ Long.MIN_VALUE;
                v6[1][i6] = lo ^ Long.MIN_VALUE;
                v6[2][i6++] = row;
            }
        }
        Arrays.sort(v4);
        it.unimi.dsi.fastutil.longs.LongArrays.radixSort(v6);
        int[] order = new int[size];
        for (int i = 0; i < n4; i++) {
            order[i] = (int) v4[i];
        }
        for (int i = 0; i < i6; i++) {
            order[n4 + i] = (int) v6[2][i];
        }
        return order;
    }

    /** Visits the keys of {@code tables} (disjoint: each key in one) in one key order. */
    static void merge(KeyTable[] tables, Processor.KeyVisitor visitor) {
        int n = tables.length;
        int[][] orders = new int[n][];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            orders[i] = tables[i].sortedRows();
        }
        while (true) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (next[i] < orders[i].length && (best < 0 || compare(tables, orders, next, i, best) < 0)) {
                    best = i;
                }
            }
            if (best < 0) {
                return;
            }
            tables[best].visitRow(orders[best][next[best]++], visitor);
        }
    }

    private static int compare(KeyTable[] tables, int[][] orders, int[] next, int a, int b) {
        int x = orders[a][next[a]];
        int y = orders[b][next[b]];
        return Processor.compareKeys(tables[a].keyHi(x), tables[a].keyLo(x), tables[b].keyHi(y), tables[b].keyLo(y));
    }
}

package io.chargeflow.packet.gen;

import io.chargeflow.packet.AddressFormat;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Exact charged totals per address slot of a {@link SubscriberPlan}, counted as frames are built (a few array
 * increments per frame), and folded into per-key rows at the end: IPv4 addresses, IPv6 addresses masked to the
 * configured prefix length (several interface ids, or with short prefixes several UEs, share a key). Generating
 * thread only.
 */
final class TruthTable {
    static final String HEADER = "subscriber,ul_packets,ul_bytes,dl_packets,dl_bytes";

    private final SubscriberPlan plan;
    private final int prefixLength;
    /** Per slot: uplink packets, uplink bytes, downlink packets, downlink bytes; side by side, one cache line. */
    private final long[] counters;

    TruthTable(SubscriberPlan plan, int prefixLength) {
        this.plan = plan;
        this.prefixLength = prefixLength;
        counters = new long[plan.slots * 4];
    }

    void uplink(int slot, int ipLength) {
        counters[slot * 4]++;
        counters[slot * 4 + 1] += ipLength;
    }

    void downlink(int slot, int ipLength) {
        counters[slot * 4 + 2]++;
        counters[slot * 4 + 3] += ipLength;
    }

    /** Writes the CSV sorted by key (IPv4 first, then IPv6, each in unsigned address order); returns the rows. */
    long write(Path file) throws IOException {
        int[] order = chargedSlotsByKey();
        long rows = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            out.write(HEADER);
            out.write('\n');
            int i = 0;
            while (i < order.length) {
                int first = order[i];
                long up = 0;
                long upBytes = 0;
                long down = 0;
                long downBytes = 0;
                int j = i;
                while (j < order.length && sameKey(first, order[j])) {
                    int c = order[j] * 4;
                    up += counters[c];
                    upBytes += counters[c + 1];
                    down += counters[c + 2];
                    downBytes += counters[c + 3];
                    j++;
                }
                out.write(keyText(first) + "," + up + "," + upBytes + "," + down + "," + downBytes + "\n");
                rows++;
                i = j;
            }
        }
        return rows;
    }

    private int[] chargedSlotsByKey() {
        int charged = 0;
        for (int s = 0; s < plan.slots; s++) {
            if (counters[s * 4] + counters[s * 4 + 2] > 0) {
                charged++;
            }
        }
        int[] subscriberOfSlot = subscriberOfSlot();
        long[][] keys = new long[charged][];
        int n = 0;
        for (int s = 0; s < plan.slots; s++) {
            if (counters[s * 4] + counters[s * 4 + 2] > 0) {
                int sub = subscriberOfSlot[s];
                long hi = keyHi(sub, s);
                long lo = keyLo(sub, s);
                keys[n++] = new long[] {plan.isIpv6(sub) ? 1 : 0, hi, lo, s};
            }
        }
        Arrays.sort(keys, (a, b) -> {
            int c = Long.compare(a[0], b[0]);
            if (c == 0) {
                c = Long.compareUnsigned(a[1], b[1]);
            }
            if (c == 0) {
                c = Long.compareUnsigned(a[2], b[2]);
            }
            return c != 0 ? c : Long.compare(a[3], b[3]);
        });
        int[] order = new int[charged];
        for (int i = 0; i < charged; i++) {
            order[i] = (int) keys[i][3];
        }
        return order;
    }

    private int[] subscriberOfSlot() {
        int[] owner = new int[plan.slots];
        for (int sub = 0; sub < plan.count; sub++) {
            Arrays.fill(owner, plan.slotBase[sub], plan.slotBase[sub] + plan.interfaceIdCount(sub), sub);
        }
        return owner;
    }

    private boolean sameKey(int slotA, int slotB) {
        if (slotA == slotB) {
            return true;
        }
        int a = owner(slotA);
        int b = owner(slotB);
        if (plan.isIpv6(a) != plan.isIpv6(b)) {
            return false;
        }
        return keyHi(a, slotA) == keyHi(b, slotB) && keyLo(a, slotA) == keyLo(b, slotB);
    }

    private int owner(int slot) {
        int index = Arrays.binarySearch(plan.slotBase, slot);
        if (index < 0) {
            index = -index - 2;
        }
        // Equal bases cannot occur (every UE has at least one slot), so the match is the owner.
        return index;
    }

    private long keyHi(int sub, int slot) {
        if (!plan.isIpv6(sub)) {
            return 0;
        }
        return prefixLength >= 64 ? plan.prefixHi(sub) : plan.prefixHi(sub) & mask(prefixLength);
    }

    private long keyLo(int sub, int slot) {
        if (!plan.isIpv6(sub)) {
            return plan.ipv4(sub) & 0xFFFF_FFFFL;
        }
        if (prefixLength <= 64) {
            return 0;
        }
        long iid = plan.interfaceId(sub, slot - plan.slotBase[sub]);
        return iid & mask(prefixLength - 64);
    }

    private String keyText(int slot) {
        int sub = owner(slot);
        if (!plan.isIpv6(sub)) {
            return AddressFormat.ipv4(plan.ipv4(sub));
        }
        return AddressFormat.ipv6Prefix(keyHi(sub, slot), keyLo(sub, slot), prefixLength);
    }

    /** The top {@code bits} of 64 set. */
    private static long mask(int bits) {
        return bits == 0 ? 0 : -1L << (64 - bits);
    }
}

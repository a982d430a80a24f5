package io.chargeflow.packet.gen;

/**
 * The user equipments of one run and their addresses, drawn once from the seed: an IPv4 address out of three
 * operator pools, or an IPv6 /64 out of three /32s with one to four interface ids inside it (so keying by prefix
 * and keying by address give different truths). Also each UE's GTP-U tunnel (TEID, eNB). Each address a UE uses
 * is one truth slot; {@link #slot} maps (UE, interface id index) to it. Built and read on the generating thread.
 */
final class SubscriberPlan {
    /** Gateway (S-GW/UPF N3) address of every GTP-U tunnel: 198.19.0.1, in the benchmarking range. */
    static final int GATEWAY_V4 = 0xC613_0001;

    private static final int[] V4_POOL_BASE = {0x0A00_0000, 0x6440_0000, 0xAC10_0000};
    private static final int[] V4_POOL_BITS = {23, 22, 20};
    private static final long[] V6_POOL = {0x2001_0DB8L, 0x2A01_0E35L, 0x2600_1700L};
    /** An odd multiplier: (k * it) mod 2^n is a bijection, so pool offsets never collide. */
    private static final long SPREAD = 0x9E37_79B1L;

    /** Longs per UE record: one 64-byte cache line, so a packet touches one line of the plan, not eight arrays. */
    private static final int STRIDE = 8;

    private static final int INFO = 0; // IPv4 address (low 32 bits), IPv6 flag (bit 32), interface id count (33..35)
    private static final int PREFIX_HI = 1;
    private static final int INTERFACE_IDS = 2; // 2..5
    private static final int SLOT_AND_TEID = 6; // truth slot base (low 32 bits), TEID (high 32 bits)
    private static final int ENB = 7;

    final int count;
    /** First truth slot of each UE, ascending: the reverse lookup (slot to UE) of the truth's final fold. */
    final int[] slotBase;

    final int slots;
    final int[] ipv4Members;
    final int[] ipv6Members;
    private final long[] records;

    SubscriberPlan(int count, double ipv6Share, long seed) {
        this.count = count;
        records = new long[count * STRIDE];
        slotBase = new int[count];
        boolean[] ipv6 = new boolean[count];
        int v6Count = 0;
        for (int i = 0; i < count; i++) {
            // Bresenham interleave: IPv6 UEs spread evenly over the index range, which the time windows walk.
            ipv6[i] = Math.floor((i + 1) * ipv6Share) > Math.floor(i * ipv6Share);
            if (ipv6[i]) {
                v6Count++;
            }
        }
        ipv4Members = new int[count - v6Count];
        ipv6Members = new int[v6Count];
        SplitMix64 random = new SplitMix64(SplitMix64.mix(seed ^ 0x5EED_AD0EL));
        int slot = 0;
        int v4Index = 0;
        int v6Index = 0;
        for (int i = 0; i < count; i++) {
            int r = i * STRIDE;
            slotBase[i] = slot;
            long teid = (int) SplitMix64.mix(seed + i) | 1;
            records[r + SLOT_AND_TEID] = teid << 32 | slot;
            records[r + ENB] = 0xC612_0001 + (i % 200); // 198.18.0.1..200: the eNBs
            int ids;
            if (ipv6[i]) {
                int k = v6Index;
                ipv6Members[v6Index++] = i;
                long low32 = ((k / 3 + 1) * SPREAD) & 0xFFFF_FFFFL;
                records[r + PREFIX_HI] = V6_POOL[k % 3] << 32 | low32;
                ids = 1 + (int) (SplitMix64.mix(seed * 31 + i) & 3);
                for (int j = 0; j < ids; j++) {
                    long iid = random.nextLong();
                    records[r + INTERFACE_IDS + j] = iid == 0 ? 1 : iid;
                }
                records[r + INFO] = 1L << 32 | (long) ids << 33;
            } else {
                int k = v4Index;
                ipv4Members[v4Index++] = i;
                int pool = k % 3;
                long mask = (1L << V4_POOL_BITS[pool]) - 1;
                int address = V4_POOL_BASE[pool] | (int) (((k / 3 + 1) * SPREAD) & mask);
                ids = 1;
                records[r + INFO] = (address & 0xFFFF_FFFFL) | 1L << 33;
            }
            slot += ids;
        }
        slots = slot;
    }

    boolean isIpv6(int subscriber) {
        return (records[subscriber * STRIDE + INFO] & 1L << 32) != 0;
    }

    int ipv4(int subscriber) {
        return (int) records[subscriber * STRIDE + INFO];
    }

    int interfaceIdCount(int subscriber) {
        return (int) (records[subscriber * STRIDE + INFO] >>> 33) & 7;
    }

    long prefixHi(int subscriber) {
        return records[subscriber * STRIDE + PREFIX_HI];
    }

    int teid(int subscriber) {
        return (int) (records[subscriber * STRIDE + SLOT_AND_TEID] >>> 32);
    }

    int enb(int subscriber) {
        return (int) records[subscriber * STRIDE + ENB];
    }

    int slot(int subscriber, int interfaceIdIndex) {
        return (int) records[subscriber * STRIDE + SLOT_AND_TEID] + interfaceIdIndex;
    }

    long interfaceId(int subscriber, int interfaceIdIndex) {
        return records[subscriber * STRIDE + INTERFACE_IDS + interfaceIdIndex];
    }
}

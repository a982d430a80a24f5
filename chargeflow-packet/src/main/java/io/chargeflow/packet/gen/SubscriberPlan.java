package io.chargeflow.packet.gen;

/**
 * The user equipments of one run and their addresses, drawn once from the seed: an IPv4 address out of three
 * operator pools, or an IPv6 /64 out of three /32s with one to four interface ids inside it (so keying by prefix
 * and keying by address give different truths). Also each UE's GTP-U tunnel (TEID, eNB). Each address a UE uses
 * is one truth slot; {@link #slot} maps (UE, interface id index) to it. Built and read on the generating thread.
 */
final class SubscriberPlan {
    static final int MAX_INTERFACE_IDS = 4;
    /** Gateway (S-GW/UPF N3) address of every GTP-U tunnel: 198.19.0.1, in the benchmarking range. */
    static final int GATEWAY_V4 = 0xC613_0001;

    private static final int[] V4_POOL_BASE = {0x0A00_0000, 0x6440_0000, 0xAC10_0000};
    private static final int[] V4_POOL_BITS = {23, 22, 20};
    private static final long[] V6_POOL = {0x2001_0DB8L, 0x2A01_0E35L, 0x2600_1700L};
    /** An odd multiplier: (k * it) mod 2^n is a bijection, so pool offsets never collide. */
    private static final long SPREAD = 0x9E37_79B1L;

    final int count;
    final boolean[] ipv6;
    final int[] ipv4;
    final long[] prefixHi;
    final long[] interfaceIds;
    final byte[] interfaceIdCount;
    final int[] slotBase;
    final int slots;
    final int[] teid;
    final int[] enb;
    final int[] ipv4Members;
    final int[] ipv6Members;

    SubscriberPlan(int count, double ipv6Share, long seed) {
        this.count = count;
        ipv6 = new boolean[count];
        ipv4 = new int[count];
        prefixHi = new long[count];
        interfaceIds = new long[count * MAX_INTERFACE_IDS];
        interfaceIdCount = new byte[count];
        slotBase = new int[count];
        teid = new int[count];
        enb = new int[count];
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
            slotBase[i] = slot;
            teid[i] = (int) SplitMix64.mix(seed + i) | 1;
            enb[i] = 0xC612_0001 + (i % 200); // 198.18.0.1..200: the eNBs
            if (ipv6[i]) {
                int k = v6Index;
                ipv6Members[v6Index++] = i;
                long low32 = ((k / 3 + 1) * SPREAD) & 0xFFFF_FFFFL;
                prefixHi[i] = V6_POOL[k % 3] << 32 | low32;
                int ids = 1 + (int) (SplitMix64.mix(seed * 31 + i) & 3);
                interfaceIdCount[i] = (byte) ids;
                for (int j = 0; j < ids; j++) {
                    long iid = random.nextLong();
                    interfaceIds[i * MAX_INTERFACE_IDS + j] = iid == 0 ? 1 : iid;
                }
                slot += ids;
            } else {
                int k = v4Index;
                ipv4Members[v4Index++] = i;
                int pool = k % 3;
                long mask = (1L << V4_POOL_BITS[pool]) - 1;
                ipv4[i] = V4_POOL_BASE[pool] | (int) (((k / 3 + 1) * SPREAD) & mask);
                interfaceIdCount[i] = 1;
                slot += 1;
            }
        }
        slots = slot;
    }

    int slot(int subscriber, int interfaceIdIndex) {
        return slotBase[subscriber] + interfaceIdIndex;
    }

    long interfaceId(int subscriber, int interfaceIdIndex) {
        return interfaceIds[subscriber * MAX_INTERFACE_IDS + interfaceIdIndex];
    }
}

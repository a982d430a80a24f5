package io.chargeflow.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.packet.DecodedPacket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reader's flow hash: the same both ways, and not shared at will by flows a client can choose. */
class FlowHashTest {
    private static final long SEED = 0x5EED_0F_F10AL;

    @Test
    void shouldGiveBothDirectionsOfAFlowTheSameHash() {
        assertThat(FlowManager.flowHash(v4(0x0A000001, 40000, 0xC6336405, 443), SEED))
                .isEqualTo(FlowManager.flowHash(v4(0xC6336405, 443, 0x0A000001, 40000), SEED));
        assertThat(FlowManager.flowHash(v6(0x20010db800010002L, 0xabcL, 40000, 0x20010db8ffff0000L, 0x5L, 443), SEED))
                .isEqualTo(FlowManager.flowHash(
                        v6(0x20010db8ffff0000L, 0x5L, 443, 0x20010db800010002L, 0xabcL, 40000), SEED));
        // the same address on both ends: the ports alone order them
        assertThat(FlowManager.flowHash(v4(0x7F000001, 5000, 0x7F000001, 6000), SEED))
                .isEqualTo(FlowManager.flowHash(v4(0x7F000001, 6000, 0x7F000001, 5000), SEED));
    }

    @Test
    void shouldSpreadFlowsWhoseEndsAndPortsHaveTheSameXor() {
        // 4,096 port pairs with one XOR between one client and one server, and 4,096 address pairs with one XOR: an
        // XOR of the ends gave each group a single hash (one slot of the flow table for all of them)
        Set<Integer> ports = new HashSet<>();
        Set<Integer> addresses = new HashSet<>();
        for (int i = 0; i < 4096; i++) {
            ports.add(FlowManager.flowHash(v4(0x0A000001, 40000 + i, 0xC6336405, (40000 + i) ^ 0x1234), SEED));
            addresses.add(FlowManager.flowHash(v4(0x0A000000 + i, 40000, 0xC6330000 ^ i, 443), SEED));
        }
        assertThat(ports).hasSizeGreaterThan(4090);
        assertThat(addresses).hasSizeGreaterThan(4090);
        // two hosts of one IPv6 /64 to the same server and port: two flows
        assertThat(FlowManager.flowHash(v6(0x20010db800010002L, 0x1L, 40000, 0x20010db8ffff0000L, 0x5L, 443), SEED))
                .isNotEqualTo(FlowManager.flowHash(
                        v6(0x20010db800010002L, 0x2L, 40000, 0x20010db8ffff0000L, 0x5L, 443), SEED));
    }

    @Test
    void shouldPlaceTheSameFlowElsewhereUnderAnotherSeed() {
        int same = 0;
        for (int i = 0; i < 1000; i++) {
            DecodedPacket p = v4(0x0A000001, 40000 + i, 0xC6336405, 443);
            if (FlowManager.flowHash(p, SEED) == FlowManager.flowHash(p, SEED + 1)) {
                same++;
            }
        }
        assertThat(same).isLessThan(3);
    }

    private static DecodedPacket v4(int src, int srcPort, int dst, int dstPort) {
        DecodedPacket p = new DecodedPacket();
        p.ipVersion = 4;
        p.srcV4 = src;
        p.dstV4 = dst;
        p.srcPort = srcPort;
        p.dstPort = dstPort;
        p.protocol = 6;
        return p;
    }

    private static DecodedPacket v6(long srcHi, long srcLo, int srcPort, long dstHi, long dstLo, int dstPort) {
        DecodedPacket p = new DecodedPacket();
        p.ipVersion = 6;
        p.srcHi = srcHi;
        p.srcLo = srcLo;
        p.dstHi = dstHi;
        p.dstLo = dstLo;
        p.srcPort = srcPort;
        p.dstPort = dstPort;
        p.protocol = 6;
        return p;
    }
}

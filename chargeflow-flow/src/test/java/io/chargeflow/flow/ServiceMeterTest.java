package io.chargeflow.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.flow.internal.RecordLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceMeterTest {
    private static final long T0 = 1_700_000_000_000_000_000L;

    @Test
    void shouldCountExactlyPastTheLimitsOfThePackedCounters() {
        ServiceRules rules = ServiceRules.parse(List.of("dns: rg=20 proto=udp port=53", "default: rg=1"), "r");
        ServiceMeter meter = new ServiceMeter(rules, 16, 120_000_000_000L, 60_000_000_000L, null, false);
        long[] words = new long[ServiceMeter.WORDS];
        long ports = RecordLayout.PORTS_KNOWN_BIT | (53L << 16) | 40000;
        long ulPackets = 0;
        long ulBytes = 0;
        long dlPackets = 0;
        long dlBytes = 0;
        // 17M uplink packets pass 2^24 packets (the packed field); the first 1.2M, of 1,000,000 octets, pass 2^40
        // octets
        for (int i = 0; i < 17_000_000; i++) {
            boolean downlink = i % 1000 == 999;
            int bytes = i < 1_200_000 ? 1_000_000 : 64 + (i & 511);
            long meta = RecordLayout.meta(bytes, downlink, false, 17, 7);
            meter.onPacket(words, 0, 0, 42, 0, 1, 0, 2, ports, meta, 0, T0 + i * 1000L);
            if (downlink) {
                dlPackets++;
                dlBytes += bytes;
            } else {
                ulPackets++;
                ulBytes += bytes;
            }
        }
        assertThat(ulPackets).isGreaterThan(1L << 24);
        assertThat(ulBytes).isGreaterThan(1L << 40);
        List<ServiceUsage> usage = meter.close(words, 0, 42, true);
        assertThat(usage).hasSize(1);
        ServiceUsage dns = usage.get(0);
        assertThat(dns.ratingGroup()).isEqualTo(20);
        assertThat(new long[] {dns.ulPackets(), dns.ulBytes(), dns.dlPackets(), dns.dlBytes()})
                .containsExactly(ulPackets, ulBytes, dlPackets, dlBytes);
        assertThat(dns.firstUsageNs()).isEqualTo(T0);
        assertThat(dns.lastUsageNs()).isEqualTo(T0 + 16_999_999 * 1000L);
        assertThat(dns.activeNs()).isEqualTo(16_999_999 * 1000L);
    }

    @Test
    void shouldKeepEverySessionsContainersApartWhenTheirHotRowsLeaveTheSessionRowAndAreReused() {
        List<String> lines = new java.util.ArrayList<>();
        for (int port = 1; port <= 7; port++) {
            lines.add("r" + port + ": rg=" + (10 * port) + " proto=udp port=" + port);
        }
        lines.add("default: rg=1");
        ServiceRules rules = ServiceRules.parse(lines, "r");
        ServiceMeter meter = new ServiceMeter(rules, 16, 120_000_000_000L, 60_000_000_000L, null, false);
        int sessions = 600;
        long[] words = new long[sessions * ServiceMeter.WORDS];
        java.util.Random random = new java.util.Random(23);
        for (int round = 0; round < 2; round++) {
            // 7 decisions per session: 3 of them keep their hot rows outside the session row (1,800 > 1,024 rows)
            long[][] expected = new long[sessions][8];
            for (int i = 0; i < 40 * sessions; i++) {
                int session = random.nextInt(sessions);
                int port = 1 + random.nextInt(7);
                int bytes = 28 + random.nextInt(1400);
                long ports = RecordLayout.PORTS_KNOWN_BIT | ((long) port << 16) | 40000;
                long meta = RecordLayout.meta(bytes, false, false, 17, 7);
                meter.onPacket(
                        words,
                        session * ServiceMeter.WORDS,
                        session,
                        round * 1000L + session,
                        0,
                        session,
                        0,
                        2,
                        ports,
                        meta,
                        0,
                        T0 + i);
                expected[session][port] += bytes;
            }
            for (int session = 0; session < sessions; session++) {
                List<ServiceUsage> usage =
                        meter.close(words, session * ServiceMeter.WORDS, round * 1000L + session, true);
                long[] actual = new long[8];
                for (ServiceUsage u : usage) {
                    actual[u.ratingGroup() / 10] = u.ulBytes();
                }
                assertThat(actual).as("round %d session %d", round, session).containsExactly(expected[session]);
            }
        }
    }

    @Test
    void shouldCountTheCommonPacketsExactlyAsTheFullPathDoes() throws Exception {
        ServiceRules rules = ServiceRules.load(java.nio.file.Path.of("../examples/services.rules"));
        assertThat(rules.usesNames()).isTrue();
        ServiceMeter full = new ServiceMeter(rules, 16, 120_000_000_000L, 60_000_000_000L, null, false);
        ServiceMeter fast = new ServiceMeter(rules, 16, 120_000_000_000L, 60_000_000_000L, null, false);
        int sessions = 50;
        long[] fullWords = new long[sessions * ServiceMeter.WORDS];
        long[] fastWords = new long[sessions * ServiceMeter.WORDS];
        java.util.Random random = new java.util.Random(41);
        int[] protocols = {6, 6, 6, 17, 17, 17, 1, 58, 132};
        int[] serverPorts = {443, 80, 53, 5060, 12000, 8080, 22, 443};
        long time = T0;
        long common = 0;
        int packets = 700_000;
        for (int i = 0; i < packets; i++) {
            // session 0 gets large packets often enough that its counters spill from the packed fields
            int session = i % 7 == 0 ? 0 : random.nextInt(sessions);
            int protocol = protocols[random.nextInt(protocols.length)];
            int serverPort = serverPorts[random.nextInt(serverPorts.length)];
            int flow = random.nextInt(4);
            boolean syn = protocol == 6 && random.nextInt(16) == 0;
            boolean payload = !syn || random.nextInt(4) == 0;
            long nameMask = protocol == 6 && random.nextInt(40) == 0 ? 1 : 0;
            int bytes = session == 0 ? 1_000_000 : 40 + random.nextInt(1400);
            long meta = RecordLayout.meta(
                    bytes, random.nextBoolean(), false, protocol, (int) SubscriberKeys.hash(session, flow));
            long ports = ports(serverPort, flow, syn, payload);
            long peerLo = SubscriberKeys.ipv4Lo(0x08080800 + flow);
            time += random.nextInt(100) == 0 ? 90_000_000_000L : random.nextInt(2_000_000);
            int s = session * ServiceMeter.WORDS;
            full.onPacket(fullWords, s, session, session, 0, session, 0, peerLo, ports, meta, nameMask, time);
            if (meter(fast, fastWords, session, peerLo, ports, meta, nameMask, time)) {
                common++;
            }
            if (i % 100_000 == 99_999) {
                fast.sweep(time);
                full.sweep(time);
            }
        }
        // both paths metered a good share of the packets
        assertThat(common).isBetween(packets / 10L, packets - 1000L);
        assertSameContainers(full, fullWords, fast, fastWords, sessions, 1);
    }

    /**
     * Sweeps follow the reader's watermark, so when one comes is a matter of thread timing: a flow idle past its
     * timeout must be gone for its next packet whether or not a sweep removed it.
     */
    @Test
    void shouldDecideTheSameWhetherOrNotASweepRemovedAnIdleFlow() throws Exception {
        ServiceRules rules = ServiceRules.load(java.nio.file.Path.of("../examples/services.rules"));
        ServiceMeter often = new ServiceMeter(rules, 16, 120_000_000_000L, 60_000_000_000L, null, false);
        ServiceMeter rarely = new ServiceMeter(rules, 16, 120_000_000_000L, 60_000_000_000L, null, false);
        int sessions = 50;
        long[] oftenWords = new long[sessions * ServiceMeter.WORDS];
        long[] rarelyWords = new long[sessions * ServiceMeter.WORDS];
        java.util.Random random = new java.util.Random(43);
        long time = T0;
        int idleReturns = 0;
        long[] lastSeen = new long[sessions * 4];
        for (int i = 0; i < 300_000; i++) {
            int session = random.nextInt(sessions);
            int flow = random.nextInt(4);
            // the flows open with a SYN now and then, and name the server often enough to be held decided
            boolean syn = random.nextInt(16) == 0;
            boolean payload = !syn || random.nextInt(4) == 0;
            long nameMask = random.nextInt(8) == 0 ? 1 : 0;
            long meta = RecordLayout.meta(40 + random.nextInt(1400), random.nextBoolean(), false, 6, (int)
                    SubscriberKeys.hash(session, flow));
            long ports = ports(443, flow, syn, payload);
            long peerLo = SubscriberKeys.ipv4Lo(0x08080800 + flow);
            time += random.nextInt(100) == 0 ? 30_000_000_000L : random.nextInt(2_000_000);
            int key = session * 4 + flow;
            if (lastSeen[key] != 0 && time - lastSeen[key] > 120_000_000_000L) {
                idleReturns++;
            }
            lastSeen[key] = time;
            meter(often, oftenWords, session, peerLo, ports, meta, nameMask, time);
            meter(rarely, rarelyWords, session, peerLo, ports, meta, nameMask, time);
            if (i % 500 == 499) {
                often.sweep(time);
            }
        }
        // the stream has flows that come back after their idle timeout
        assertThat(idleReturns).isGreaterThan(1000);
        assertSameContainers(often, oftenWords, rarely, rarelyWords, sessions, 2);
    }

    /** A TCP or UDP ports word as the reader writes it: server port, the flow's client port, payload and SYN bits. */
    private static long ports(int serverPort, int flow, boolean syn, boolean payload) {
        return RecordLayout.PORTS_KNOWN_BIT
                | ((long) serverPort << 16)
                | (40000 + flow)
                | (payload ? RecordLayout.PAYLOAD_BIT : 0)
                | (syn ? RecordLayout.SYN_BIT : 0);
    }

    /** Meters a packet of session {@code session} (key 0/session) as the processor does; true when the inline path took it. */
    private static boolean meter(
            ServiceMeter meter, long[] words, int session, long peerLo, long ports, long meta, long nameMask, long t) {
        int s = session * ServiceMeter.WORDS;
        if (meter.countCommon(words, s, session, 0, session, 0, peerLo, ports, meta, nameMask, t)) {
            return true;
        }
        meter.onPacket(words, s, session, session, 0, session, 0, peerLo, ports, meta, nameMask, t);
        return false;
    }

    /** Closes every session on both meters and requires the same containers, at least {@code minimum} a session. */
    private static void assertSameContainers(
            ServiceMeter expected,
            long[] expectedWords,
            ServiceMeter actual,
            long[] actualWords,
            int sessions,
            int minimum) {
        for (int session = 0; session < sessions; session++) {
            int s = session * ServiceMeter.WORDS;
            List<ServiceUsage> want = expected.close(expectedWords, s, session, true);
            assertThat(want).hasSizeGreaterThanOrEqualTo(minimum);
            assertThat(actual.close(actualWords, s, session, true))
                    .as("session %d", session)
                    .containsExactlyElementsOf(want);
        }
    }

    @Test
    void shouldGiveANewFlowNoActiveTimeFromTheFlowWhoseTableRowItReuses() throws Exception {
        ServiceMeter meter = exampleRulesMeter();
        long[] words = new long[ServiceMeter.WORDS];
        long second = 1_000_000_000L;
        // flows X, Y, Z of one session to port 443; X and Y open with a SYN, X is decided by its first payload and
        // leaves the table (Y's row moves into X's), then Z opens in the row Y left and is decided by a name
        meter.onPacket(words, 0, 0, 42, 0, 1, 0, 2, tcp(40001, true), tcpMeta(1), 0, T0);
        meter.onPacket(words, 0, 0, 42, 0, 1, 0, 2, tcp(40002, true), tcpMeta(2), 0, T0 + second);
        meter.onPacket(words, 0, 0, 42, 0, 1, 0, 2, tcp(40001, false), tcpMeta(1), 0, T0 + 2 * second);
        meter.onPacket(words, 0, 0, 42, 0, 1, 0, 2, tcp(40003, true), tcpMeta(3), 0, T0 + 10 * second);
        meter.onPacket(words, 0, 0, 42, 0, 1, 0, 2, tcp(40003, false), tcpMeta(3), 1, T0 + 11 * second);
        java.util.Map<Integer, ServiceUsage> byRg = closeByRatingGroup(meter, words, 42);
        // web was active from 0 to 10 s (the gaps before Z's handshake stay there); Z took to video only its own
        // usage: two packets and the second between them. A row that kept Y's last packet time gave Z 9 s of
        // activity it never had, moved out of web
        assertThat(byRg.get(10).activeNs()).isEqualTo(10 * second);
        assertThat(byRg.get(100).ulPackets()).isEqualTo(2);
        assertThat(byRg.get(100).activeNs()).isEqualTo(second);
    }

    @Test
    void shouldNotGiveAFlowTheDecisionOfAnotherWhoseFilterBitsItShares() throws Exception {
        // two flows with the same session key, server and ports (two hosts of one IPv6 /64, say) but different flow
        // hashes whose filter bits coincide (bit 20 of the hash takes no part in them): the first is decided by its
        // server name, the second names nothing and must decide on its own, not find the first in the table
        ServiceMeter meter = exampleRulesMeter();
        long[] words = new long[ServiceMeter.WORDS];
        long second = 1_000_000_000L;
        int named = 0x0ABC_0123;
        int other = named ^ (1 << 20);
        meter(meter, words, 0, 2, tcp(40001, false), tcpMeta(named), 1, T0);
        meter(meter, words, 0, 2, tcp(40001, false), tcpMeta(other), 0, T0 + second);
        meter(meter, words, 0, 2, tcp(40001, false), tcpMeta(other), 0, T0 + 2 * second);
        meter(meter, words, 0, 2, tcp(40001, false), tcpMeta(named), 0, T0 + 3 * second);
        java.util.Map<Integer, ServiceUsage> byRg = closeByRatingGroup(meter, words, 0);
        assertThat(byRg).containsOnlyKeys(100, 10);
        assertThat(List.of(byRg.get(100).ulPackets(), byRg.get(10).ulPackets())).containsExactly(2L, 2L);
    }

    @Test
    void shouldFindEveryFlowOfCollidingClustersAcrossRemovalsAndTheTablesEnd() throws Exception {
        // 300 flows in a table of 1,024 slots: homes at the last slot (that cluster wraps to slot 0 and mixes with the
        // one at slot 0) and at 500; flow 0 takes the last slot and leaves it, so flows behind it move back across
        // the table's end
        assertEveryFlowFound(300, new int[] {0xFFFF_FFFF, 0, 500});
    }

    @Test
    void shouldFindEveryFlowOfCollidingClustersWhileTheTableGrows() throws Exception {
        assertEveryFlowFound(1500, new int[] {0xFFFF_FFFF, 0, 1023});
    }

    /**
     * {@code flows} flows of one session whose reader's flow hashes cycle through {@code homes}: odd flows are decided
     * by a server name and stay in the table; even flows open with a SYN and leave it at their first payload, from the
     * middle of their clusters. Every named flow must still be found afterwards (its packets keep the video decision),
     * and a sweep after the idle timeout must empty the table.
     */
    private static void assertEveryFlowFound(int flows, int[] homes) throws Exception {
        ServiceMeter meter = exampleRulesMeter();
        long[] words = new long[ServiceMeter.WORDS];
        long t = T0;
        for (int i = 0; i < flows; i++) {
            boolean named = (i & 1) == 1;
            meter(
                    meter,
                    words,
                    0,
                    peer(i),
                    ports(443, i, !named, named),
                    tcpMeta(homes[i % homes.length]),
                    named ? 1 : 0,
                    t += 1000);
        }
        assertThat(meter.flowCount()).isEqualTo(flows);
        for (int i = 0; i < flows; i += 2) {
            meter(meter, words, 0, peer(i), ports(443, i, false, true), tcpMeta(homes[i % homes.length]), 0, t += 1000);
        }
        assertThat(meter.flowCount()).isEqualTo(flows / 2);
        for (int i = 1; i < flows; i += 2) {
            meter(meter, words, 0, peer(i), ports(443, i, false, true), tcpMeta(homes[i % homes.length]), 0, t += 1000);
        }
        // idle past the flow timeout, a sweep empties the table; a named flow's next packet decides on its own (web)
        t += 121_000_000_000L;
        meter.sweep(t);
        assertThat(meter.flowCount()).isZero();
        meter(meter, words, 0, peer(1), ports(443, 1, false, true), tcpMeta(homes[1]), 0, t);
        java.util.Map<Integer, ServiceUsage> byRg = closeByRatingGroup(meter, words, 0);
        assertThat(byRg).containsOnlyKeys(100, 10);
        assertThat(byRg.get(100).ulPackets()).isEqualTo(flows);
        assertThat(byRg.get(10).ulPackets()).isEqualTo(flows + 1);
    }

    private static long peer(int i) {
        return SubscriberKeys.ipv4Lo(0x08080000 + i);
    }

    /** A meter of examples/services.rules without records (flow idle 120 s, activity 60 s). */
    private static ServiceMeter exampleRulesMeter() throws java.io.IOException {
        ServiceRules rules = ServiceRules.load(java.nio.file.Path.of("../examples/services.rules"));
        return new ServiceMeter(rules, 16, 120_000_000_000L, 60_000_000_000L, null, false);
    }

    /** Closes the session whose words start at 0 and returns its containers by rating group. */
    private static java.util.Map<Integer, ServiceUsage> closeByRatingGroup(
            ServiceMeter meter, long[] words, long sessionId) {
        java.util.Map<Integer, ServiceUsage> byRg = new java.util.HashMap<>();
        for (ServiceUsage u : meter.close(words, 0, sessionId, true)) {
            byRg.put(u.ratingGroup(), u);
        }
        return byRg;
    }

    private static long tcp(int clientPort, boolean syn) {
        return ports(443, clientPort - 40000, syn, !syn);
    }

    private static long tcpMeta(int flowHash) {
        return RecordLayout.meta(100, false, false, 6, flowHash);
    }
}

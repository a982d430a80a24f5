package io.chargeflow.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.packet.CaptureSource;
import io.chargeflow.packet.Captures;
import io.chargeflow.testsupport.CaptureBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlowEngineTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path dir;

    private static byte[] udp(int vlan, String src, String dst, int payload) {
        return CaptureBuilder.frame()
                .ethernet()
                .vlan(vlan)
                .ipv4(src, dst)
                .udp(40000, 443)
                .payload(payload)
                .build();
    }

    private List<ClosedSession> run(FlowContext context, CaptureBuilder.Pcap pcap) throws Exception {
        Path file = pcap.write(dir.resolve("c" + System.nanoTime() + ".pcap"));
        List<ClosedSession> closed = Collections.synchronizedList(new ArrayList<>());
        context.sessionListener(closed::add);
        FlowEngine engine = new FlowEngine(context);
        engine.start();
        try (CaptureSource source = Captures.open(file)) {
            engine.read(source);
        }
        engine.finish();
        lastEngine = engine;
        List<ClosedSession> sorted = new ArrayList<>(closed);
        sorted.sort(Comparator.comparingLong(ClosedSession::firstSeenNs).thenComparingLong(ClosedSession::keyLo));
        return sorted;
    }

    private FlowEngine lastEngine;

    private static long v4(int a, int b, int c, int d) {
        return SubscriberKeys.ipv4Lo((a << 24) | (b << 16) | (c << 8) | d);
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 128})
    void shouldVisitSubscribersInKeyOrderAcrossTheWholeAddressSpaceAndProcessors(int ipv6Prefix) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap();
        List<long[]> expected = new ArrayList<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        // the ends of the range and its sign boundary, then random addresses (every first octet possible)
        List<Integer> addresses = new ArrayList<>(List.of(0, 1, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, 0xFFFF_FFFF));
        for (int i = 0; i < 300; i++) {
            addresses.add(random.nextInt());
        }
        long t = T0;
        for (int address : addresses) {
            if (!seen.add(address)) {
                continue;
            }
            String src = (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "."
                    + (address & 0xFF);
            pcap.frame(t++, udp(100, src, "192.0.2.1", 10));
            expected.add(new long[] {0, SubscriberKeys.ipv4Lo(address)});
        }
        for (int i = 0; i < 40; i++) {
            // a few shared /64s (so that, keyed by full address, the low half decides), both signs in each half
            long hi = i % 4 == 0 ? random.nextLong() : (i % 2 == 0 ? 0x2001_0db8_0000_0001L : 0xFE80_0000_0000_0000L);
            long lo = random.nextLong();
            String src = String.format(
                    "%x:%x:%x:%x:%x:%x:%x:%x",
                    hi >>> 48,
                    hi >>> 32 & 0xFFFF,
                    hi >>> 16 & 0xFFFF,
                    hi & 0xFFFF,
                    lo >>> 48,
                    lo >>> 32 & 0xFFFF,
                    lo >>> 16 & 0xFFFF,
                    lo & 0xFFFF);
            byte[] frame = CaptureBuilder.frame()
                    .ethernet()
                    .vlan(100)
                    .ipv6(src, "2001:db8::1")
                    .udp(40000, 443)
                    .payload(10)
                    .build();
            pcap.frame(t++, frame);
            long[] key = {hi, ipv6Prefix == 128 ? lo : 0};
            if (expected.stream().noneMatch(k -> k[0] == key[0] && k[1] == key[1])) {
                expected.add(key);
            }
        }
        expected.sort((a, b) -> Processor.compareKeys(a[0], a[1], b[0], b[1]));
        run(new FlowContext().processors(3).ipv6PrefixLength(ipv6Prefix), pcap);
        List<long[]> visited = new ArrayList<>();
        lastEngine.forEachSubscriber((hi, lo, ulP, ulB, dlP, dlB, sessions, p2p, peerHi, peerLo, identity) ->
                visited.add(new long[] {hi, lo}));
        assertThat(visited).as("seed %d", seed).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(visited.get(i)).as("seed %d, row %d", seed, i).containsExactly(expected.get(i));
        }
    }

    @Test
    void shouldChargeSourceUplinkAndDestinationDownlinkWhenSidesComeFromVlans() throws Exception {
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap()
                .frame(T0, udp(100, "10.0.0.1", "8.8.8.8", 100)) // 128 IP bytes uplink for 10.0.0.1
                .frame(T0 + SECOND, udp(200, "8.8.8.8", "10.0.0.1", 1000)) // 1028 downlink for 10.0.0.1
                .frame(T0 + 2 * SECOND, udp(300, "10.0.0.9", "8.8.8.8", 10)) // other VLAN: unclassified
                .frame(T0 + 3 * SECOND, udp(100, "10.0.0.2", "8.8.4.4", 0)); // 28 uplink for 10.0.0.2
        List<ClosedSession> sessions = run(new FlowContext().processors(2), pcap);
        assertThat(sessions).hasSize(2);
        ClosedSession a = sessions.get(0);
        assertThat(a.keyLo()).isEqualTo(v4(10, 0, 0, 1));
        assertThat(List.of(a.ulPackets(), a.ulBytes(), a.dlPackets(), a.dlBytes()))
                .containsExactly(1L, 128L, 1L, 1028L);
        assertThat(a.firstSeenNs()).isEqualTo(T0);
        assertThat(a.lastSeenNs()).isEqualTo(T0 + SECOND);
        assertThat(a.cause()).isEqualTo(CloseCause.END_OF_INPUT);
        ClosedSession b = sessions.get(1);
        assertThat(b.keyLo()).isEqualTo(v4(10, 0, 0, 2));
        assertThat(List.of(b.ulPackets(), b.ulBytes(), b.dlPackets(), b.dlBytes()))
                .containsExactly(1L, 28L, 0L, 0L);
        assertThat(lastEngine.flowManager().unclassifiedPackets()).isEqualTo(1);
        assertThat(lastEngine.flowManager().unclassifiedBytes()).isEqualTo(38);
    }

    @Test
    void shouldBillBothEndsAndMarkPeersWhenTrafficIsPeerToPeer() throws Exception {
        byte[] hairpin1 = udp(100, "10.45.0.1", "10.45.0.2", 72);
        byte[] hairpin2 = udp(200, "10.45.0.1", "10.45.0.2", 72);
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap()
                .frame(T0, hairpin1)
                .frame(T0 + 1000, hairpin2)
                .frame(T0 + 2000, udp(100, "10.45.0.1", "1.1.1.1", 0));
        FlowContext context = new FlowContext().processors(3).subscriberPools(AddressPools.of(List.of("10.45.0.0/16")));
        List<ClosedSession> sessions = run(context, pcap);
        assertThat(sessions).hasSize(2);
        ClosedSession sender = sessions.stream()
                .filter(s -> s.keyLo() == v4(10, 45, 0, 1))
                .findFirst()
                .orElseThrow();
        ClosedSession receiver = sessions.stream()
                .filter(s -> s.keyLo() == v4(10, 45, 0, 2))
                .findFirst()
                .orElseThrow();
        assertThat(List.of(sender.ulPackets(), sender.ulBytes(), sender.dlPackets()))
                .containsExactly(2L, 128L, 0L);
        assertThat(sender.peerToPeer()).isTrue();
        assertThat(sender.peerLo()).isEqualTo(v4(10, 45, 0, 2));
        assertThat(List.of(receiver.ulPackets(), receiver.dlPackets(), receiver.dlBytes()))
                .containsExactly(0L, 1L, 100L);
        assertThat(receiver.peerToPeer()).isTrue();
        assertThat(receiver.peerLo()).isEqualTo(v4(10, 45, 0, 1));
        assertThat(lastEngine.flowManager().peerToPeerPackets()).isEqualTo(2);
    }

    /** A directory that answers every address with subscriber N, N its last octet, bound from just before the ask. */
    private static SubscriberDirectory numberedDirectory() {
        return (hi, lo, prefix, atMs, reply) -> {
            long who = lo & 0xFF;
            reply.onLookupResult(
                    hi,
                    lo,
                    atMs,
                    new Subscriber(who, "00101000000000" + who, "49151" + who, "a" + who, "basic"),
                    atMs - 1,
                    Long.MAX_VALUE);
        };
    }

    @Test
    void shouldMarkPeerToPeerByTheDirectorysBoundAddressesWithoutPools() throws Exception {
        // 10.45.0.1 and 10.45.0.2 are bound, 10.45.0.3 is not: the first pair talk to each other, and .3 (a key, as
        // the sender on the subscriber side, but bound to no one) sends to .1, a subscriber
        SubscriberDirectory directory = numberedDirectory();
        BoundAddresses bound = BoundAddresses.of(
                new long[] {0, 0}, new long[] {v4(10, 45, 0, 1), v4(10, 45, 0, 2)}, new int[] {128, 128}, 2);
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap()
                .frame(T0, udp(100, "10.45.0.1", "10.45.0.2", 10))
                .frame(T0 + 1000, udp(200, "10.45.0.1", "10.45.0.2", 10))
                .frame(T0 + 2000, udp(100, "10.45.0.3", "10.45.0.1", 10));
        FlowContext context =
                new FlowContext().processors(2).directory(directory).boundAddresses(() -> bound);
        List<ClosedSession> sessions = run(context, pcap);
        assertThat(sessions).hasSize(3);
        for (ClosedSession s : sessions) {
            long self = s.keyLo() & 0xFF;
            if (self == 3) {
                // its uplink to a bound address is peer-to-peer for it (the other end is a subscriber)
                assertThat(s.peerToPeer()).isTrue();
                assertThat(s.peerSubscriber().subscriberId()).isEqualTo(1);
            } else {
                assertThat(s.peerToPeer()).isTrue();
                assertThat(s.peerSubscriber().subscriberId()).isEqualTo(3 - self);
            }
        }
        // without the bound addresses (and no pools): no peer-to-peer at all
        List<ClosedSession> plain = run(new FlowContext().processors(2).directory(directory), pcap);
        assertThat(plain).extracting(ClosedSession::peerToPeer).containsOnly(false);
    }

    @Test
    void shouldCarryBothIdentitiesWhenPeerToPeerSubscribersAreInTheDirectory() throws Exception {
        SubscriberDirectory directory = numberedDirectory();
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap()
                .frame(T0, udp(100, "10.45.0.1", "10.45.0.2", 10))
                .frame(T0 + 1000, udp(200, "10.45.0.1", "10.45.0.2", 10));
        FlowContext context = new FlowContext()
                .processors(2)
                .directory(directory)
                .subscriberPools(AddressPools.of(List.of("10.45.0.0/16")));
        List<ClosedSession> sessions = run(context, pcap);
        assertThat(sessions).hasSize(2);
        for (ClosedSession s : sessions) {
            long self = s.keyLo() & 0xFF;
            assertThat(s.subscriber().subscriberId()).isEqualTo(self);
            assertThat(s.peerSubscriber().subscriberId()).isEqualTo(3 - self);
            assertThat(s.peerSubscriber().imsi()).isEqualTo("00101000000000" + (3 - self));
        }
    }

    @Test
    void shouldCloseOnPacketTimeWhenSubscriberIsIdleLongerThanTimeout() throws Exception {
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap()
                .frame(T0, udp(100, "10.0.0.1", "8.8.8.8", 0))
                .frame(T0 + 100 * SECOND, udp(100, "10.0.0.1", "8.8.8.8", 0))
                .frame(T0 + 500 * SECOND, udp(100, "10.0.0.1", "8.8.8.8", 0))
                .frame(T0 + 520 * SECOND, udp(100, "10.0.0.7", "8.8.8.8", 0));
        List<ClosedSession> sessions = run(new FlowContext().processors(1).idleTimeout(Duration.ofSeconds(300)), pcap);
        assertThat(sessions)
                .extracting(ClosedSession::cause)
                .containsExactly(CloseCause.IDLE_TIMEOUT, CloseCause.END_OF_INPUT, CloseCause.END_OF_INPUT);
        assertThat(sessions.get(0).ulPackets()).isEqualTo(2);
        assertThat(sessions.get(0).closeTimeNs()).isEqualTo(T0 + 400 * SECOND);
        assertThat(sessions.get(1).firstSeenNs()).isEqualTo(T0 + 500 * SECOND);
        assertThat(sessions.get(1).ulPackets()).isEqualTo(1);
    }

    @Test
    void shouldKeyIpv6ByPrefixWhenAddressesShareTheSlash64() throws Exception {
        byte[] a = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv6("2001:db8:1:2::1", "2001:db8:ff::1")
                .udp(1, 2)
                .payload(12)
                .build();
        byte[] b = CaptureBuilder.frame()
                .ethernet()
                .vlan(200)
                .ipv6("2001:db8:ff::1", "2001:db8:1:2:aaaa::9")
                .udp(2, 1)
                .payload(2)
                .build();
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap().frame(T0, a).frame(T0 + 1, b);
        List<ClosedSession> sessions = run(new FlowContext().processors(2), pcap);
        assertThat(sessions).hasSize(1);
        ClosedSession s = sessions.get(0);
        assertThat(SubscriberKeys.format(s.keyHi(), s.keyLo(), 64)).isEqualTo("2001:db8:1:2::/64");
        assertThat(List.of(s.ulBytes(), s.dlBytes())).containsExactly(60L, 50L);

        List<ClosedSession> full = run(new FlowContext().processors(2).ipv6PrefixLength(128), pcap);
        assertThat(full).hasSize(2);
    }

    private static SubscriberDirectory directory(long bindingEndMs) {
        return (hi, lo, prefix, atMs, reply) -> {
            if (lo == v4(10, 0, 0, 1) && atMs < bindingEndMs) {
                reply.onLookupResult(
                        hi,
                        lo,
                        atMs,
                        new Subscriber(7, "001010000000007", "4915100007", "acct-7", "gold"),
                        atMs - 1000,
                        bindingEndMs);
            } else {
                reply.onLookupResult(hi, lo, atMs, null, atMs, Long.MAX_VALUE);
            }
        };
    }

    private static CaptureBuilder.Pcap threePackets() {
        return CaptureBuilder.pcap()
                .frame(T0, udp(100, "10.0.0.1", "8.8.8.8", 0))
                .frame(T0 + 10 * SECOND, udp(100, "10.0.0.1", "8.8.8.8", 0))
                .frame(T0 + 60 * SECOND, udp(100, "10.0.0.1", "8.8.8.8", 0));
    }

    @Test
    void shouldChargeWhoeverHeldTheAddressWhenBindingEndsMidSession() throws Exception {
        long bindingEndMs = (T0 + 50 * SECOND) / 1_000_000;
        List<ClosedSession> sessions =
                run(new FlowContext().processors(1).directory(directory(bindingEndMs)), threePackets());
        assertThat(sessions).hasSize(2);
        assertThat(sessions.get(0).cause()).isEqualTo(CloseCause.BINDING_CHANGE);
        assertThat(sessions.get(0).closeTimeNs()).isEqualTo(T0 + 50 * SECOND);
        assertThat(sessions.get(0).subscriber().imsi()).isEqualTo("001010000000007");
        assertThat(sessions.get(0).ulPackets()).isEqualTo(2);
        assertThat(sessions.get(1).subscriber()).isNull();
        assertThat(sessions.get(1).ulPackets()).isEqualTo(1);
        assertThat(sessions.get(1).cause()).isEqualTo(CloseCause.END_OF_INPUT);
    }

    @Test
    void shouldAttachSubscriberWhenDirectoryAnswersFromAnotherThread() throws Exception {
        ScheduledExecutorService answers = Executors.newSingleThreadScheduledExecutor();
        SubscriberDirectory sync = directory(Long.MAX_VALUE);
        SubscriberDirectory async = (hi, lo, prefix, atMs, reply) ->
                answers.schedule(() -> sync.lookup(hi, lo, prefix, atMs, reply), 30, TimeUnit.MILLISECONDS);
        List<ClosedSession> sessions = run(new FlowContext().processors(2).directory(async), threePackets());
        answers.shutdown();
        assertThat(sessions).hasSize(1);
        assertThat(sessions.get(0).subscriber())
                .isEqualTo(new Subscriber(7, "001010000000007", "4915100007", "acct-7", "gold"));
        assertThat(sessions.get(0).ulPackets()).isEqualTo(3);
    }

    /** Names under video.example.com are video (rg 100), other TCP to 443 web (rg 10), the rest rg 1. */
    private static ServiceRules videoWebRules() {
        return ServiceRules.parse(
                List.of(
                        "video: rg=100 sid=1 name=*.video.example.com",
                        "web: rg=10 proto=tcp port=443",
                        "default: rg=1"),
                "rules");
    }

    private static Map<Integer, ServiceUsage> byRatingGroup(ClosedSession session) {
        Map<Integer, ServiceUsage> byRg = new HashMap<>();
        session.services().forEach(s -> byRg.put(s.ratingGroup(), s));
        return byRg;
    }

    @Test
    void shouldDecideByTheAddressADnsAnswerGaveForANameOfARule() throws Exception {
        ServiceRules rules = videoWebRules();
        byte[] answerPayload = io.chargeflow.flow.internal.NameSnifferTest.dnsResponse(
                "cdn.video.example.com", (203 << 24) | (113 << 8) | 77, (203 << 24) | (113 << 8) | 78);
        byte[] answer = CaptureBuilder.frame()
                .ethernet()
                .vlan(200)
                .ipv4("9.9.9.9", "10.0.0.1")
                .udp(53, 5353)
                .payload(answerPayload)
                .build();
        // no name in these payloads: only the answer's addresses tell video from web
        byte[] toLearned = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv4("10.0.0.1", "203.0.113.78")
                .tcp(5000, 443, 0x18)
                .payload(100)
                .build();
        byte[] fromLearned = CaptureBuilder.frame()
                .ethernet()
                .vlan(200)
                .ipv4("203.0.113.77", "10.0.0.1")
                .tcp(443, 5002, 0x18)
                .payload(300)
                .build();
        byte[] toOther = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv4("10.0.0.1", "203.0.113.79")
                .tcp(5001, 443, 0x18)
                .payload(100)
                .build();
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap()
                .frame(T0, toLearned)
                .frame(T0 + SECOND, answer)
                .frame(T0 + 2 * SECOND, toLearned)
                .frame(T0 + 3 * SECOND, fromLearned)
                .frame(T0 + 4 * SECOND, toOther);
        List<ClosedSession> sessions = run(new FlowContext().processors(1).serviceRules(rules), pcap);
        assertThat(sessions).hasSize(1);
        Map<Integer, ServiceUsage> byRg = byRatingGroup(sessions.get(0));
        assertThat(byRg).containsOnlyKeys(100, 10, 1);
        // before the answer the address was nobody's: web; after it, video both ways
        assertThat(List.of(
                        byRg.get(100).ulPackets(),
                        byRg.get(100).ulBytes(),
                        byRg.get(100).dlBytes()))
                .containsExactly(1L, 140L, 340L);
        assertThat(List.of(byRg.get(10).ulPackets(), byRg.get(10).ulBytes())).containsExactly(2L, 280L);
        assertThat(byRg.get(1).dlBytes()).isEqualTo(28L + answerPayload.length);
    }

    @Test
    void shouldDecideByADnsAnswerOnlyForTheSubscriberWhoReceivedIt() throws Exception {
        // 10.0.0.1 resolves cdn.video.example.com to 203.0.113.77; 10.0.0.2 goes to that address without asking:
        // the answer was not seen for it, so its traffic is web (a CDN address serves other names too)
        ServiceRules rules = videoWebRules();
        byte[] answer = CaptureBuilder.frame()
                .ethernet()
                .vlan(200)
                .ipv4("9.9.9.9", "10.0.0.1")
                .udp(53, 5353)
                .payload(io.chargeflow.flow.internal.NameSnifferTest.dnsResponse(
                        "cdn.video.example.com", (203 << 24) | (113 << 8) | 77))
                .build();
        byte[] first = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv4("10.0.0.1", "203.0.113.77")
                .tcp(5000, 443, 0x18)
                .payload(100)
                .build();
        byte[] second = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv4("10.0.0.2", "203.0.113.77")
                .tcp(5000, 443, 0x18)
                .payload(200)
                .build();
        byte[] secondDown = CaptureBuilder.frame()
                .ethernet()
                .vlan(200)
                .ipv4("203.0.113.77", "10.0.0.2")
                .tcp(443, 5000, 0x18)
                .payload(300)
                .build();
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap()
                .frame(T0, answer)
                .frame(T0 + SECOND, first)
                .frame(T0 + 2 * SECOND, second)
                .frame(T0 + 3 * SECOND, secondDown);
        List<ClosedSession> sessions = run(new FlowContext().processors(2).serviceRules(rules), pcap);
        assertThat(sessions).hasSize(2);
        Map<Long, Map<Integer, ServiceUsage>> bySubscriber = new HashMap<>();
        for (ClosedSession s : sessions) {
            bySubscriber.put(s.keyLo(), byRatingGroup(s));
        }
        Map<Integer, ServiceUsage> asked = bySubscriber.get(SubscriberKeys.ipv4Lo(0x0A000001));
        Map<Integer, ServiceUsage> other = bySubscriber.get(SubscriberKeys.ipv4Lo(0x0A000002));
        assertThat(asked).containsOnlyKeys(100, 1);
        assertThat(asked.get(100).ulBytes()).isEqualTo(140L);
        assertThat(other).containsOnlyKeys(10);
        assertThat(List.of(other.get(10).ulBytes(), other.get(10).dlBytes())).containsExactly(240L, 340L);
    }

    @Test
    void shouldMoveHandshakeToNamedRatingGroupWhenSniArrives() throws Exception {
        ServiceRules rules = videoWebRules();
        byte[][] h = handshake();
        byte[] syn = h[0];
        byte[] synAck = h[1];
        byte[] hello = h[3];
        byte[] other = h[4];
        byte[] dns = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv4("10.0.0.1", "9.9.9.9")
                .udp(5353, 53)
                .payload(20)
                .build();
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap()
                .frame(T0, syn)
                .frame(T0 + SECOND, synAck)
                .frame(T0 + 2 * SECOND, hello)
                .frame(T0 + 3 * SECOND, other)
                .frame(T0 + 4 * SECOND, dns);
        List<ClosedSession> sessions = run(new FlowContext().processors(1).serviceRules(rules), pcap);
        assertThat(sessions).hasSize(1);
        Map<Integer, ServiceUsage> byRg = byRatingGroup(sessions.get(0));
        assertThat(byRg).containsOnlyKeys(100, 10, 1);
        ServiceUsage video = byRg.get(100);
        assertThat(List.of(video.ulPackets(), video.ulBytes(), video.dlPackets(), video.dlBytes()))
                .containsExactly(2L, 40L + HELLO_LENGTH, 1L, 40L);
        assertThat(video.firstUsageNs()).isEqualTo(T0);
        assertThat(video.lastUsageNs()).isEqualTo(T0 + 2 * SECOND);
        assertThat(video.activeNs()).isEqualTo(2 * SECOND);
        assertThat(byRg.get(10).ulBytes()).isEqualTo(140L);
        assertThat(byRg.get(1).ulBytes()).isEqualTo(48L);
    }

    @Test
    void shouldKeepTwoHostsOfOnePrefixApartWhenTheirFlowsShareSessionPortsAndServer() throws Exception {
        // one session (keyed by /64), two hosts, the same source port to the same server: two flows. Only the first
        // names its server; the second's packets must not take the first's decision from the flow table (the flow
        // filter usually keeps them from the table anyway; ServiceMeterTest forces a filter collision)
        ServiceRules rules = videoWebRules();
        byte[] hello = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv6("2001:db8:0:1::1", "2001:db8:ff::5")
                .tcp(5000, 443, 0x18)
                .payload(io.chargeflow.flow.internal.NameSnifferTest.clientHello("cdn.video.example.com"))
                .build();
        byte[] otherHost = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv6("2001:db8:0:1::2", "2001:db8:ff::5")
                .tcp(5000, 443, 0x18)
                .payload(100)
                .build();
        byte[] otherHostDown = CaptureBuilder.frame()
                .ethernet()
                .vlan(200)
                .ipv6("2001:db8:ff::5", "2001:db8:0:1::2")
                .tcp(443, 5000, 0x18)
                .payload(200)
                .build();
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap()
                .frame(T0, hello)
                .frame(T0 + SECOND, otherHost)
                .frame(T0 + 2 * SECOND, otherHostDown)
                .frame(T0 + 3 * SECOND, hello);
        List<ClosedSession> sessions = run(new FlowContext().processors(1).serviceRules(rules), pcap);
        assertThat(sessions).hasSize(1);
        Map<Integer, ServiceUsage> byRg = byRatingGroup(sessions.get(0));
        assertThat(byRg).containsOnlyKeys(100, 10);
        int helloLength =
                40 + 20 + io.chargeflow.flow.internal.NameSnifferTest.clientHello("cdn.video.example.com").length;
        assertThat(List.of(
                        byRg.get(100).ulPackets(),
                        byRg.get(100).ulBytes(),
                        byRg.get(100).dlPackets()))
                .containsExactly(2L, 2L * helloLength, 0L);
        ServiceUsage web = byRg.get(10);
        assertThat(List.of(web.ulPackets(), web.ulBytes(), web.dlPackets(), web.dlBytes()))
                .containsExactly(1L, 160L, 1L, 260L);
    }

    @Test
    void shouldCloseEverySessionInsideAPrefixWhenItsBindingEnds() throws Exception {
        byte[] a = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv6("2001:db8:0:1::1", "2001:db8:ff::1")
                .udp(1, 2)
                .build();
        byte[] b = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv6("2001:db8:0:2::1", "2001:db8:ff::1")
                .udp(1, 2)
                .build();
        byte[] c = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv6("2001:db8:1:1::1", "2001:db8:ff::1")
                .udp(1, 2)
                .build();
        Path file = CaptureBuilder.pcap()
                .frame(T0, a)
                .frame(T0 + 1, b)
                .frame(T0 + 2, c)
                .write(dir.resolve("prefix.pcap"));
        List<ClosedSession> closed = Collections.synchronizedList(new ArrayList<>());
        FlowEngine engine = new FlowEngine(new FlowContext().processors(3).sessionListener(closed::add));
        engine.start();
        try (CaptureSource source = Captures.open(file)) {
            engine.read(source);
        }
        // a delegated 2001:db8::/56 ends: the two /64 keys inside it close, the third stays open
        engine.closeSessions(0x20010db800000000L, 0, 56, CloseCause.BINDING_CHANGE, T0 / 1_000_000 + 5);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (closed.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(closed)
                .extracting(ClosedSession::cause)
                .containsOnly(CloseCause.BINDING_CHANGE)
                .hasSize(2);
        engine.finish();
        assertThat(closed).hasSize(3);
        assertThat(closed.get(2).cause()).isEqualTo(CloseCause.END_OF_INPUT);
        assertThat(SubscriberKeys.format(closed.get(2).keyHi(), closed.get(2).keyLo(), 64))
                .isEqualTo("2001:db8:1:1::/64");
    }

    /** Sums what a processor's recorder is told, per session and rating group. */
    static final class SummingRecorder implements SessionRecorder {
        final Map<Integer, Map<Integer, long[]>> usage = new HashMap<>();
        final Map<Long, Map<Integer, long[]>> closed = new HashMap<>();
        final Map<Integer, Subscriber> subscribers = new HashMap<>();
        final Map<RecordCut, Integer> cuts = new HashMap<>();
        final Map<Integer, Long> sessionIds = new HashMap<>();
        int next;

        @Override
        public int onOpen(long sessionId, long keyHi, long keyLo, boolean downlink, long timeNs) {
            usage.put(next, new HashMap<>());
            sessionIds.put(next, sessionId);
            return next++;
        }

        @Override
        public void onSubscriber(int handle, Subscriber subscriber) {
            subscribers.put(handle, subscriber);
        }

        @Override
        public void onUsage(
                int handle, int rg, int sid, long ul, long dl, long ulP, long dlP, long f, long l, long active) {
            long[] u = usage.get(handle).computeIfAbsent(rg, k -> new long[5]);
            u[0] += ul;
            u[1] += dl;
            u[2] += ulP;
            u[3] += dlP;
            u[4] += active;
        }

        @Override
        public void onPeer(int handle, long peerHi, long peerLo) {}

        @Override
        public void onCut(int handle, RecordCut cause, long atNs) {
            cuts.merge(cause, 1, Integer::sum);
        }

        @Override
        public void onClose(int handle, CloseCause cause, long closeTimeNs) {
            closed.put(sessionIds.remove(handle), usage.remove(handle));
        }
    }

    @Test
    void shouldTellRecorderTheSameUsageAsTheContainersWhenFlowsAreReclassified() throws Exception {
        ServiceRules rules = ServiceRules.parse(
                List.of("video: rg=100 name=*.video.example.com", "web: rg=10 proto=tcp port=443", "default: rg=1"),
                "r");
        byte[] hello = io.chargeflow.flow.internal.NameSnifferTest.clientHello("a.video.example.com");
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap();
        Random random = new Random(5);
        for (int i = 0; i < 3000; i++) {
            String sub = "10.0.0." + random.nextInt(20);
            int port = 1000 + random.nextInt(50);
            long t = T0 + i * 10_000_000L;
            switch (random.nextInt(4)) {
                case 0 ->
                    pcap.frame(
                            t,
                            CaptureBuilder.frame()
                                    .ethernet()
                                    .vlan(100)
                                    .ipv4(sub, "203.0.113.9")
                                    .tcp(port, 443, 0x02)
                                    .build());
                case 1 ->
                    pcap.frame(
                            t,
                            CaptureBuilder.frame()
                                    .ethernet()
                                    .vlan(100)
                                    .ipv4(sub, "203.0.113.9")
                                    .tcp(port, 443, 0x18)
                                    .payload(hello)
                                    .build());
                case 2 ->
                    pcap.frame(
                            t,
                            CaptureBuilder.frame()
                                    .ethernet()
                                    .vlan(200)
                                    .ipv4("203.0.113.9", sub)
                                    .tcp(443, port, 0x10)
                                    .payload(random.nextInt(1000))
                                    .build());
                default -> pcap.frame(t, udp(100, sub, "8.8.8.8", random.nextInt(200)));
            }
        }
        List<SummingRecorder> recorders = Collections.synchronizedList(new ArrayList<>());
        FlowContext context = new FlowContext()
                .processors(2)
                .serviceRules(rules)
                .sessionRecorders(id -> {
                    SummingRecorder r = new SummingRecorder();
                    recorders.add(r);
                    return r;
                });
        List<ClosedSession> sessions = run(context, pcap);
        assertThat(sessions).hasSize(20);
        Map<Long, Map<Integer, long[]>> told = new HashMap<>();
        recorders.forEach(r -> told.putAll(r.closed));
        long moved = 0;
        for (ClosedSession s : sessions) {
            Map<Integer, long[]> byRg = told.get(s.sessionId());
            for (ServiceUsage u : s.services()) {
                long[] t = byRg.get(u.ratingGroup());
                assertThat(t)
                        .as("session %d rg %d", s.sessionId(), u.ratingGroup())
                        .containsExactly(u.ulBytes(), u.dlBytes(), u.ulPackets(), u.dlPackets(), u.activeNs());
            }
            for (Map.Entry<Integer, long[]> e : byRg.entrySet()) {
                if (s.services().stream().noneMatch(u -> u.ratingGroup() == e.getKey())) {
                    assertThat(e.getValue()).as("a container that ended empty").containsExactly(0, 0, 0, 0, 0);
                    moved++;
                }
            }
        }
        assertThat(sessions.stream().mapToLong(ClosedSession::ulBytes).sum())
                .isEqualTo(told.values().stream()
                        .flatMap(m -> m.values().stream())
                        .mapToLong(a -> a[0])
                        .sum());
    }

    @ParameterizedTest(name = "{0} processors")
    @ValueSource(ints = {1, 2, 3, 8})
    void shouldEqualAnIndependentCountWhenManySubscribersSpreadOverProcessors(int processors) throws Exception {
        long seed = 99 + processors;
        Random random = new Random(seed);
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap();
        Map<Long, long[]> model = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            int sub = random.nextInt(500);
            boolean up = random.nextBoolean();
            int payload = random.nextInt(1400);
            String subIp = "10.1." + (sub / 256) + "." + (sub % 256);
            pcap.frame(T0 + i * 1000L, up ? udp(100, subIp, "8.8.8.8", payload) : udp(200, "8.8.8.8", subIp, payload));
            long[] m = model.computeIfAbsent(v4(10, 1, sub / 256, sub % 256), k -> new long[4]);
            m[up ? 0 : 2]++;
            m[up ? 1 : 3] += 28 + payload;
        }
        List<ClosedSession> sessions = run(new FlowContext().processors(processors), pcap);
        Map<Long, long[]> actual = new HashMap<>();
        for (ClosedSession s : sessions) {
            long[] a = actual.computeIfAbsent(s.keyLo(), k -> new long[4]);
            a[0] += s.ulPackets();
            a[1] += s.ulBytes();
            a[2] += s.dlPackets();
            a[3] += s.dlBytes();
        }
        assertThat(actual.keySet()).as("seed=%d", seed).isEqualTo(model.keySet());
        model.forEach((k, v) ->
                assertThat(actual.get(k)).as("seed=%d key=%x", seed, k).containsExactly(v));
        long records = 0;
        for (Processor p : lastEngine.processors()) {
            records += p.records();
        }
        assertThat(records).isEqualTo(20_000);
    }

    /** Tells, in order, what a recorder is told: usage per record, cuts and closes (times in ms after T0). */
    /** Every session's events in order, and each subscriber key's (low word) apart, for runs with several sessions. */
    static final class LoggingRecorder implements SessionRecorder {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final Map<Long, List<String>> byKey = new java.util.concurrent.ConcurrentHashMap<>();
        private final List<Long> keys = Collections.synchronizedList(new ArrayList<>());

        private static long ms(long ns) {
            return (ns - T0) / 1_000_000;
        }

        private void add(int handle, String event) {
            events.add(event);
            byKey.computeIfAbsent(keys.get(handle), k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(event);
        }

        @Override
        public int onOpen(long sessionId, long keyHi, long keyLo, boolean downlink, long timeNs) {
            keys.add(keyLo);
            int handle = keys.size() - 1;
            add(handle, "open " + ms(timeNs));
            return handle;
        }

        @Override
        public void onSubscriber(int handle, Subscriber subscriber) {}

        @Override
        public void onUsage(
                int handle, int rg, int sid, long ul, long dl, long ulP, long dlP, long f, long l, long active) {
            add(handle, "rg=" + rg + " ul=" + ul + "/" + ulP + " dl=" + dl + "/" + dlP + " " + ms(f) + ".." + ms(l));
        }

        @Override
        public void onPeer(int handle, long peerHi, long peerLo) {}

        @Override
        public void onCut(int handle, RecordCut cause, long atNs) {
            add(handle, "cut " + cause + " " + ms(atNs));
        }

        @Override
        public void onClose(int handle, CloseCause cause, long closeTimeNs) {
            add(handle, "close " + cause);
        }
    }

    private List<String> recordEvents(ServiceRules rules, long volume, Duration time, int containers, Object... frames)
            throws Exception {
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap();
        for (int i = 0; i < frames.length; i += 2) {
            pcap.frame(T0 + (Long) frames[i], (byte[]) frames[i + 1]);
        }
        LoggingRecorder recorder = new LoggingRecorder();
        run(
                new FlowContext()
                        .processors(1)
                        .serviceRules(rules)
                        .recordLimits(volume, time, containers)
                        .sessionRecorders(id -> recorder),
                pcap);
        return recorder.events;
    }

    /**
     * A TCP frame between subscriber 10.0.0.1 (VLAN 100 uplink, 200 downlink) at {@code clientPort} and {@code server}
     * at {@code serverPort}; the caller adds a payload if any and builds it.
     */
    private static CaptureBuilder.Frame tcpFrame(
            boolean uplink, String server, int clientPort, int serverPort, int flags) {
        CaptureBuilder.Frame frame = CaptureBuilder.frame().ethernet().vlan(uplink ? 100 : 200);
        return uplink
                ? frame.ipv4("10.0.0.1", server).tcp(clientPort, serverPort, flags)
                : frame.ipv4(server, "10.0.0.1").tcp(serverPort, clientPort, flags);
    }

    private static byte[] udpTo(int port, int ipLength) {
        return CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv4("10.0.0.1", "198.51.100.7")
                .udp(40000, port)
                .payload(ipLength - 28)
                .build();
    }

    private static final ServiceRules RECORD_RULES = ServiceRules.parse(
            List.of("dns: rg=20 proto=udp port=53", "web: rg=10 proto=udp port=443", "default: rg=1"), "r");

    @Test
    void shouldCutAVolumeLimitRecordAtThePacketThatReachesTheLimit() throws Exception {
        List<String> events = recordEvents(
                RECORD_RULES,
                1000,
                Duration.ZERO,
                0,
                0L,
                udpTo(443, 500),
                SECOND,
                udpTo(443, 500),
                2 * SECOND,
                udpTo(443, 400),
                3 * SECOND,
                udpTo(53, 700),
                4 * SECOND,
                udpTo(443, 500));
        assertThat(events)
                .containsExactly(
                        "open 0",
                        "rg=10 ul=1000/2 dl=0/0 0..1000",
                        "cut VOLUME_LIMIT 1000",
                        "rg=10 ul=400/1 dl=0/0 2000..2000",
                        "rg=20 ul=700/1 dl=0/0 3000..3000",
                        "cut VOLUME_LIMIT 3000",
                        "rg=10 ul=500/1 dl=0/0 4000..4000",
                        "close END_OF_INPUT");
    }

    @Test
    void shouldKeepAHandshakePacketOfAnEarlierRecordThereWhenTheFlowIsNamedInTheNext() throws Exception {
        // the SYN is reported in the first record (as web); the time limit cuts it before the SYN-ACK, so only the
        // SYN-ACK, the ACK and the ClientHello move to video in the second. Another web flow's packet comes first in
        // the second record, so web is in it when the SYN-ACK comes: the inline path would take the SYN-ACK unless it
        // sees that a record was cut since the flow took its record time
        assertThat(handshakeAcrossATimeLimit(true))
                .containsExactly(
                        "open 0",
                        "rg=10 ul=40/1 dl=0/0 0..0",
                        "rg=1 ul=100/1 dl=0/0 1000..1000",
                        "cut TIME_LIMIT 10000",
                        "rg=10 ul=140/1 dl=0/0 10500..12000",
                        "rg=100 ul=" + (40 + HELLO_LENGTH) + "/2 dl=40/1 11000..13000",
                        "close END_OF_INPUT");
    }

    @Test
    void shouldNotReportAContainerWhoseRecordUsageAllMovedToTheNamedRatingGroup() throws Exception {
        // web's only packets of the second record are the handshake's, and they move to video: the second record
        // has no web container (it had one with no packets, and first and last usage times of packets it no longer
        // holds), as the session's close lists none
        assertThat(handshakeAcrossATimeLimit(false))
                .containsExactly(
                        "open 0",
                        "rg=10 ul=40/1 dl=0/0 0..0",
                        "rg=1 ul=100/1 dl=0/0 1000..1000",
                        "cut TIME_LIMIT 10000",
                        "rg=100 ul=" + (40 + HELLO_LENGTH) + "/2 dl=40/1 11000..13000",
                        "close END_OF_INPUT");
    }

    @Test
    void shouldKeepAProvisionalFlowsRecordEpochWhenItsRowMovesInTheFlowTable() throws Exception {
        // two provisional flows, X then A; a time-limit cut; X's SYN-ACK takes the new record's epoch and X's first
        // payload removes it, so A's row moves into X's place. A's SYN-ACK must still see that its record time is the
        // first record's (it goes the long way and moves to video with the ClientHello): a moved row that kept X's
        // epoch would let the inline path take it, and the SYN-ACK would stay in web
        byte[][] h = handshake();
        byte[] xSyn = tcpFrame(true, "198.51.100.9", 5002, 443, 0x02).build();
        byte[] xSynAck = tcpFrame(false, "198.51.100.9", 5002, 443, 0x12).build();
        byte[] xData =
                tcpFrame(true, "198.51.100.9", 5002, 443, 0x18).payload(100).build();
        List<String> events = recordEvents(
                videoWebRules(),
                0,
                Duration.ofSeconds(10),
                0,
                0L,
                xSyn,
                SECOND,
                h[0],
                11 * SECOND,
                xSynAck,
                12 * SECOND,
                xData,
                13 * SECOND,
                h[1],
                14 * SECOND,
                h[3]);
        assertThat(events)
                .containsExactly(
                        "open 0",
                        "rg=10 ul=80/2 dl=0/0 0..1000",
                        "cut TIME_LIMIT 10000",
                        // web keeps the last usage time of the SYN-ACK that moved (its own last before it is not kept)
                        "rg=10 ul=140/1 dl=40/1 11000..13000",
                        "rg=100 ul=" + HELLO_LENGTH + "/1 dl=40/1 13000..14000",
                        "close END_OF_INPUT");
    }

    @Test
    void shouldNotCountAContainerEmptiedByAMoveTowardsTheContainerLimit() throws Exception {
        // the handshake leaves web for video: web is no longer in the record, so the DNS query is the record's second
        // container, not its third (no cut before it at a limit of two); the next web packet is the third
        assertEmptiedContainerLeavesTheRecord(videoWebRules());
    }

    @Test
    void shouldNotCountAnEmptiedContainerTowardsTheLimitWhenTheDecisionSharingItHasNoUsageInTheRecord()
            throws Exception {
        // web and alt are one container (rating group 10, no service id): the handshake leaves web for video and alt
        // has no usage in the record, so the container leaves it as an unshared one would
        assertEmptiedContainerLeavesTheRecord(sharedWebRules());
    }

    /** A handshake moved from web to video, a DNS query, then another web flow, at a limit of two containers. */
    private void assertEmptiedContainerLeavesTheRecord(ServiceRules rules) throws Exception {
        byte[][] h = handshake();
        List<String> events = recordEvents(
                rules,
                0,
                Duration.ZERO,
                2,
                0L,
                h[0],
                SECOND,
                h[1],
                2 * SECOND,
                h[3],
                3 * SECOND,
                udpTo(53, 100),
                4 * SECOND,
                h[4]);
        assertThat(events)
                .containsExactly(
                        "open 0",
                        "rg=100 ul=" + (40 + HELLO_LENGTH) + "/2 dl=40/1 0..2000",
                        "rg=1 ul=100/1 dl=0/0 3000..3000",
                        "cut MAX_CONTAINERS 4000",
                        "rg=10 ul=140/1 dl=0/0 4000..4000",
                        "close END_OF_INPUT");
    }

    @Test
    void shouldKeepCountingASharedContainerWhoseOtherDecisionHasUsageInTheRecord() throws Exception {
        // alt's packet at 0.5 s puts the shared container in the record: web's move to video does not take it out,
        // so the DNS query would be the record's third container and is cut before
        byte[][] h = handshake();
        byte[] alt =
                tcpFrame(true, "198.51.100.7", 5003, 8443, 0x18).payload(60).build();
        List<String> events = recordEvents(
                sharedWebRules(),
                0,
                Duration.ZERO,
                2,
                0L,
                h[0],
                SECOND / 2,
                alt,
                SECOND,
                h[1],
                2 * SECOND,
                h[3],
                3 * SECOND,
                udpTo(53, 100));
        assertThat(events)
                .containsExactly(
                        "open 0",
                        "rg=10 ul=100/1 dl=0/0 500..500",
                        "rg=100 ul=" + (40 + HELLO_LENGTH) + "/2 dl=40/1 0..2000",
                        "cut MAX_CONTAINERS 3000",
                        "rg=1 ul=100/1 dl=0/0 3000..3000",
                        "close END_OF_INPUT");
    }

    /** {@link #videoWebRules} with a second web decision (port 8443) that shares web's container (rating group 10). */
    private static ServiceRules sharedWebRules() {
        return ServiceRules.parse(
                List.of(
                        "video: rg=100 sid=1 name=*.video.example.com",
                        "web: rg=10 proto=tcp port=443",
                        "alt: rg=10 proto=tcp port=8443",
                        "default: rg=1"),
                "rules");
    }

    @Test
    void shouldStartAContainerEmptiedByAMoveAtItsNextPacket() throws Exception {
        // web's first usage in the record is the other flow's packet at 3 s, not the SYN that moved to video
        byte[][] h = handshake();
        List<String> events = recordEvents(
                videoWebRules(), 0, Duration.ZERO, 0, 0L, h[0], SECOND, h[1], 2 * SECOND, h[3], 3 * SECOND, h[4]);
        assertThat(events)
                .containsExactly(
                        "open 0",
                        "rg=10 ul=140/1 dl=0/0 3000..3000",
                        "rg=100 ul=" + (40 + HELLO_LENGTH) + "/2 dl=40/1 0..2000",
                        "close END_OF_INPUT");
    }

    /**
     * A TLS flow of 10.0.0.1 to 203.0.113.5: SYN, SYN-ACK, ACK and the ClientHello naming video; then a packet of
     * another web flow (100 bytes of payload to 198.51.100.1).
     */
    private static byte[][] handshake() {
        byte[] syn = tcpFrame(true, "203.0.113.5", 5000, 443, 0x02).build();
        byte[] synAck = tcpFrame(false, "203.0.113.5", 5000, 443, 0x12).build();
        byte[] ack = tcpFrame(true, "203.0.113.5", 5000, 443, 0x10).build();
        byte[] hello = tcpFrame(true, "203.0.113.5", 5000, 443, 0x18)
                .payload(io.chargeflow.flow.internal.NameSnifferTest.clientHello("cdn.video.example.com"))
                .build();
        byte[] otherWeb =
                tcpFrame(true, "198.51.100.1", 5001, 443, 0x18).payload(100).build();
        return new byte[][] {syn, synAck, ack, hello, otherWeb};
    }

    private static final int HELLO_LENGTH =
            20 + 20 + io.chargeflow.flow.internal.NameSnifferTest.clientHello("cdn.video.example.com").length;

    /**
     * A TLS flow's SYN at 0 s, a DNS query at 1 s, a 10 s time limit, the SYN-ACK at 11 s, the ACK at 12 s and the
     * ClientHello naming video at 13 s; with {@code otherWebFirst} another web flow's packet at 10.5 s.
     */
    private List<String> handshakeAcrossATimeLimit(boolean otherWebFirst) throws Exception {
        byte[][] h = handshake();
        byte[] syn = h[0];
        byte[] synAck = h[1];
        byte[] ack = h[2];
        byte[] hello = h[3];
        byte[] otherWeb = h[4];
        List<Object> frames = new ArrayList<>(List.of(0L, syn, SECOND, udpTo(53, 100)));
        if (otherWebFirst) {
            frames.addAll(List.of(10 * SECOND + SECOND / 2, otherWeb));
        }
        frames.addAll(List.of(11 * SECOND, synAck, 12 * SECOND, ack, 13 * SECOND, hello));
        return recordEvents(videoWebRules(), 0, Duration.ofSeconds(10), 0, frames.toArray());
    }

    @Test
    void shouldCutATimeLimitRecordAtTheLimitBoundary() throws Exception {
        List<String> events = recordEvents(
                RECORD_RULES,
                0,
                Duration.ofSeconds(10),
                0,
                0L,
                udpTo(443, 100),
                4 * SECOND,
                udpTo(443, 100),
                12 * SECOND,
                udpTo(53, 100),
                25 * SECOND,
                udpTo(443, 100));
        assertThat(events)
                .containsExactly(
                        "open 0",
                        "rg=10 ul=200/2 dl=0/0 0..4000",
                        "cut TIME_LIMIT 10000",
                        "rg=20 ul=100/1 dl=0/0 12000..12000",
                        "cut TIME_LIMIT 20000",
                        "rg=10 ul=100/1 dl=0/0 25000..25000",
                        "close END_OF_INPUT");
    }

    /**
     * Sweeps come when a processor's packet time passes the sweep interval, here through another subscriber's packets:
     * they must not change where a time limit cuts an idle session's records, nor add empty ones.
     */
    @Test
    void shouldCutTheSameTimeLimitRecordsWhetherOrNotSweepsCameInBetween() throws Exception {
        byte[] other = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv4("10.0.0.2", "198.51.100.7")
                .udp(40000, 443)
                .payload(72)
                .build();
        Map<String, List<String>> bySweeps = new HashMap<>();
        for (boolean sweeps : new boolean[] {false, true}) {
            CaptureBuilder.Pcap pcap = CaptureBuilder.pcap().frame(T0, udpTo(443, 100));
            if (sweeps) {
                // a sweep every 7.5 s of packet time (an eighth of the idle timeout): at 12, 21 and 29 s
                pcap.frame(T0 + 12 * SECOND, other)
                        .frame(T0 + 21 * SECOND, other)
                        .frame(T0 + 29 * SECOND, other);
            }
            pcap.frame(T0 + 35 * SECOND, udpTo(443, 100));
            LoggingRecorder recorder = new LoggingRecorder();
            run(
                    new FlowContext()
                            .processors(1)
                            .idleTimeout(Duration.ofSeconds(60))
                            .serviceRules(RECORD_RULES)
                            .recordLimits(0, Duration.ofSeconds(10), 0)
                            .sessionRecorders(id -> recorder),
                    pcap);
            bySweeps.put(sweeps ? "with sweeps" : "without", recorder.byKey.get(SubscriberKeys.ipv4Lo(0x0a000001)));
        }
        // the record ends at the first boundary after its usage; the idle stretch after it is one record, which the
        // packet at 35 s starts to fill and the end of input closes
        List<String> expected = List.of(
                "open 0",
                "rg=10 ul=100/1 dl=0/0 0..0",
                "cut TIME_LIMIT 10000",
                "rg=10 ul=100/1 dl=0/0 35000..35000",
                "close END_OF_INPUT");
        assertThat(bySweeps.get("without")).containsExactlyElementsOf(expected);
        assertThat(bySweeps.get("with sweeps")).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldCutBeforeAContainerBeyondTheLimitJoinsTheRecord() throws Exception {
        List<String> events = recordEvents(
                RECORD_RULES,
                0,
                Duration.ZERO,
                2,
                0L,
                udpTo(443, 100),
                SECOND,
                udpTo(53, 110),
                2 * SECOND,
                udpTo(443, 120),
                3 * SECOND,
                udpTo(9999, 130),
                4 * SECOND,
                udpTo(53, 140));
        assertThat(events)
                .containsExactly(
                        "open 0",
                        "rg=10 ul=220/2 dl=0/0 0..2000",
                        "rg=20 ul=110/1 dl=0/0 1000..1000",
                        "cut MAX_CONTAINERS 3000",
                        "rg=20 ul=140/1 dl=0/0 4000..4000",
                        "rg=1 ul=130/1 dl=0/0 3000..3000",
                        "close END_OF_INPUT");
    }

    @Test
    void shouldKeepExactContainersBeyondEightDecisionsAcrossRecordsAndSessions() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("r" + i + ": rg=" + (100 + i) + " proto=udp port=" + (1000 + i));
        }
        lines.add("default: rg=1");
        ServiceRules rules = ServiceRules.parse(lines, "r");
        Random random = new Random(11);
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap();
        Map<String, long[]> model = new HashMap<>();
        long t = 0;
        for (int i = 0; i < 3000; i++) {
            // two sessions of the key (an idle gap in the middle), twelve rating groups and the default
            t += i == 1500 ? 10 * 60 * SECOND : 1_000_000L;
            int port = 1000 + random.nextInt(13);
            int length = 28 + random.nextInt(1200);
            pcap.frame(T0 + t, udpTo(port, length));
            int rg = port < 1012 ? 100 + port - 1000 : 1;
            long[] m = model.computeIfAbsent((i < 1500 ? "a" : "b") + rg, k -> new long[2]);
            m[0]++;
            m[1] += length;
        }
        List<SummingRecorder> recorders = Collections.synchronizedList(new ArrayList<>());
        List<ClosedSession> sessions = run(
                new FlowContext()
                        .processors(1)
                        .serviceRules(rules)
                        .recordLimits(50_000, Duration.ZERO, 0)
                        .sessionRecorders(id -> {
                            SummingRecorder r = new SummingRecorder();
                            recorders.add(r);
                            return r;
                        }),
                pcap);
        assertThat(sessions).hasSize(2);
        Map<String, long[]> actual = new HashMap<>();
        for (int s = 0; s < 2; s++) {
            ClosedSession session = sessions.get(s);
            assertThat(session.services()).hasSize(13);
            Map<Integer, long[]> told = recorders.get(0).closed.get(session.sessionId());
            for (ServiceUsage u : session.services()) {
                actual.put((s == 0 ? "a" : "b") + u.ratingGroup(), new long[] {u.ulPackets(), u.ulBytes()});
                assertThat(told.get(u.ratingGroup()))
                        .as("records of rg %d add up to the container", u.ratingGroup())
                        .containsExactly(u.ulBytes(), 0, u.ulPackets(), 0, u.activeNs());
            }
        }
        assertThat(actual.keySet()).isEqualTo(model.keySet());
        model.forEach((k, v) -> assertThat(actual.get(k)).as(k).containsExactly(v));
        long cut = lastEngine.processors().get(0).recordsCut();
        assertThat(cut).isGreaterThan(20);
        assertThat(recorders.get(0).cuts).containsExactly(Map.entry(RecordCut.VOLUME_LIMIT, (int) cut));
    }

    /**
     * A usage snapshot while the run goes on: each key's closed sessions plus its open session so far, equal to an
     * independent count of every frame read (after the processors metered them all), and to the final figures once the
     * run ends. With rating groups the open session's usage is the sum of its containers: thirteen decisions per
     * session (inline, outside the session row, beyond the eight the order word holds) over 300 keys, each with a first
     * session closed by an idle gap and half of them with a second one open.
     */
    @ParameterizedTest(name = "rules={0}")
    @ValueSource(booleans = {false, true})
    void shouldSnapshotEveryKeysUsageSoFarWhileTheRunGoesOn(boolean withRules) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add("r" + i + ": rg=" + (100 + i) + " proto=udp port=" + (1000 + i));
        }
        lines.add("default: rg=1");
        FlowContext context = new FlowContext().processors(2);
        if (withRules) {
            context.serviceRules(ServiceRules.parse(lines, "r"));
        }
        Random random = new Random(5);
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap();
        Map<Long, long[]> model = new HashMap<>();
        long t = T0;
        for (int i = 0; i < 30_000; i++) {
            // ten minutes of silence in the middle close every first session; after it only keys 150..299 send
            t += i == 15_000 ? 10 * 60 * SECOND : 1_000_000L;
            int sub = i < 15_000 ? random.nextInt(300) : 150 + random.nextInt(150);
            boolean up = random.nextBoolean();
            int port = 1000 + random.nextInt(13);
            int payload = random.nextInt(1200);
            String subIp = "10.2." + (sub / 256) + "." + (sub % 256);
            CaptureBuilder.Frame frame = CaptureBuilder.frame().ethernet().vlan(up ? 100 : 200);
            frame = up
                    ? frame.ipv4(subIp, "192.0.2.9").udp(40000, port)
                    : frame.ipv4("192.0.2.9", subIp).udp(port, 40000);
            pcap.frame(t, frame.payload(payload).build());
            long[] m = model.computeIfAbsent(v4(10, 2, sub / 256, sub % 256), k -> new long[4]);
            m[up ? 0 : 2]++;
            m[up ? 1 : 3] += 28 + payload;
        }
        Path file = pcap.write(dir.resolve("snapshot.pcap"));
        FlowEngine engine = new FlowEngine(context);
        engine.start();
        try (CaptureSource source = Captures.open(file)) {
            engine.read(source);
        }
        long deadline = System.nanoTime() + 30 * SECOND;
        while (engine.processors().stream().mapToLong(Processor::records).sum() < 30_000) {
            assertThat(System.nanoTime()).as("processors metered every record").isLessThan(deadline);
            Thread.sleep(5);
        }
        UsageSnapshot snapshot = engine.snapshotUsage(Duration.ofSeconds(30));
        assertThat(snapshot).isNotNull();
        assertThat(snapshot.keys()).isEqualTo(300);
        long open =
                engine.processors().stream().mapToLong(Processor::openSessions).sum();
        assertThat(open).as("the keys that sent after the silence").isEqualTo(150);
        Map<Long, long[]> during = usage(snapshot::forEachKey);
        engine.finish();
        Map<Long, long[]> after = usage(engine::forEachSubscriber);
        assertThat(during.keySet()).isEqualTo(model.keySet());
        model.forEach(
                (k, v) -> assertThat(during.get(k)).as("during, key %x", k).containsExactly(v));
        model.forEach((k, v) -> assertThat(after.get(k)).as("after, key %x", k).containsExactly(v));
        // sessions: 300 closed by the silence, 150 open (counted with their usage so far)
        long[] sessions = {0};
        snapshot.forEachKey((hi, lo, a, b, c, d, n, p2p, ph, pl, sub) -> sessions[0] += n);
        assertThat(sessions[0]).isEqualTo(450);
        // once the processors have finished, a snapshot says so instead of waiting
        assertThat(engine.snapshotUsage(Duration.ofSeconds(5))).isNull();
    }

    /** Per key (low word), the totals a visit over every key gives, checking the visit is in key order. */
    private static Map<Long, long[]> usage(java.util.function.Consumer<Processor.KeyVisitor> visit) {
        Map<Long, long[]> usage = new java.util.LinkedHashMap<>();
        long[] last = {Long.MIN_VALUE};
        visit.accept((hi, lo, ulP, ulB, dlP, dlB, n, p2p, peerHi, peerLo, sub) -> {
            assertThat(lo).isGreaterThan(last[0]);
            last[0] = lo;
            usage.put(lo, new long[] {ulP, ulB, dlP, dlB});
        });
        return usage;
    }
}

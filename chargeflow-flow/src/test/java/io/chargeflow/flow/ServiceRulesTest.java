package io.chargeflow.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceRulesTest {
    private static final List<String> LINES = List.of(
            "# example",
            "video:   rg=100 sid=1001 name=video.example.com,*.video.example.com",
            "dns:     rg=20  proto=udp port=53",
            "web:     rg=10  proto=tcp port=80,443,8000-8999",
            "corp:    rg=30  prefix=203.0.113.0/24,2001:db8:50::/48",
            "default: rg=1 sid=7");

    private static long mask(ServiceRules rules, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        return rules.matchName(bytes, bytes.length);
    }

    @Test
    void shouldPickFirstMatchingRuleWhenSeveralApply() {
        ServiceRules rules = ServiceRules.parse(LINES, "rules.txt");
        long v4Server = SubscriberKeys.ipv4Lo(0xCB007105);
        assertThat(rules.decide(6, 443, true, 0, v4Server, 0)).isEqualTo(2);
        assertThat(rules.ratingGroup(2)).isEqualTo(10);
        assertThat(rules.decide(17, 443, true, 0, v4Server, 0)).isEqualTo(3);
        assertThat(rules.decide(17, 53, true, 0, v4Server, 0)).isEqualTo(1);
        assertThat(rules.decide(6, 443, true, 0, v4Server, mask(rules, "cdn.video.example.com")))
                .isEqualTo(0);
        assertThat(rules.decide(6, 22, true, 0, SubscriberKeys.ipv4Lo(0x08080808), 0))
                .isEqualTo(4);
        assertThat(rules.ratingGroup(4)).isEqualTo(1);
        assertThat(rules.serviceId(4)).isEqualTo(7);
        assertThat(rules.decide(6, 22, true, 0x20010db800500000L, 1, 0)).isEqualTo(3);
        assertThat(rules.decide(6, 80, false, 0, v4Server, 0)).isEqualTo(3);
    }

    @Test
    void shouldMatchExactNamesAndSuffixesOnly() {
        ServiceRules rules = ServiceRules.parse(LINES, "rules.txt");
        assertThat(mask(rules, "video.example.com")).isEqualTo(1L);
        assertThat(mask(rules, "a.b.video.example.com")).isEqualTo(1L);
        assertThat(mask(rules, "xvideo.example.com")).isZero();
        assertThat(mask(rules, "example.com")).isZero();
        assertThat(rules.usesNames()).isTrue();
    }

    @Test
    void shouldNameFileAndLineWhenRuleIsBroken() {
        assertThatThrownBy(() -> ServiceRules.parse(List.of("default: rg=1", "web: rg=x"), "r.txt"))
                .hasMessage("r.txt:2: rg=x is not a number");
        assertThatThrownBy(() -> ServiceRules.parse(List.of("web: rg=1 proto=tcpx"), "r.txt"))
                .hasMessage("r.txt:1: proto=tcpx is not a number");
        assertThatThrownBy(() -> ServiceRules.parse(List.of("web: rg=1 port=90-80", "default: rg=1"), "r.txt"))
                .hasMessage("r.txt:1: port=90-80 is an empty range");
        assertThatThrownBy(() -> ServiceRules.parse(List.of("web: rg=1 colour=red"), "r.txt"))
                .hasMessageStartingWith("r.txt:1: unknown key 'colour'");
        assertThatThrownBy(() -> ServiceRules.parse(List.of("web: rg=1"), "r.txt"))
                .hasMessageContaining("no 'default: rg=N' line");
        assertThatThrownBy(() -> ServiceRules.parse(List.of("web rg=1"), "r.txt"))
                .hasMessageStartingWith("r.txt:1: expected 'label: rg=N ...'");
        assertThatThrownBy(() -> ServiceRules.parse(List.of("x: rg=1 name=bad/name", "default: rg=1"), "r.txt"))
                .hasMessage("r.txt:1: name=bad/name is not a host name or *.suffix");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4})
    void shouldMatchNamesLikeThePatternWalkWhenNamesAndPatternsAreRandom(long seed) {
        // names and patterns from a few labels, so that exact names, suffixes, a pattern in several rules, a suffix
        // equal to a whole name and names that only end like a suffix without its dot all occur
        java.util.Random random = new java.util.Random(seed);
        String[] labels = {"a", "b", "video", "example", "com", "cdn", "x-1", "e"};
        java.util.function.Supplier<String> host = () -> {
            StringBuilder b = new StringBuilder(labels[random.nextInt(labels.length)]);
            for (int n = random.nextInt(4); n > 0; n--) {
                b.append('.').append(labels[random.nextInt(labels.length)]);
            }
            return b.toString();
        };
        List<String> lines = new java.util.ArrayList<>();
        int rules = 1 + random.nextInt(63);
        for (int r = 0; r < rules; r++) {
            StringBuilder line = new StringBuilder("r" + r + ": rg=" + (100 + r));
            if (random.nextInt(4) > 0) {
                line.append(" name=");
                for (int k = 1 + random.nextInt(6); k > 0; k--) {
                    line.append(random.nextBoolean() ? "*." : "")
                            .append(host.get())
                            .append(k > 1 ? "," : "");
                }
            }
            lines.add(line.toString());
        }
        lines.add("default: rg=1");
        ServiceRules parsed = ServiceRules.parse(lines, "random.rules");
        long matched = 0;
        for (int i = 0; i < 20_000; i++) {
            String name = random.nextInt(10) == 0 ? "." + host.get() : host.get();
            byte[] bytes = (name + "trailing").getBytes(StandardCharsets.US_ASCII);
            int length = name.length();
            long expected = parsed.matchNameByWalking(bytes, length);
            assertThat(parsed.matchName(bytes, length))
                    .as("seed %d name %s", seed, name)
                    .isEqualTo(expected);
            matched += expected != 0 ? 1 : 0;
        }
        // the walk found something often enough for the comparison to mean something
        assertThat(matched).isGreaterThan(1_000);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3})
    void shouldDecideLikeTheRuleWalkWhenInputsAreRandom(long seed) {
        java.util.Random random = new java.util.Random(seed);
        List<String> lines = new java.util.ArrayList<>();
        String[] protos = {"tcp", "udp", "icmp", "sctp", "47"};
        for (int r = 0; r < 20; r++) {
            StringBuilder line = new StringBuilder("r" + r + ": rg=" + (100 + r));
            if (random.nextBoolean()) {
                line.append(" proto=").append(protos[random.nextInt(protos.length)]);
            }
            if (random.nextInt(3) == 0) {
                int a = random.nextInt(2000);
                line.append(" port=")
                        .append(a)
                        .append('-')
                        .append(a + random.nextInt(100))
                        .append(',')
                        .append(random.nextInt(65536));
            }
            if (random.nextInt(4) == 0) {
                line.append(" prefix=10.")
                        .append(random.nextInt(4))
                        .append(".0.0/16,2001:db8:")
                        .append(random.nextInt(4))
                        .append("::/48");
            }
            if (random.nextInt(5) == 0) {
                line.append(" name=n").append(r).append(".example.com");
            }
            lines.add(line.toString());
        }
        lines.add("default: rg=1");
        ServiceRules rules = ServiceRules.parse(lines, "random-" + seed);
        assertThat(rules.compactPortSets()).isTrue();
        assertDecidesLikeTheWalk(rules, random, seed);
    }

    @Test
    void shouldDecideLikeTheRuleWalkWhenRulesMakeMoreThan256PortSets() {
        java.util.Random random = new java.util.Random(7);
        List<String> lines = new java.util.ArrayList<>();
        for (int r = 0; r < 60; r++) {
            // overlapping ranges: every boundary starts another set of candidate rules
            StringBuilder line = new StringBuilder("r" + r + ": rg=" + (100 + r) + (r % 3 == 0 ? " proto=tcp" : ""));
            line.append(" port=");
            for (int k = 0; k < 5; k++) {
                int a = random.nextInt(2200);
                line.append(k == 0 ? "" : ",").append(a).append('-').append(a + random.nextInt(400));
            }
            if (r % 7 == 0) {
                line.append(" prefix=10.").append(r % 4).append(".0.0/16");
            }
            lines.add(line.toString());
        }
        lines.add("default: rg=1");
        ServiceRules rules = ServiceRules.parse(lines, "fragmented");
        assertThat(rules.compactPortSets()).isFalse();
        assertDecidesLikeTheWalk(rules, random, 7);
    }

    private static void assertDecidesLikeTheWalk(ServiceRules rules, java.util.Random random, long seed) {
        int[] protoNumbers = {6, 17, 1, 132, 47, 58, 0, 255};
        for (int i = 0; i < 200_000; i++) {
            int proto = protoNumbers[random.nextInt(protoNumbers.length)];
            int port = random.nextInt(4) == 0 ? random.nextInt(65536) : random.nextInt(2200);
            boolean portKnown = random.nextInt(5) != 0;
            boolean v4 = random.nextBoolean();
            long hi = v4 ? 0 : 0x20010db800000000L | ((long) random.nextInt(6) << 16);
            long lo = v4
                    ? SubscriberKeys.ipv4Lo((10 << 24) | (random.nextInt(6) << 16) | random.nextInt(65536))
                    : random.nextLong();
            long mask = random.nextLong() & random.nextLong();
            assertThat(rules.decide(proto, port, portKnown, hi, lo, mask))
                    .as("seed=%d i=%d", seed, i)
                    .isEqualTo(rules.decideByWalking(proto, port, portKnown, hi, lo, mask));
        }
    }
}

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
}

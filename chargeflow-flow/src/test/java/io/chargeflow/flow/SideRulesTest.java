package io.chargeflow.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chargeflow.packet.DecodedPacket;
import org.junit.jupiter.api.Test;

class SideRulesTest {

    private static DecodedPacket packet(int outer, int inner, boolean gtp, int iface) {
        DecodedPacket p = new DecodedPacket();
        p.reset();
        p.outerVlan = outer;
        p.innerVlan = inner;
        p.gtp = gtp;
        p.interfaceId = iface;
        return p;
    }

    @Test
    void shouldUseVlan100And200WhenDefaults() {
        SideRules rules = SideRules.defaults();
        assertThat(rules.classify(packet(100, 100, false, 0))).isEqualTo(Side.SUBSCRIBER);
        assertThat(rules.classify(packet(200, 200, false, 0))).isEqualTo(Side.NETWORK);
        assertThat(rules.classify(packet(300, 300, false, 0))).isEqualTo(Side.IGNORE);
        assertThat(rules.classify(packet(-1, -1, false, 0))).isEqualTo(Side.IGNORE);
    }

    @Test
    void shouldMatchInnermostVlanBeforeOutermostWhenQinQ() {
        SideRules rules = SideRules.builder()
                .subscriberVlan(100)
                .outerVlan(3000, Side.NETWORK)
                .build();
        assertThat(rules.classify(packet(3000, 100, false, 0))).isEqualTo(Side.SUBSCRIBER);
        assertThat(rules.classify(packet(3000, 7, false, 0))).isEqualTo(Side.NETWORK);
    }

    @Test
    void shouldPreferInterfaceRulesThenGtpWhenSeveralMatch() {
        SideRules rules = SideRules.builder()
                .subscriberVlan(100)
                .parse("iface:1=network")
                .parse("ifname:uplink0=both")
                .parse("gtpu=subscriber")
                .defaultSide(Side.NETWORK)
                .build();
        rules.onSource(id -> id == 2 ? "uplink0" : null);
        assertThat(rules.classify(packet(100, 100, false, 1))).isEqualTo(Side.NETWORK);
        assertThat(rules.classify(packet(100, 100, false, 2))).isEqualTo(Side.BOTH);
        assertThat(rules.classify(packet(200, 200, true, 0))).isEqualTo(Side.SUBSCRIBER);
        assertThat(rules.classify(packet(-1, -1, false, 0))).isEqualTo(Side.NETWORK);
    }

    @Test
    void shouldNameTheRuleWhenItIsMalformed() {
        assertThatThrownBy(() -> SideRules.builder().parse("vlan:abc=subscriber"))
                .hasMessageContaining("rule=vlan:abc=subscriber");
        assertThatThrownBy(() -> SideRules.builder().parse("vlan:5000=subscriber"))
                .hasMessageContaining("vlan=5000");
        assertThatThrownBy(() -> SideRules.builder().parse("port:80=network")).hasMessageContaining("unknown kind");
        assertThatThrownBy(() -> SideRules.builder().parse("vlan:1=sideways")).hasMessageContaining("side=sideways");
        assertThatThrownBy(() -> SideRules.builder().parse("nonsense")).hasMessageContaining("rule=nonsense");
    }
}

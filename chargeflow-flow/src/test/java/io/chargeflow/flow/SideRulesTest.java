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

    private static DecodedPacket cooked(int iface, int linkIndex) {
        DecodedPacket p = packet(-1, -1, false, iface);
        p.linkType = io.chargeflow.packet.LinkType.LINUX_SLL2;
        p.linkInterfaceIndex = linkIndex;
        return p;
    }

    @Test
    void shouldMatchTheInterfaceOfACookedHeaderByIndexOrByTheNameTheSourceGivesIt() {
        SideRules rules = SideRules.builder()
                .parse("ifname:eth1=subscriber")
                .parse("ifindex:7=network")
                .parse("ifindex:100000=both")
                .parse("ifname:mirror=network")
                .build();
        // a live capture on "any" (interface 0): index 3 is eth1 there, 9 is eth9, 7 and 100000 have rules of their own
        rules.onSource(id -> id == 0 ? "any" : null, index -> "eth" + (index == 3 ? 1 : index));
        assertThat(rules.classify(cooked(0, 3))).isEqualTo(Side.SUBSCRIBER);
        assertThat(rules.classify(cooked(0, 7))).isEqualTo(Side.NETWORK);
        assertThat(rules.classify(cooked(0, 9))).isEqualTo(Side.IGNORE);
        assertThat(rules.classify(cooked(0, 100_000))).isEqualTo(Side.BOTH);
        assertThat(rules.classify(cooked(0, -1))).isEqualTo(Side.IGNORE);
        // many large indexes, beyond what the cache of large ones holds at once: each still resolves by its name
        for (int index = 200_000; index < 201_000; index++) {
            assertThat(rules.classify(cooked(0, index))).isEqualTo(Side.IGNORE);
        }
        assertThat(rules.classify(cooked(0, 100_000))).isEqualTo(Side.BOTH);
        // the capture's own interface wins over the cooked header's
        rules.onSource(id -> id == 0 ? "mirror" : null, index -> "eth1");
        assertThat(rules.classify(cooked(0, 3))).isEqualTo(Side.NETWORK);
        // a file: the source does not name indexes, so only index rules match them
        rules.onSource(id -> null);
        assertThat(rules.classify(cooked(0, 3))).isEqualTo(Side.IGNORE);
        assertThat(rules.classify(cooked(0, 7))).isEqualTo(Side.NETWORK);
        assertThatThrownBy(() -> SideRules.builder().parse("ifindex:0=network")).hasMessageContaining("ifindex=0");
        assertThatThrownBy(() -> SideRules.builder().parse("ifindex:eth0=network"))
                .hasMessageContaining("non-numeric");
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

package io.chargeflow.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddressPoolsTest {

    @Test
    void shouldContainAddressesInsideThePrefixOnly() {
        AddressPools pools = AddressPools.of(List.of("10.45.0.0/16", "2001:db8:aa::/48", "192.0.2.7"));
        assertThat(pools.containsV4(0x0A2D0001)).isTrue();
        assertThat(pools.containsV4(0x0A2DFFFF)).isTrue();
        assertThat(pools.containsV4(0x0A2E0000)).isFalse();
        assertThat(pools.containsV4(0xC0000207)).isTrue();
        assertThat(pools.containsV4(0xC0000208)).isFalse();
        assertThat(pools.containsV6(0x20010db800aa0001L, 5)).isTrue();
        assertThat(pools.containsV6(0x20010db800ab0000L, 0)).isFalse();
    }

    @Test
    void shouldRejectWhenCidrIsMalformed() {
        assertThatThrownBy(() -> AddressPools.of(List.of("10.0.0.0/33")))
                .hasMessageContaining("subscriber-pool=10.0.0.0/33");
        assertThatThrownBy(() -> AddressPools.of(List.of("example.com/8"))).hasMessageContaining("subscriber-pool=");
        assertThatThrownBy(() -> AddressPools.of(List.of("10.0.0.0/x"))).hasMessageContaining("subscriber-pool=");
    }
}

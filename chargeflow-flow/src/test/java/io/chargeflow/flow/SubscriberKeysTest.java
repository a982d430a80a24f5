package io.chargeflow.flow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SubscriberKeysTest {

    @Test
    void shouldFormatIpv4AndIpv6PrefixesWhenKeysAreMasked() {
        assertThat(SubscriberKeys.format(0, SubscriberKeys.ipv4Lo(0x0A000001), 64))
                .isEqualTo("10.0.0.1");
        long hi = 0x20010db800010002L;
        long lo = 0x0000000000000abcL;
        assertThat(SubscriberKeys.format(SubscriberKeys.maskHi(hi, 64), SubscriberKeys.maskLo(lo, 64), 64))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(SubscriberKeys.format(SubscriberKeys.maskHi(hi, 48), SubscriberKeys.maskLo(lo, 48), 48))
                .isEqualTo("2001:db8:1::/48");
        assertThat(SubscriberKeys.format(hi, SubscriberKeys.maskLo(lo, 128), 128))
                .isEqualTo("2001:db8:1:2::abc");
        assertThat(SubscriberKeys.format(hi, SubscriberKeys.maskLo(0xffff_ffff_ffff_ffffL, 96), 96))
                .isEqualTo("2001:db8:1:2:ffff:ffff::/96");
    }

    @Test
    void shouldSpreadKeysEvenlyWhenPickingProcessors() {
        int processors = 3;
        int[] counts = new int[processors];
        for (int i = 0; i < 300_000; i++) {
            counts[SubscriberKeys.processorOf(0, SubscriberKeys.ipv4Lo(0x0A000000 + i), processors)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(98_000, 102_000);
        }
        assertThat(SubscriberKeys.processorOf(0, SubscriberKeys.ipv4Lo(0x0A000001), 4))
                .isEqualTo(SubscriberKeys.processorOf(0, SubscriberKeys.ipv4Lo(0x0A000001), 4));
    }
}

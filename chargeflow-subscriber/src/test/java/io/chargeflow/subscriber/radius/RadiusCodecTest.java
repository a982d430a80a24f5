package io.chargeflow.subscriber.radius;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.subscriber.AccountingEvent;
import io.chargeflow.subscriber.BindingKey;
import org.junit.jupiter.api.Test;

/** Attribute decoding corners: delay-adjusted event time, short IPv6 prefixes, impossible attribute sizes. */
class RadiusCodecTest {
    private static final long NOW_MS = 1_763_800_000_000L;

    private static RadiusCodec.Decoded decode(RadiusPackets packets) throws Exception {
        byte[] p = packets.build(1, "s", false);
        int length = RadiusCodec.framedLength(p, p.length);
        assertThat(length).isEqualTo(p.length);
        return RadiusCodec.decode(p, length, "192.0.2.1", NOW_MS);
    }

    @Test
    void shouldSubtractAcctDelayTimeWhenEventTimestampIsAbsent() throws Exception {
        AccountingEvent event = decode(new RadiusPackets()
                        .integer(RadiusCodec.ACCT_STATUS_TYPE, 3)
                        .integer(RadiusCodec.ACCT_DELAY_TIME, 5))
                .event();
        assertThat(event.eventTimeMs()).isEqualTo(NOW_MS - 5_000);
        assertThat(event.nas()).isEqualTo("192.0.2.1");
        assertThat(event.inputOctets()).isEqualTo(-1);
    }

    @Test
    void shouldDecodeIpv6PrefixWhenOnlyPrefixOctetsAreSent() throws Exception {
        byte[] framed = {0, 64, 0x20, 0x01, 0x0d, (byte) 0xb8, 0, 1, 0, 2};
        byte[] delegated = {0, 56, 0x20, 0x01, 0x0d, (byte) 0xb8, 0, 9, 0x77};
        AccountingEvent event = decode(new RadiusPackets()
                        .integer(RadiusCodec.ACCT_STATUS_TYPE, 1)
                        .attribute(RadiusCodec.FRAMED_IPV6_PREFIX, framed)
                        .attribute(RadiusCodec.DELEGATED_IPV6_PREFIX, delegated))
                .event();
        assertThat(event.keys())
                .containsExactly(
                        BindingKey.parse("2001:db8:1:2::/64", 64), BindingKey.parse("2001:db8:9:7700::/56", 64));
    }

    @Test
    void shouldRejectWhenAttributeSizesAreImpossible() throws Exception {
        assertThat(decode(new RadiusPackets()
                        .integer(RadiusCodec.ACCT_STATUS_TYPE, 1)
                        .attribute(RadiusCodec.FRAMED_IP_ADDRESS, new byte[] {10, 0, 0})))
                .isNull();
        assertThat(decode(new RadiusPackets()
                        .integer(RadiusCodec.ACCT_STATUS_TYPE, 1)
                        .attribute(RadiusCodec.FRAMED_IPV6_PREFIX, new byte[] {0, 64, 0x20, 0x01})))
                .isNull();
        assertThat(decode(new RadiusPackets().attribute(RadiusCodec.ACCT_STATUS_TYPE, new byte[] {0, 1})))
                .isNull();
    }

    @Test
    void shouldAnswerWithoutEventWhenStatusTypeIsNotActedOn() throws Exception {
        RadiusCodec.Decoded decoded = decode(new RadiusPackets().integer(RadiusCodec.ACCT_STATUS_TYPE, 9));
        assertThat(decoded.statusType()).isEqualTo(9);
        assertThat(decoded.event()).isNull();
    }
}

package io.chargeflow.packet.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GeneratorConfigTest {

    @Test
    void shouldUseDocumentedDefaultsWhenNothingIsSet() {
        GeneratorConfig config = GeneratorConfig.defaults();

        assertThat(config.seed()).isEqualTo(1);
        assertThat(config.packets()).isEqualTo(1_000_000);
        assertThat(config.subscribers()).isEqualTo(10_000);
        assertThat(config.ipv6Share()).isEqualTo(0.3);
        assertThat(config.gtpShare()).isEqualTo(0.2);
        assertThat(config.qinqShare()).isEqualTo(0.1);
        assertThat(config.p2pShare()).isEqualTo(0.02);
        assertThat(config.malformedShare()).isEqualTo(0.002);
        assertThat(config.unclassifiedShare()).isEqualTo(0.01);
        assertThat(config.snaplenCutShare()).isEqualTo(0.02);
        assertThat(config.fragmentShare()).isEqualTo(0.01);
        assertThat(config.subVlan()).isEqualTo(100);
        assertThat(config.netVlan()).isEqualTo(200);
        assertThat(config.ipv6PrefixLength()).isEqualTo(64);
        assertThat(config.nanosecondTimestamps()).isFalse();
        assertThat(config.start()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(config.duration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                mistake(b -> b.packets(0), "packets=0 must be 1..1000000000"),
                mistake(b -> b.subscribers(1_000_001), "subscribers=1000001 must be 1..1000000"),
                mistake(b -> b.ipv6Share(1.5), "ipv6Share=1.5 must be within 0..1"),
                mistake(b -> b.gtpShare(Double.NaN), "gtpShare=NaN must be within 0..1"),
                mistake(b -> b.qinqShare(-0.1), "qinqShare=-0.1 must be within 0..1"),
                mistake(
                        b -> b.p2pShare(0.6).fragmentShare(0.6),
                        "p2pShare+malformedShare+unclassifiedShare+fragmentShare=1.21"),
                mistake(b -> b.subVlan(0), "subVlan=0 must be a VLAN id 1..4094"),
                mistake(b -> b.netVlan(4095), "netVlan=4095 must be a VLAN id 1..4094"),
                mistake(b -> b.subVlan(200), "subVlan=200 must differ from netVlan=200"),
                mistake(b -> b.ipv6PrefixLength(129), "ipv6PrefixLength=129 must be 1..128"),
                mistake(b -> b.duration(Duration.ZERO), "duration=PT0S must be positive and at most 3650 days"),
                mistake(
                        b -> b.start(Instant.parse("1969-12-31T23:59:59Z")),
                        "start=1969-12-31T23:59:59Z with duration=PT10M must fit pcap's unsigned 32-bit seconds"));
    }

    private static Arguments mistake(UnaryOperator<GeneratorConfig.Builder> change, String message) {
        return Arguments.of(change, message);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("mistakes")
    void shouldFailFastWithNameValueMessageWhenOptionIsOutOfRange(
            UnaryOperator<GeneratorConfig.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(GeneratorConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void shouldRefuseWhenPcapAndTruthAreTheSameFile() {
        Path same = Path.of("same.out");
        assertThatThrownBy(() -> new TrafficGenerator().generate(GeneratorConfig.defaults(), same, same))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pcapOut=same.out must differ from truthOut=same.out");
    }
}

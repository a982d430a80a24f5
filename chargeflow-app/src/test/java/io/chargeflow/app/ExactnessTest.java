package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.packet.gen.GeneratorConfig;
import io.chargeflow.packet.gen.GeneratorResult;
import io.chargeflow.packet.gen.TrafficGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End to end: {@code chargeflow meter} on generated captures equals the generator's truth file exactly, for many
 * seeds and traffic mixes, processor counts and prefix lengths; and the summary's malformed and unclassified counts
 * equal the generator's.
 */
class ExactnessTest {

    static Stream<Arguments> mixes() {
        GeneratorConfig base =
                GeneratorConfig.builder().packets(60_000).subscribers(800).build();
        return Stream.of(
                Arguments.of("default mix", base.toBuilder().seed(1).build(), 2, 64),
                Arguments.of(
                        "default mix, 1 processor", base.toBuilder().seed(2).build(), 1, 64),
                Arguments.of(
                        "default mix, 5 processors", base.toBuilder().seed(3).build(), 5, 64),
                Arguments.of("all IPv6", base.toBuilder().seed(4).ipv6Share(1.0).build(), 2, 64),
                Arguments.of(
                        "all IPv6 keyed /128",
                        base.toBuilder()
                                .seed(5)
                                .ipv6Share(1.0)
                                .ipv6PrefixLength(128)
                                .build(),
                        2,
                        128),
                Arguments.of("all GTP-U", base.toBuilder().seed(6).gtpShare(1.0).build(), 2, 64),
                Arguments.of(
                        "heavy malformed",
                        base.toBuilder().seed(7).malformedShare(0.3).build(),
                        2,
                        64),
                Arguments.of(
                        "heavy p2p and QinQ",
                        base.toBuilder().seed(8).p2pShare(0.4).qinqShare(0.8).build(),
                        3,
                        64),
                Arguments.of(
                        "fragments and snaplen cuts",
                        base.toBuilder()
                                .seed(9)
                                .fragmentShare(0.3)
                                .snaplenCutShare(0.5)
                                .build(),
                        2,
                        64),
                Arguments.of(
                        "nanosecond pcap",
                        base.toBuilder().seed(10).nanosecondTimestamps(true).build(),
                        2,
                        64),
                Arguments.of(
                        "many subscribers",
                        base.toBuilder().seed(11).subscribers(20_000).build(),
                        2,
                        64));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mixes")
    void shouldEqualTheGeneratorTruthWhenMeteringGeneratedCaptures(
            String name, GeneratorConfig config, int processors, int prefix, @TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("c.pcap");
        Path truth = dir.resolve("truth.csv");
        GeneratorResult generated = new TrafficGenerator().generate(config, pcap, truth);
        Path usage = dir.resolve("usage.csv");
        Path summary = dir.resolve("summary.json");
        int code = Main.execute(
                "meter",
                "--quiet",
                "--processors",
                Integer.toString(processors),
                "--ipv6-prefix",
                Integer.toString(prefix),
                "--out",
                usage.toString(),
                "--summary-json",
                summary.toString(),
                pcap.toString());
        assertThat(code).isZero();
        List<String> expected = Files.readAllLines(truth);
        List<String> actual = Files.readAllLines(usage);
        assertThat(actual.get(0)).isEqualTo(Reports.USAGE_HEADER);
        assertThat(actual).as("seed=%d %s", config.seed(), name).containsExactlyInAnyOrderElementsOf(expected);
        String json = Files.readString(summary);
        assertThat(json).contains("\"total\" : " + generated.malformedFrames());
        assertThat(json).contains("\"frames\" : " + generated.totalFrames());
        assertThat(json).contains("\"packets\" : " + generated.unclassifiedFrames());
    }
}

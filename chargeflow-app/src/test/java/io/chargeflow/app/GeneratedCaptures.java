package io.chargeflow.app;

import io.chargeflow.packet.gen.GeneratorConfig;
import io.chargeflow.packet.gen.TrafficGenerator;
import java.nio.file.Path;

/** A generated capture for a test: {@code dir/c.pcap}, its truth file {@code dir/truth.csv}. */
final class GeneratedCaptures {
    private GeneratedCaptures() {}

    /** Generates the generator's default traffic mix of {@code packets} frames over {@code subscribers}. */
    static Path generate(Path dir, long seed, int packets, int subscribers) throws java.io.IOException {
        Path pcap = dir.resolve("c.pcap");
        new TrafficGenerator()
                .generate(
                        GeneratorConfig.builder()
                                .seed(seed)
                                .packets(packets)
                                .subscribers(subscribers)
                                .build(),
                        pcap,
                        dir.resolve("truth.csv"));
        return pcap;
    }
}

package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code chargeflow demo} runs the whole job on embedded defaults and proves itself exact. */
class DemoTest {

    @Test
    void shouldGenerateMeterBillAndMatchTheTruthWhenRunOnEmbeddedDefaults(@TempDir Path dir) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute("demo", "--dir", dir.toString(), "--packets", "40000", "--subscribers", "500");
        } finally {
            System.setOut(saved);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        assertThat(text).contains("exact: all 500 subscribers equal the truth");
        assertThat(Files.readAllLines(dir.resolve("usage.csv")).get(0))
                .isEqualTo("subscriber,ul_packets,ul_bytes,dl_packets,dl_bytes,imsi,msisdn,account");
        assertThat(Files.readAllLines(dir.resolve("usage.csv"))).hasSize(501);
        assertThat(Files.exists(dir.resolve("bills/bills.csv"))).isTrue();
        assertThat(Main.execute("cdr", "verify", dir.resolve("journal").toString()))
                .isZero();
    }

    /** The demo's rules are the example the README points to (the rules benchmark loads them too): kept equal. */
    @Test
    void shouldShipTheExampleRulesAsTheDemoRules() throws Exception {
        byte[] demo;
        try (var in = DemoTest.class.getResourceAsStream("/io/chargeflow/app/demo/services.rules")) {
            assertThat(in).isNotNull();
            demo = in.readAllBytes();
        }
        assertThat(new String(demo, StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(Path.of("../examples/services.rules")));
    }
}

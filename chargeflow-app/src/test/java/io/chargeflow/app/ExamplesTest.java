package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The examples an operator copies stay valid: the service's options file parses into the options it means. */
class ExamplesTest {

    @Test
    void shouldParseTheServicesOptionsFileIntoWhatItSays() {
        MeterCommand meter = new MeterCommand();
        new CommandLine(meter).parseArgs("@../examples/meter.args");
        assertThat(meter.live.interfaces).containsExactly("tap0", "tap1");
        assertThat(meter.meter.sideRules).containsExactly("ifname:tap0=subscriber", "ifname:tap1=network");
        assertThat(meter.cdr.journal).isEqualTo(Path.of("/var/lib/chargeflow/cdrs"));
        assertThat(meter.cdr.export).isEqualTo(Path.of("/var/lib/chargeflow/billing"));
        assertThat(meter.cdr.exportFormat).isEqualTo("csv");
        assertThat(meter.cdr.pruneExported).isTrue();
        assertThat(meter.usageEvery).isEqualTo(Duration.ofMinutes(1));
        assertThat(meter.out).isEqualTo(Path.of("/var/lib/chargeflow/usage.csv"));
        assertThat(meter.metrics).isEqualTo("127.0.0.1:9464");
        assertThat(meter.live.statusEvery).isEqualTo(Duration.ZERO);
        // and the unit runs the meter with that file
        assertThat(lines("../examples/chargeflow-meter.service"))
                .contains("ExecStart=/opt/chargeflow/chargeflow meter @/etc/chargeflow/meter.args");
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.flow.FlowContext;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The record time limit a run gets: never for files, hourly live, and whatever --cdr-time-limit says. */
class CdrOptionsTest {

    private static CdrOptions parse(String... args) {
        MeterCommand command = new MeterCommand();
        new CommandLine(command).parseArgs(args);
        return command.cdr;
    }

    @Test
    void shouldCutRecordsHourlyLiveAndNeverForFilesUnlessTold(@TempDir Path dir) throws Exception {
        assertThat(parse("a.pcap").effectiveTimeLimit(false)).isEqualTo(Duration.ZERO);
        assertThat(parse("--interface", "lo").effectiveTimeLimit(true)).isEqualTo(Duration.ofHours(1));
        assertThat(parse("--interface", "lo", "--cdr-time-limit", "0").effectiveTimeLimit(true))
                .isEqualTo(Duration.ZERO);
        assertThat(parse("--cdr-time-limit", "15m", "a.pcap").effectiveTimeLimit(false))
                .isEqualTo(Duration.ofMinutes(15));
        // and the processors get it: the journal's run cuts at that limit
        FlowContext context = new FlowContext();
        CdrOptions live =
                parse("--interface", "lo", "--journal", dir.resolve("j").toString());
        try (CdrOptions.Journal journal = live.openJournal(context, true)) {
            assertThat(context.recordTimeLimit()).isEqualTo(Duration.ofHours(1));
        }
    }
}

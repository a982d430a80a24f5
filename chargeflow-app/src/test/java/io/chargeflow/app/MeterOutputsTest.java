package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.packet.gen.GeneratorConfig;
import io.chargeflow.packet.gen.TrafficGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sessions file and the summary of {@code meter} add up to the same totals as usage.csv. */
class MeterOutputsTest {

    private static long sum(List<String> lines, String field) {
        Pattern p = Pattern.compile("\"" + field + "\":(\\d+)");
        long total = 0;
        for (String line : lines) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                total += Long.parseLong(m.group(1));
            }
        }
        return total;
    }

    @Test
    void shouldWriteSessionsAndSummaryThatAddUpToUsageWhenMeteringWithShortIdleTimeout(@TempDir Path dir)
            throws Exception {
        Path pcap = dir.resolve("c.pcap");
        new TrafficGenerator()
                .generate(
                        GeneratorConfig.builder()
                                .seed(21)
                                .packets(30_000)
                                .subscribers(300)
                                .build(),
                        pcap,
                        dir.resolve("truth.csv"));
        Path usage = dir.resolve("usage.csv");
        Path sessions = dir.resolve("sessions.jsonl");
        Path summary = dir.resolve("summary.json");
        int code = Main.execute(
                "meter",
                "--quiet",
                "--processors",
                "2",
                "--idle-timeout",
                "30s",
                "--out",
                usage.toString(),
                "--sessions",
                sessions.toString(),
                "--summary-json",
                summary.toString(),
                pcap.toString());
        assertThat(code).isZero();
        List<String> sessionLines = Files.readAllLines(sessions);
        List<String> usageLines = Files.readAllLines(usage);
        long ulBytes = 0;
        long dlBytes = 0;
        for (String line : usageLines.subList(1, usageLines.size())) {
            String[] f = line.split(",");
            ulBytes += Long.parseLong(f[2]);
            dlBytes += Long.parseLong(f[4]);
        }
        assertThat(sum(sessionLines, "ul_bytes")).isEqualTo(ulBytes);
        assertThat(sum(sessionLines, "dl_bytes")).isEqualTo(dlBytes);
        // a 30 s idle timeout over a 10-minute capture splits subscribers into several sessions each
        assertThat(sessionLines.size()).isGreaterThan(usageLines.size() - 1);
        assertThat(sessionLines).allMatch(l -> l.startsWith("{\"session_id\":") && l.endsWith("\"}"));
        assertThat(sessionLines.stream()
                        .filter(l -> l.contains("\"close_cause\":\"idle-timeout\""))
                        .count())
                .isGreaterThan(0);
        String json = Files.readString(summary);
        assertThat(json).contains("\"closed\" : " + sessionLines.size());
        assertThat(json).contains("\"bytes\" : " + ulBytes).contains("\"bytes\" : " + dlBytes);
        // CPU per thread: the reader's, and one figure per processor (2 processors here)
        Matcher cpu = Pattern.compile("\"cpu_seconds\" : \\{[^}]*\"processors\" : \\[ ([^\\]]*) \\]")
                .matcher(json);
        assertThat(cpu.find()).as(json).isTrue();
        assertThat(cpu.group(1).split(", ")).hasSize(2).allMatch(v -> Double.parseDouble(v) >= 0);
    }
}

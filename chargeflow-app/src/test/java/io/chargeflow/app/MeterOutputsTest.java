package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

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
        Path pcap = GeneratedCaptures.generate(dir, 21, 30_000, 300);
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

    /** What {@code cdr dump} prints of {@code journal}, in {@code format}. */
    private static String dump(Path journal, String format) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int code = io.chargeflow.cdr.export.CdrCommands.dump(
                journal,
                CdrCommand.format("--format", format),
                new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8),
                System.err);
        assertThat(code).isZero();
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The export files of {@code exports} in manifest order, concatenated; their counts add up to {@code total}. */
    private static String exported(Path exports, long total) throws Exception {
        List<io.chargeflow.cdr.export.ManifestEntry> manifest =
                io.chargeflow.cdr.export.JournalExporter.readManifest(exports);
        assertThat(manifest.stream()
                        .mapToLong(io.chargeflow.cdr.export.ManifestEntry::count)
                        .sum())
                .isEqualTo(total);
        StringBuilder text = new StringBuilder();
        for (io.chargeflow.cdr.export.ManifestEntry entry : manifest) {
            text.append(Files.readString(exports.resolve(entry.file())));
        }
        return text.toString();
    }

    @Test
    void shouldExportEveryCdrOnceWhileMeteringAndAfterwardsFromTheJournal(@TempDir Path dir) throws Exception {
        Path pcap = GeneratedCaptures.generate(dir, 23, 30_000, 400);
        Path journal = dir.resolve("journal");
        Path exports = dir.resolve("exports");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        int code;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            code = Main.execute(
                    "meter",
                    "--rules",
                    "../examples/services.rules",
                    "--journal",
                    journal.toString(),
                    "--cdr-volume-limit",
                    "20000",
                    "--export",
                    exports.toString(),
                    "--export-records-per-file",
                    "100",
                    "--out",
                    dir.resolve("usage.csv").toString(),
                    pcap.toString());
        } finally {
            System.setErr(saved);
        }
        String printed = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(code).as(printed).isZero();
        Matcher durable = Pattern.compile("cdrs: +([0-9,]+) PGW-CDRs durable").matcher(printed);
        assertThat(durable.find()).as(printed).isTrue();
        long cdrs = Long.parseLong(durable.group(1).replace(",", ""));
        assertThat(cdrs).isGreaterThan(400);
        assertThat(printed)
                .containsPattern("export: +" + String.format("%,d", cdrs) + " CDRs exported into "
                        + Pattern.quote(exports.toString()) + " \\(position " + String.format("%,d", cdrs) + ", "
                        + String.format("%,d", (cdrs + 99) / 100) + " file\\(s\\) in the manifest\\)");
        // the files hold every CDR of the journal once, in order: what dump prints
        assertThat(exported(exports, cdrs)).isEqualTo(dump(journal, "jsonl"));
        // after the run, cdr export of the same journal as CSV: the same records
        Path csv = dir.resolve("csv");
        assertThat(Main.execute("cdr", "export", journal.toString(), "--out", csv.toString(), "--format", "csv"))
                .isZero();
        String header = io.chargeflow.cdr.export.CdrFormat.CSV.header();
        String dumped = dump(journal, "csv");
        assertThat(dumped).startsWith(header + "\n");
        assertThat(exported(csv, cdrs).replace(header + "\n", "")).isEqualTo(dumped.substring(header.length() + 1));
        // the meter's export directory is its own: a second run on the journal resumes it, exporting only the new CDRs
        assertThat(Main.execute(
                        "meter",
                        "--quiet",
                        "--rules",
                        "../examples/services.rules",
                        "--journal",
                        journal.toString(),
                        "--export",
                        exports.toString(),
                        "--out",
                        dir.resolve("usage2.csv").toString(),
                        pcap.toString()))
                .isZero();
        long all = countCdrs(journal);
        assertThat(all).isGreaterThan(cdrs);
        assertThat(exported(exports, all)).isEqualTo(dump(journal, "jsonl"));
    }

    private static long countCdrs(Path journal) {
        long[] n = {0};
        io.chargeflow.cdr.journal.JournalScanner.scan(journal, 1, true, (seq, type, payload, file, offset) -> {
            n[0]++;
            return true;
        });
        return n[0];
    }
}

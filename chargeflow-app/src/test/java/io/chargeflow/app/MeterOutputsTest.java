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

    /** The sessions of a run as (subscriber, first seen, peer-to-peer) lines, sorted. */
    private static List<String> sessionMarks(Path sessions) throws Exception {
        tools.jackson.databind.ObjectMapper json = new tools.jackson.databind.ObjectMapper();
        List<String> marks = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(sessions)) {
            tools.jackson.databind.JsonNode node = json.readTree(line);
            marks.add(node.get("subscriber") + " " + node.get("first_seen") + " " + node.get("peer_to_peer"));
        }
        marks.sort(null);
        return marks;
    }

    @Test
    void shouldFindTheSamePeerToPeerSessionsFromTheDirectoryAsFromThePools(@TempDir Path dir) throws Exception {
        Path pcap = GeneratedCaptures.generate(dir, 4, 100_000, 1_000);
        Path csv = dir.resolve("subscribers.csv");
        DemoCommand.writeSubscribers(dir.resolve("truth.csv"), csv);
        Path data = dir.resolve("data");
        assertThat(Main.execute("subscribers", "import", csv.toString(), "--data", data.toString()))
                .isZero();
        List<String> pools = new java.util.ArrayList<>();
        DemoCommand.GENERATOR_POOLS.forEach(p -> {
            pools.add("--subscriber-pool");
            pools.add(p);
        });
        List<String> byPools = new java.util.ArrayList<>(List.of(
                "meter",
                "--quiet",
                "--out",
                dir.resolve("u1.csv").toString(),
                "--sessions",
                dir.resolve("s1.jsonl").toString(),
                "--summary-json",
                dir.resolve("j1.json").toString()));
        byPools.addAll(pools);
        byPools.add(pcap.toString());
        assertThat(Main.execute(byPools.toArray(String[]::new))).isZero();
        // the directory alone, no pools: its bindings tell which ends are subscribers
        assertThat(Main.execute(
                        "meter",
                        "--quiet",
                        "--data",
                        data.toString(),
                        "--out",
                        dir.resolve("u2.csv").toString(),
                        "--sessions",
                        dir.resolve("s2.jsonl").toString(),
                        "--summary-json",
                        dir.resolve("j2.json").toString(),
                        pcap.toString()))
                .isZero();
        tools.jackson.databind.ObjectMapper json = new tools.jackson.databind.ObjectMapper();
        long withPools = json.readTree(dir.resolve("j1.json").toFile())
                .get("peer_to_peer_records")
                .asLong();
        long withDirectory = json.readTree(dir.resolve("j2.json").toFile())
                .get("peer_to_peer_records")
                .asLong();
        assertThat(withPools).isGreaterThan(1_000);
        assertThat(withDirectory).isEqualTo(withPools);
        List<String> marks = sessionMarks(dir.resolve("s1.jsonl"));
        assertThat(marks).anyMatch(m -> m.endsWith(" true"));
        assertThat(sessionMarks(dir.resolve("s2.jsonl"))).isEqualTo(marks);
    }

    @Test
    void shouldFollowTheDirectorysBindingsAsTheyChange(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("subscribers.csv");
        Files.writeString(
                csv,
                "imsi,msisdn,account,plan,status,address,valid_from,valid_until\n"
                        + "001010000000001,491500000001,a1,basic,active,10.7.0.1,2025-12-01T00:00:00Z,\n"
                        + "001010000000002,491500000002,a2,basic,active,10.7.0.2,2025-12-01T00:00:00Z,\n");
        Path data = dir.resolve("data");
        assertThat(Main.execute("subscribers", "import", csv.toString(), "--data", data.toString()))
                .isZero();
        io.chargeflow.flow.FlowContext context = new io.chargeflow.flow.FlowContext();
        try (Directory directory =
                Directory.open(new io.chargeflow.subscriber.cli.DatabaseOptions(data, null), context)) {
            assertThat(context.boundAddresses().get().containsV4(0x0A07_0001)).isTrue();
            assertThat(context.boundAddresses().get().containsV4(0x0A07_0003)).isFalse();
            // a new binding of 10.7.0.3 (to the first subscriber): bound within a fifth of a second
            long id = directory
                    .store()
                    .findSubscriberByImsi("001010000000001")
                    .orElseThrow()
                    .subscriberId();
            bindFromNow(directory, 0x0A07_0003, id);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!context.boundAddresses().get().containsV4(0x0A07_0003) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(context.boundAddresses().get().containsV4(0x0A07_0003)).isTrue();
            // 10.7.0.2 passes to the first subscriber: its old holder's end does not unbind it
            bindFromNow(directory, 0x0A07_0002, id);
            Thread.sleep(500);
            assertThat(context.boundAddresses().get().containsV4(0x0A07_0002)).isTrue();
            assertThat(context.boundAddresses().get().size()).isEqualTo(3);
        }
    }

    /** Binds IPv4 {@code address} to subscriber {@code id} from now on, as a feed other than RADIUS would. */
    private static void bindFromNow(Directory directory, int address, long id) {
        directory
                .store()
                .addBinding(
                        io.chargeflow.subscriber.BindingKey.ipv4(address),
                        id,
                        System.currentTimeMillis(),
                        Long.MAX_VALUE,
                        io.chargeflow.subscriber.BindingSource.OTHER,
                        null);
    }
}

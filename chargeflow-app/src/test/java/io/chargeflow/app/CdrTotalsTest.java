package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PGW-CDRs of a run, cut into partial records on all three limits, add up to usage.csv exactly: every charged
 * octet and packet is in one record's containers, once.
 */
class CdrTotalsTest {

    @Test
    void shouldJournalRecordsWhoseContainersAddUpToUsageOnEveryLimit(@TempDir Path dir) throws Exception {
        Path pcap = GeneratedCaptures.generate(dir, 8, 40_000, 200);
        Path rules = dir.resolve("services.rules");
        Files.writeString(rules, """
                web:   rg=10 sid=1 proto=tcp port=80,443
                quic:  rg=11 sid=2 proto=udp port=443
                dns:   rg=20 sid=3 proto=udp port=53
                named: rg=30 sid=4 name=*.example.com,www.google.com
                default: rg=1
                """);
        Path usage = dir.resolve("usage.csv");
        Path journal = dir.resolve("journal");
        int code = Main.execute(
                "meter",
                "--quiet",
                "--idle-timeout",
                "45s",
                "--rules",
                rules.toString(),
                "--journal",
                journal.toString(),
                "--cdr-volume-limit",
                "20000",
                "--cdr-time-limit",
                "20s",
                "--cdr-max-containers",
                "2",
                "--out",
                usage.toString(),
                pcap.toString());
        assertThat(code).isZero();
        long[] expected = new long[4];
        List<String> usageLines = Files.readAllLines(usage);
        for (String line : usageLines.subList(1, usageLines.size())) {
            String[] f = line.split(",");
            int n = f.length;
            expected[0] += Long.parseLong(f[n - 4]);
            expected[1] += Long.parseLong(f[n - 3]);
            expected[2] += Long.parseLong(f[n - 2]);
            expected[3] += Long.parseLong(f[n - 1]);
        }
        assertThat(expected[1]).isPositive();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute("cdr", "dump", journal.toString(), "--format", "csv"))
                    .isZero();
        } finally {
            System.setOut(previous);
        }
        List<String> cdr = out.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> header = List.of(cdr.get(0).split(","));
        int ulBytes = header.indexOf("datavolumeFBCUplink");
        int dlBytes = header.indexOf("datavolumeFBCDownlink");
        int ulPackets = header.indexOf("uplinkPackets");
        int dlPackets = header.indexOf("downlinkPackets");
        int cause = header.indexOf("causeForRecClosing");
        long[] actual = new long[4];
        int[] partials = new int[3];
        for (String line : cdr.subList(1, cdr.size())) {
            String[] f = line.split(",", -1);
            actual[0] += parse(f[ulPackets]);
            actual[1] += parse(f[ulBytes]);
            actual[2] += parse(f[dlPackets]);
            actual[3] += parse(f[dlBytes]);
            switch (f[cause]) {
                case "volumeLimit" -> partials[0]++;
                case "timeLimit" -> partials[1]++;
                case "maxChangeCond" -> partials[2]++;
                default -> {}
            }
        }
        assertThat(actual).containsExactly(expected);
        assertThat(partials).as("volume, time and container partials").doesNotContain(0);
        assertThat(Main.execute("cdr", "verify", journal.toString())).isZero();
    }

    /** A meter run's summary line "cdrs: N PGW-CDRs durable in DIR (journal sequence M)" as {N, M}. */
    private static long[] durableLine(Path pcap, Path journal, Path usage) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute(
                            "meter", "--journal", journal.toString(), "--out", usage.toString(), pcap.toString()))
                    .isZero();
        } finally {
            System.setErr(previous);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "cdrs: +([0-9,]+) PGW-CDRs durable in .* \\(journal sequence ([0-9,]+)\\)")
                .matcher(err.toString(StandardCharsets.UTF_8));
        assertThat(m.find()).as(err.toString(StandardCharsets.UTF_8)).isTrue();
        return new long[] {
            Long.parseLong(m.group(1).replace(",", "")),
            Long.parseLong(m.group(2).replace(",", ""))
        };
    }

    @Test
    void shouldCountTheRunsOwnDurableRecordsWhenTheJournalHeldRecordsBefore(@TempDir Path dir) throws Exception {
        Path pcap = GeneratedCaptures.generate(dir, 3, 5_000, 50);
        Path journal = dir.resolve("journal");
        long[] first = durableLine(pcap, journal, dir.resolve("u1.csv"));
        long[] second = durableLine(pcap, journal, dir.resolve("u2.csv"));
        // a session per subscriber key at least, and the same input gives the same number of records
        assertThat(first[0]).isGreaterThanOrEqualTo(50).isEqualTo(first[1]);
        assertThat(second[0]).isEqualTo(first[0]);
        assertThat(second[1]).isEqualTo(first[1] + second[0]);
    }

    /** A generated capture in {@code dir} (its truth file beside it). */
    private static long parse(String field) {
        return field.isEmpty() ? 0 : Long.parseLong(field);
    }
}

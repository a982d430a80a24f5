package io.chargeflow.app;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes what a metering run measured: usage.csv, the summary on stderr, the summary JSON, a top-N table. */
final class Reports {
    static final String USAGE_HEADER = "subscriber,ul_packets,ul_bytes,dl_packets,dl_bytes";
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Reports() {}

    /** usage.csv: the five columns, plus imsi,msisdn,account when {@code withIdentity}. */
    static void writeUsageCsv(Path file, List<UsageRow> rows, boolean withIdentity) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(USAGE_HEADER);
            if (withIdentity) {
                out.write(",imsi,msisdn,account");
            }
            out.write('\n');
            for (UsageRow r : rows) {
                out.write(r.subscriber());
                out.write(',');
                out.write(Long.toString(r.ulPackets()));
                out.write(',');
                out.write(Long.toString(r.ulBytes()));
                out.write(',');
                out.write(Long.toString(r.dlPackets()));
                out.write(',');
                out.write(Long.toString(r.dlBytes()));
                if (withIdentity) {
                    out.write(',');
                    out.write(csv(r.identity() == null ? null : r.identity().imsi()));
                    out.write(',');
                    out.write(csv(r.identity() == null ? null : r.identity().msisdn()));
                    out.write(',');
                    out.write(csv(r.identity() == null ? null : r.identity().account()));
                }
                out.write('\n');
            }
        }
    }

    private static String csv(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }

    static void writeSummaryJson(Path file, MeterResult result) throws IOException {
        JSON.writeValue(file.toFile(), result.toMap());
    }

    /** The human summary: one block on stderr. */
    static void printSummary(PrintWriter err, MeterResult r) {
        err.printf("chargeflow meter: %,d frames (%,d bytes on the wire) in %.3f s, %.2f Mpps%n", r.frames,
                r.frameBytes, r.elapsedNanos / 1e9, r.packetsPerSecond() / 1e6);
        err.printf("  charged:      %,d packets; uplink %,d packets %,d bytes; downlink %,d packets %,d bytes%n",
                r.chargedPackets, r.uplinkRecords, r.uplinkBytes, r.downlinkRecords, r.downlinkBytes);
        err.printf("  subscribers:  %,d keys, %,d sessions (peak %,d concurrent), %,d peer-to-peer records%n",
                r.rows.size(), r.sessionsClosed, r.peakSessions, r.peerToPeerPackets);
        err.printf("  gtp-u:        %,d packets; snaplen-cut but charged: %,d%n", r.gtpPackets, r.snaplenTruncated);
        err.printf("  unclassified: %,d packets (%,d bytes), matched no side rule%n", r.unclassifiedPackets,
                r.unclassifiedBytes);
        err.printf("  malformed:    %,d frames, never charged%s%n", r.malformedTotal, r.malformed.isEmpty() ? ""
                : " " + r.malformed.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .reduce((a, b) -> a + " " + b).orElse(""));
        if (r.brokenRecords > 0 || !r.captureProblems.isEmpty()) {
            err.printf("  capture:      %,d broken records skipped; %s%n", r.brokenRecords,
                    String.join("; ", r.captureProblems));
        }
        long total = r.uplinkRecords + r.downlinkRecords;
        StringBuilder share = new StringBuilder();
        for (int i = 0; i < r.processorRecords.length; i++) {
            share.append(String.format(" p%d=%.1f%%", i, total == 0 ? 0.0 : r.processorRecords[i] * 100.0 / total));
        }
        err.printf("  processors:   %d,%s%n", r.processors, share);
    }

    /** The per-subscriber report: the top {@code limit} keys by total bytes. */
    static void printTop(PrintWriter out, MeterResult r, int limit) {
        List<UsageRow> top = r.rows.stream()
                .sorted(Comparator.comparingLong(UsageRow::totalBytes).reversed().thenComparing(UsageRow.KEY_ORDER))
                .limit(limit)
                .toList();
        out.printf("%-28s %12s %14s %12s %14s %9s %s%n", "subscriber", "ul_packets", "ul_bytes", "dl_packets",
                "dl_bytes", "sessions", "identity / peer-to-peer");
        for (UsageRow row : top) {
            String note = row.identity() != null ? "imsi=" + row.identity().imsi() : "";
            if (row.peerToPeer()) {
                note = (note.isEmpty() ? "" : note + " ") + "p2p with " + row.peer();
            }
            out.printf("%-28s %,12d %,14d %,12d %,14d %,9d %s%n", row.subscriber(), row.ulPackets(), row.ulBytes(),
                    row.dlPackets(), row.dlBytes(), row.sessions(), note);
        }
        if (r.rows.size() > limit) {
            out.printf("... %,d more subscribers in the usage file%n", r.rows.size() - limit);
        }
    }

    static Map<String, Object> summaryMap(MeterResult r) {
        return r.toMap();
    }
}

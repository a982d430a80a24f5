package io.chargeflow.app;

import io.chargeflow.flow.SubscriberKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes what a metering run measured: usage.csv, the summary on stderr, the summary JSON, a top-N table. */
final class Reports {
    static final String USAGE_HEADER = "subscriber,ul_packets,ul_bytes,dl_packets,dl_bytes";
    /** Built on first use: setting up the mapper took about 0.25 s, which a run without JSON output need not pay. */
    private static final class Json {
        static final JsonMapper MAPPER =
                JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    }

    private Reports() {}

    /** usage.csv: the five columns, plus imsi,msisdn,account when {@code withIdentity}; streamed in key order. */
    static void writeUsageCsv(Path file, MeterResult result, boolean withIdentity) throws IOException {
        writeUsageCsv(file, result::forEachSubscriber, result.ipv6PrefixLength, withIdentity);
    }

    /**
     * Writes the usage CSV of the keys {@code keys} visits (in key order) to {@code file}: into a temporary file next to
     * it first, then moved over it in one step, so a reader (or a snapshot written while the run goes on) never sees
     * half a file. Something other than a regular file ({@code /dev/stdout}, a pipe, a link) is written in place.
     */
    static void writeUsageCsv(
            Path file,
            java.util.function.Consumer<io.chargeflow.flow.Processor.KeyVisitor> keys,
            int ipv6PrefixLength,
            boolean withIdentity)
            throws IOException {
        Path absolute = file.toAbsolutePath();
        if (Files.exists(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(absolute, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            writeUsageRows(absolute, keys, ipv6PrefixLength, withIdentity);
            return;
        }
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        try {
            writeUsageRows(temporary, keys, ipv6PrefixLength, withIdentity);
            Files.move(
                    temporary,
                    absolute,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void writeUsageRows(
            Path file,
            java.util.function.Consumer<io.chargeflow.flow.Processor.KeyVisitor> keys,
            int ipv6PrefixLength,
            boolean withIdentity)
            throws IOException {
        try (AsciiWriter out = new AsciiWriter(Files.newOutputStream(file))) {
            out.write(USAGE_HEADER);
            if (withIdentity) {
                out.write(",imsi,msisdn,account");
            }
            out.write('\n');
            try {
                keys.accept((hi, lo, ulP, ulB, dlP, dlB, sessions, p2p, peerHi, peerLo, identity) -> {
                    try {
                        if (SubscriberKeys.isIpv4(hi, lo)) {
                            out.ipv4((int) lo);
                        } else {
                            out.ipv6(hi, lo, ipv6PrefixLength);
                        }
                        out.write(',')
                                .write(ulP)
                                .write(',')
                                .write(ulB)
                                .write(',')
                                .write(dlP)
                                .write(',')
                                .write(dlB);
                        if (withIdentity) {
                            out.write(',')
                                    .write(csv(identity == null ? null : identity.imsi()))
                                    .write(',')
                                    .write(csv(identity == null ? null : identity.msisdn()))
                                    .write(',')
                                    .write(csv(identity == null ? null : identity.account()));
                        }
                        out.write('\n');
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    private static String csv(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') >= 0
                || value.indexOf('"') >= 0
                || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }

    static void writeSummaryJson(Path file, MeterResult result) throws IOException {
        writeSummaryJson(file, result, java.util.Map.of());
    }

    /** The run summary as JSON, with {@code extra} entries after the run's own (a live run's interfaces). */
    static void writeSummaryJson(Path file, MeterResult result, java.util.Map<String, Object> extra)
            throws IOException {
        java.util.Map<String, Object> summary = new java.util.LinkedHashMap<>(result.toMap());
        summary.putAll(extra);
        Json.MAPPER.writeValue(file.toFile(), summary);
    }

    /** The human summary: one block on stderr. */
    static void printSummary(PrintWriter err, MeterResult r) {
        err.printf(
                "chargeflow meter: %,d frames (%,d bytes on the wire) in %.3f s, %.2f Mpps%n",
                r.frames, r.frameBytes, r.elapsedNanos / 1e9, r.packetsPerSecond() / 1e6);
        err.printf(
                "  charged:      %,d packets; uplink %,d packets %,d bytes; downlink %,d packets %,d bytes%n",
                r.chargedPackets, r.uplinkRecords, r.uplinkBytes, r.downlinkRecords, r.downlinkBytes);
        err.printf(
                "  subscribers:  %,d keys, %,d sessions (peak %,d concurrent), %,d peer-to-peer records%n",
                r.subscribers, r.sessionsClosed, r.peakSessions, r.peerToPeerPackets);
        err.printf(
                "  gtp-u:        %,d packets (+%,d continuation fragments of fragmented tunnels); snaplen-cut but "
                        + "charged: %,d%n",
                r.gtpPackets, r.tunnelContinuations, r.snaplenTruncated);
        err.printf(
                "  unclassified: %,d packets (%,d bytes), matched no side rule%n",
                r.unclassifiedPackets, r.unclassifiedBytes);
        if (r.direction != io.chargeflow.packet.CaptureDirection.BOTH) {
            err.printf(
                    "  direction:    %s only; %,d frames of the other direction skipped (%,d bytes)%s%n",
                    r.direction.label(),
                    r.otherDirectionFrames,
                    r.otherDirectionBytes,
                    r.framesWithoutDirection == 0
                            ? ""
                            : String.format(
                                    "; %,d frames kept that do not say their direction (in a file, Linux"
                                            + " cooked headers and pcapng block flags do)",
                                    r.framesWithoutDirection));
        }
        err.printf(
                "  malformed:    %,d frames, never charged%s%n",
                r.malformedTotal,
                r.malformed.isEmpty()
                        ? ""
                        : " "
                                + r.malformed.entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue())
                                        .reduce((a, b) -> a + " " + b)
                                        .orElse(""));
        if (r.brokenRecords > 0 || !r.captureProblems.isEmpty()) {
            err.printf(
                    "  capture:      %,d broken records skipped; %s%n",
                    r.brokenRecords, String.join("; ", r.captureProblems));
        }
        long total = r.uplinkRecords + r.downlinkRecords;
        StringBuilder share = new StringBuilder();
        for (int i = 0; i < r.processorRecords.length; i++) {
            share.append(String.format(" p%d=%.1f%%", i, total == 0 ? 0.0 : r.processorRecords[i] * 100.0 / total));
        }
        err.printf("  processors:   %d,%s%n", r.processors, share);
        if (r.readerCpuNanos >= 0) {
            err.printf(
                    "  cpu:          reader %.2f s, processors %s s, in %.2f s of wall time (end of input %.2f s)%n",
                    r.readerCpuNanos / 1e9, r.processorCpuText(), r.elapsedNanos / 1e9, r.endOfInputNanos / 1e9);
        }
    }

    /** The per-subscriber report: the top {@code limit} keys by total bytes (a bounded heap over the totals). */
    static void printTop(PrintWriter out, MeterResult r, int limit) {
        Comparator<UsageRow> order =
                Comparator.comparingLong(UsageRow::totalBytes).reversed().thenComparing(UsageRow.KEY_ORDER);
        PriorityQueue<UsageRow> heap = new PriorityQueue<>(limit + 1, order.reversed());
        r.forEachSubscriber((hi, lo, ulP, ulB, dlP, dlB, sessions, p2p, peerHi, peerLo, identity) -> {
            if (heap.size() < limit || ulB + dlB > heap.peek().totalBytes()) {
                heap.add(r.row(hi, lo, ulP, ulB, dlP, dlB, sessions, p2p, peerHi, peerLo, identity));
                if (heap.size() > limit) {
                    heap.poll();
                }
            }
        });
        List<UsageRow> top = new ArrayList<>(heap);
        top.sort(order);
        out.printf(
                "%-28s %12s %14s %12s %14s %9s %s%n",
                "subscriber",
                "ul_packets",
                "ul_bytes",
                "dl_packets",
                "dl_bytes",
                "sessions",
                "identity / peer-to-peer");
        for (UsageRow row : top) {
            String note = row.identity() != null ? "imsi=" + row.identity().imsi() : "";
            if (row.peerToPeer()) {
                note = (note.isEmpty() ? "" : note + " ") + "p2p with " + row.peer();
            }
            out.printf(
                    "%-28s %,12d %,14d %,12d %,14d %,9d %s%n",
                    row.subscriber(),
                    row.ulPackets(),
                    row.ulBytes(),
                    row.dlPackets(),
                    row.dlBytes(),
                    row.sessions(),
                    note);
        }
        if (r.subscribers > limit) {
            out.printf("... %,d more subscribers in the usage file%n", r.subscribers - limit);
        }
    }
}

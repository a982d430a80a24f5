package io.chargeflow.charging.rating;

import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.CdrFormatException;
import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.journal.AckListener;
import io.chargeflow.cdr.journal.JournalContext;
import io.chargeflow.cdr.journal.JournalDamage;
import io.chargeflow.cdr.journal.JournalScanner;
import io.chargeflow.cdr.journal.JournalWriter;
import io.chargeflow.cdr.journal.ScanReport;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One billing run ({@code chargeflow bill --from --to}): reads the CDR journal in order, rates every CDR that opened
 * in {@code [from, to)} by its subscriber's own plan (so both ends of peer-to-peer traffic are billed, each on its
 * own CDR), journals the rated CDRs in {@code outDir/rated-journal}, and prints and writes per-subscriber bills as
 * text, CSV and JSON Lines. CDRs from the start of the allowance period holding {@code from} up to {@code from} are
 * rated too, without being billed, so that bundles already used earlier in the period are not granted twice. Runs on
 * the caller's thread; a damaged journal ends the run at the damage (reported with file and offset), bills covering
 * the good records before it.
 */
public final class Biller {
    private Biller() {}

    /**
     * Bills the period; see the class comment.
     *
     * @param journalDir the CDR journal
     * @param tariffs the plans
     * @param from period start, inclusive
     * @param to period end, exclusive
     * @param outDir where the bills and the rated journal go (must not hold an earlier run's rated journal)
     * @param out where the bills are printed
     */
    public static BillRun bill(
            Path journalDir, Tariffs tariffs, Instant from, Instant to, Path outDir, PrintStream out) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from=" + from + " must be before to=" + to);
        }
        Path ratedDir = outDir.resolve("rated-journal");
        if (!JournalScanner.segments(ratedDir).isEmpty()) {
            throw new IllegalArgumentException("outDir=" + outDir + " already holds a billing run's rated journal; "
                    + "bill into a new directory");
        }
        if (!Files.isDirectory(journalDir)) {
            throw new IllegalArgumentException("journalDir=" + journalDir + " does not exist");
        }
        long fromMs = from.toEpochMilli();
        long toMs = to.toEpochMilli();
        long ratingStartMs = tariffs.allowancePeriod().periodStartMs(fromMs, tariffs.zone());
        Rater rater = new Rater(tariffs);
        Ledger ledger = new Ledger(tariffs.currency());
        long[] counts = new long[2];
        List<JournalDamage> damages = new ArrayList<>();
        try (JournalWriter rated = JournalWriter.open(JournalContext.defaults(ratedDir, AckListener.NONE))) {
            ScanReport report = JournalScanner.scan(journalDir, 1, true, (seq, type, payload, file, offset) -> {
                if (type != CdrCodec.FRAME_TYPE) {
                    return true;
                }
                PgwRecord cdr;
                try {
                    cdr = CdrCodec.decode(payload, seq);
                } catch (CdrFormatException e) {
                    damages.add(new JournalDamage(
                            file, offset, "undecodable CDR sequence=" + seq + ": " + e.getMessage(), false));
                    return false;
                }
                long opening = cdr.recordOpeningTimeMs();
                if (opening < ratingStartMs || opening >= toMs) {
                    return true;
                }
                RatedCdr r = rater.rate(cdr);
                if (r == null) {
                    return true;
                }
                if (opening < fromMs) {
                    counts[1]++;
                    return true;
                }
                counts[0]++;
                ledger.post(r);
                appendRated(rated, r);
                return true;
            });
            damages.addAll(
                    0, report.damages().stream().filter(d -> !d.tornTail()).toList());
            rated.sync();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("billing run interrupted outDir=" + outDir, e);
        }
        List<Path> files = writeBills(ledger, from, to, outDir, out);
        files.add(ratedDir);
        Map<String, Long> problems = new TreeMap<>(rater.unrated());
        for (JournalDamage d : damages) {
            out.println(d.describe() + " (bills cover the records before it)");
        }
        problems.forEach((reason, n) -> out.println("not rated: " + reason + " count=" + n));
        out.println("billed cdrs=" + counts[0] + " subscribers="
                + ledger.subscribers().size() + " total=" + ledger.total());
        return new BillRun(
                counts[0],
                counts[1],
                problems,
                ledger.subscribers().size(),
                ledger.total(),
                List.copyOf(damages),
                List.copyOf(files));
    }

    private static void appendRated(JournalWriter rated, RatedCdr r) {
        try {
            rated.append(RatedCdrCodec.FRAME_TYPE, RatedCdrCodec.encode(r), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                    "interrupted while journalling rated CDR sequence=" + r.localSequenceNumber(), e);
        }
    }

    private static List<Path> writeBills(Ledger ledger, Instant from, Instant to, Path outDir, PrintStream out) {
        StringBuilder text = new StringBuilder();
        StringBuilder csv = new StringBuilder(
                "subscriber,msisdn,account,plan,ratingGroup,octets,activeMs," + "allowanceOctets,amount,currency\n");
        StringBuilder json = new StringBuilder();
        for (SubscriberLedger s : ledger.subscribers()) {
            appendText(s, from, to, text);
            String currency = s.total().currency().getCurrencyCode();
            for (Map.Entry<Integer, long[]> e : s.perRatingGroup().entrySet()) {
                long[] t = e.getValue();
                csv.append(s.subscriber())
                        .append(',')
                        .append(csvField(s.msisdn()))
                        .append(',')
                        .append(csvField(s.account()))
                        .append(',')
                        .append(csvField(s.plan()))
                        .append(',')
                        .append(e.getKey())
                        .append(',')
                        .append(t[0])
                        .append(',')
                        .append(t[1])
                        .append(',')
                        .append(t[2])
                        .append(',')
                        .append(new Money(t[3], s.total().currency()).plain())
                        .append(',')
                        .append(currency)
                        .append('\n');
            }
            appendJson(s, from, to, json);
        }
        out.print(text);
        try {
            Files.createDirectories(outDir);
            List<Path> files = new ArrayList<>();
            files.add(Files.writeString(outDir.resolve("bills.txt"), text));
            files.add(Files.writeString(outDir.resolve("bills.csv"), csv));
            files.add(Files.writeString(outDir.resolve("bills.jsonl"), json));
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write bills to outDir=" + outDir, e);
        }
    }

    private static void appendText(SubscriberLedger s, Instant from, Instant to, StringBuilder o) {
        o.append("BILL ")
                .append(s.subscriber())
                .append("  msisdn=")
                .append(s.msisdn())
                .append("  account=")
                .append(s.account())
                .append("  plan=")
                .append(s.plan())
                .append('\n');
        o.append("period ")
                .append(from)
                .append(" .. ")
                .append(to)
                .append("  cdrs=")
                .append(s.entries().size())
                .append("  peer-to-peer cdrs=")
                .append(s.peerToPeerCdrs())
                .append('\n');
        o.append(String.format(
                Locale.ROOT,
                "  %-12s %16s %12s %16s %14s%n",
                "ratingGroup",
                "octets",
                "activeSec",
                "allowanceOctets",
                "amount"));
        for (Map.Entry<Integer, long[]> e : s.perRatingGroup().entrySet()) {
            long[] t = e.getValue();
            o.append(String.format(
                    Locale.ROOT,
                    "  %-12d %16d %12d %16d %14s%n",
                    e.getKey(),
                    t[0],
                    t[1] / 1000,
                    t[2],
                    new Money(t[3], s.total().currency())));
        }
        o.append(String.format(Locale.ROOT, "  %-12s %76s%n%n", "TOTAL", s.total()));
    }

    private static void appendJson(SubscriberLedger s, Instant from, Instant to, StringBuilder o) {
        o.append("{\"subscriber\":");
        Json.string(o, s.subscriber());
        Json.field(o, "msisdn", s.msisdn());
        Json.field(o, "account", s.account());
        Json.field(o, "plan", s.plan());
        Json.field(o, "from", from.toString());
        Json.field(o, "to", to.toString());
        o.append(",\"cdrs\":").append(s.entries().size());
        o.append(",\"peerToPeerCdrs\":").append(s.peerToPeerCdrs());
        o.append(",\"ratingGroups\":[");
        boolean first = true;
        for (Map.Entry<Integer, long[]> e : s.perRatingGroup().entrySet()) {
            long[] t = e.getValue();
            o.append(first ? "{" : ",{");
            first = false;
            o.append("\"ratingGroup\":")
                    .append(e.getKey())
                    .append(",\"octets\":")
                    .append(t[0])
                    .append(",\"activeMs\":")
                    .append(t[1])
                    .append(",\"allowanceOctets\":")
                    .append(t[2])
                    .append(",\"amountMinor\":")
                    .append(t[3])
                    .append('}');
        }
        o.append("],\"totalMinor\":").append(s.total().minorUnits());
        Json.field(o, "currency", s.total().currency().getCurrencyCode());
        o.append("}\n");
    }

    private static String csvField(String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}

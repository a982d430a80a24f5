package io.chargeflow.app;

import io.chargeflow.charging.rating.BillRun;
import io.chargeflow.charging.rating.Biller;
import io.chargeflow.charging.rating.Tariffs;
import io.chargeflow.flow.AddressPools;
import io.chargeflow.flow.FlowContext;
import io.chargeflow.flow.ServiceRules;
import io.chargeflow.packet.gen.GeneratorConfig;
import io.chargeflow.packet.gen.GeneratorResult;
import io.chargeflow.packet.gen.TrafficGenerator;
import io.chargeflow.subscriber.cli.DatabaseOptions;
import io.chargeflow.subscriber.cli.SubscriberCommands;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chargeflow demo}: the main job on embedded defaults, with no server to start. Generates a realistic capture
 * of a mobile gateway tap, loads its subscribers into the embedded database, meters the capture per subscriber and
 * rating group, journals PGW-CDRs, prints the per-subscriber report and the summary, checks the totals against the
 * generator's truth byte for byte, and bills the month by plan.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Generate a capture, meter it, report per subscriber and check exactness (embedded defaults).")
final class DemoCommand implements Callable<Integer> {
    /** The generator's subscriber pools: traffic between two of them is peer-to-peer. */
    static final List<String> GENERATOR_POOLS =
            List.of("10.0.0.0/9", "100.64.0.0/10", "172.16.0.0/12", "2001:db8::/32", "2a01:e35::/32", "2600:1700::/32");

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where the demo writes its files (default: demo-out).")
    Path dir = Path.of("demo-out");

    @Option(names = "--packets", paramLabel = "N", description = "Frames to generate (default: 2,000,000).")
    long packets = 2_000_000;

    @Option(names = "--subscribers", paramLabel = "N", description = "Subscribers to generate (default: 20,000).")
    int subscribers = 20_000;

    @Option(names = "--seed", paramLabel = "S", description = "Generator seed (default: 1).")
    long seed = 1;

    @Option(names = "--processors", paramLabel = "N", description = "Processor threads (default: available cores).")
    int processors = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Files.createDirectories(dir);
        Path capture = dir.resolve("capture.pcap");
        Path truth = dir.resolve("truth.csv");
        out.printf(
                "== 1. generate: %,d frames of a mobile gateway tap, %,d subscribers -> %s%n",
                packets, subscribers, capture);
        long t0 = System.nanoTime();
        GeneratorResult g = new TrafficGenerator()
                .generate(
                        GeneratorConfig.builder()
                                .seed(seed)
                                .packets(packets)
                                .subscribers(subscribers)
                                .build(),
                        capture,
                        truth);
        out.printf(
                "   %,d bytes in %.2f s: %,d GTP-U, %,d QinQ, %,d fragments, %,d snaplen-cut, %,d p2p pairs, "
                        + "%,d malformed, %,d unclassified%n",
                g.pcapBytes(),
                (System.nanoTime() - t0) / 1e9,
                g.gtpFrames(),
                g.qinqFrames(),
                g.fragmentFrames(),
                g.snaplenCutFrames(),
                g.p2pPairs(),
                g.malformedFrames(),
                g.unclassifiedFrames());

        Path data = dir.resolve("data");
        Path subscribersCsv = dir.resolve("subscribers.csv");
        int imported = writeSubscribers(truth, subscribersCsv);
        out.printf(
                "%n== 2. subscriber directory: %,d subscribers with static bindings -> embedded database %s%n",
                imported, data);
        deleteRecursively(data);
        DatabaseOptions db = new DatabaseOptions(data, null);
        int code =
                SubscriberCommands.importSubscribers(db, subscribersCsv, new PrintStream(System.out, true), System.err);
        if (code != 0) {
            return code;
        }

        Path rules = dir.resolve("services.rules");
        Path tariffs = dir.resolve("tariffs.txt");
        copyResource("/io/chargeflow/app/demo/services.rules", rules);
        copyResource("/io/chargeflow/app/demo/tariffs.txt", tariffs);
        Path journal = dir.resolve("journal");
        deleteRecursively(journal);
        out.printf(
                "%n== 3. meter: VLAN 100 subscriber side, VLAN 200 network side, %d processors, rating groups from"
                        + " %s, CDRs to %s%n",
                processors, rules, journal);
        FlowContext context = new FlowContext()
                .processors(processors)
                .expectedSubscribers(subscribers)
                .subscriberPools(AddressPools.of(GENERATOR_POOLS))
                .serviceRules(ServiceRules.load(rules));
        Path usage = dir.resolve("usage.csv");
        MeterResult result;
        CdrOptions cdr = new CdrOptions();
        cdr.journal = journal;
        try (Directory directory = Directory.open(db, context)) {
            CdrOptions.Journal j = cdr.openJournal(context);
            try {
                result = MeterRun.run(List.of(capture), context, null, dir.resolve("sessions.jsonl"), null);
            } finally {
                j.close();
            }
            out.printf(
                    "   %,d bindings preloaded; %,d PGW-CDRs durable in the journal%n",
                    directory.preloaded(), j.acknowledged());
        }
        Reports.writeUsageCsv(usage, result, true);
        Reports.writeSummaryJson(dir.resolve("summary.json"), result);
        Reports.printSummary(out, result);

        out.printf("%n== 4. per-subscriber report (top 10 of %,d; all in %s)%n", result.subscribers, usage);
        Reports.printTop(out, result, 10);

        out.printf("%n== 5. exactness against the generator's truth (%s)%n", truth);
        List<String> differences = TruthCheck.compare(truth, result);
        if (differences.isEmpty()) {
            out.printf(
                    "   exact: all %,d subscribers equal the truth in packets and bytes, both directions%n",
                    result.subscribers);
        } else {
            out.printf("   NOT exact: %,d differences, first: %s%n", differences.size(), differences.get(0));
        }
        out.flush();

        Path bills = dir.resolve("bills");
        deleteRecursively(bills);
        out.printf("%n== 6. bill January 2026 by plan (%s) -> %s%n", tariffs, bills);
        out.flush();
        ByteArrayOutputStream billText = new ByteArrayOutputStream();
        BillRun run = Biller.bill(
                journal,
                Tariffs.load(tariffs),
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00Z"),
                bills,
                new PrintStream(billText, true, StandardCharsets.UTF_8));
        String[] lines = billText.toString(StandardCharsets.UTF_8).split("\n");
        int shown = 0;
        for (String line : lines) {
            if (shown < 2 * 9 && !line.isBlank()) {
                out.println("   " + line);
                shown++;
            }
        }
        out.println("   ...");
        out.println("   " + lines[lines.length - 1]);
        out.printf(
                "   all bills: %s (text, CSV, JSON Lines); CDRs: chargeflow cdr dump %s%n",
                bills.resolve("bills.txt"), journal);
        out.flush();
        return differences.isEmpty() ? run.exitCode() : 3;
    }

    /** One subscriber per truth key, bound statically since before the capture: IMSI, MSISDN, account, plan. */
    static int writeSubscribers(Path truth, Path csv) throws java.io.IOException {
        List<String> keys = Files.readAllLines(truth, StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder("imsi,msisdn,account,plan,status,address,valid_from,valid_until\n");
        for (int i = 1; i < keys.size(); i++) {
            String key = keys.get(i).substring(0, keys.get(i).indexOf(','));
            b.append(String.format(
                    "00101%010d,4915%08d,acct-%d,%s,active,%s,2025-12-01T00:00:00Z,%n",
                    i, i, i, i % 4 == 0 ? "gold" : "basic", key));
        }
        Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
        return keys.size() - 1;
    }

    private static void copyResource(String name, Path target) throws java.io.IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the build");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteRecursively(Path path) throws java.io.IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

package io.chargeflow.app;

import io.chargeflow.flow.FlowContext;
import io.chargeflow.flow.FlowEngine;
import io.chargeflow.flow.Processor;
import io.chargeflow.flow.ServiceRules;
import io.chargeflow.packet.CaptureSource;
import io.chargeflow.packet.Captures;
import io.chargeflow.packet.gen.GeneratorConfig;
import io.chargeflow.packet.gen.TrafficGenerator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chargeflow bench}: the end-to-end driver. Meters one capture (generated once and kept) several times in
 * this JVM and prints packets per second per round and the median; optionally the same with rating-group rules.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "End-to-end benchmark: meter a generated capture in-process, rounds, median Mpps.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    MeterOptions meter = new MeterOptions();

    @Option(names = "--packets", paramLabel = "N", description = "Frames of the generated capture (default: 10M).")
    long packets = 10_000_000;

    @Option(names = "--subscribers", paramLabel = "N", description = "Subscribers (default: 100,000).")
    int subscribers = 100_000;

    @Option(names = "--rounds", paramLabel = "N", description = "Measured rounds after one warm-up (default: 5).")
    int rounds = 5;

    @Option(names = "--capture", paramLabel = "FILE", description = "Meter this capture instead of generating one.")
    Path capture;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Where generated captures are kept (default: bench-data).")
    Path dir = Path.of("bench-data");

    @Option(
            names = "--rules",
            paramLabel = "FILE",
            description = "Rating-group rules: also run every round with them (and CDRs) and print the ratio.")
    Path rules;

    @Mixin
    DatabaseMixin database = new DatabaseMixin();

    @Option(names = "--cdrs", description = "With --rules: also journal PGW-CDRs (a fresh journal per round).")
    boolean cdrs;

    @Option(
            names = "--isolate",
            description = "Time the processors alone: each round reads the whole capture into the rings first, then"
                    + " runs each processor by itself on one thread; prints processor CPU nanoseconds per record"
                    + " (rings default to 2^23 records each).")
    boolean isolate;

    @Option(
            names = "--only-with",
            description = "Run only the configuration --rules (with --cdrs) or the subscriber database give, no plain"
                    + " rounds: its figures with a JIT that has seen nothing else, as in a deployment (a profile of"
                    + " both in one JVM leaves some of the rules path's calls out of line).")
    boolean onlyWith;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (onlyWith && rules == null && !database.given()) {
            throw new UserException("--only-with needs --rules or a subscriber database (--data or --db)");
        }
        Path file = capture;
        if (file == null) {
            Files.createDirectories(dir);
            file = dir.resolve("bench-" + packets + "-" + subscribers + ".pcap");
            if (!Files.exists(file)) {
                out.printf("generating %s ...%n", file);
                out.flush();
                new TrafficGenerator()
                        .generate(
                                GeneratorConfig.builder()
                                        .packets(packets)
                                        .subscribers(subscribers)
                                        .build(),
                                file,
                                dir.resolve("bench-" + packets + "-" + subscribers + ".truth.csv"));
            }
        }
        ServiceRules serviceRules = rules == null ? null : ServiceRules.load(rules);
        out.printf(
                "machine: %d cores, max heap %,d MiB, java %s; capture %s (%,d bytes)%n",
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                Runtime.version(),
                file,
                Files.size(file));
        if (isolate && meter.ringCapacity == MeterOptions.DEFAULT_RING_CAPACITY) {
            meter.ringCapacity = 1 << 23;
        }
        String unit = isolate ? "ns/record" : "Mpps";
        List<Double> plain = new ArrayList<>();
        List<Double> withRules = new ArrayList<>();
        boolean compare = serviceRules != null || database.given();
        String with = (serviceRules != null ? " rating-group rules" : "")
                + (cdrs ? " CDRs" : "")
                + (database.given() ? " subscriber directory" : "");
        for (int round = 0; round <= rounds; round++) {
            String label = round == 0 ? "warm-up" : "round " + round;
            if (onlyWith) {
                double r = once(file, serviceRules, true);
                if (round > 0) {
                    withRules.add(r);
                }
                out.printf("%-8s with%s %.2f %s%s%n", label, with, r, unit, lastCpu);
                out.flush();
                continue;
            }
            double mpps = once(file, null, false);
            String plainCpu = lastCpu;
            if (round > 0) {
                plain.add(mpps);
            }
            if (compare) {
                double r = once(file, serviceRules, true);
                if (round > 0) {
                    withRules.add(r);
                }
                out.printf("%-8s %.2f %s%s; with%s %.2f %s%s%n", label, mpps, unit, plainCpu, with, r, unit, lastCpu);
            } else {
                out.printf("%-8s %.2f %s%s%n", label, mpps, unit, plainCpu);
            }
            out.flush();
        }
        // with --only-with the rounds measured the "with" configuration alone
        out.printf(
                "median%s: %.2f %s over %d rounds (%d processors%s)%n",
                onlyWith ? " with" + with : "",
                median(onlyWith ? withRules : plain),
                unit,
                rounds,
                meter.processors,
                isolate ? ", each alone" : "");
        if (onlyWith) {
            return 0;
        }
        if (compare) {
            // a ratio of speeds either way: packets per second with over without, or nanoseconds without over with
            double ratio = isolate ? median(plain) / median(withRules) : median(withRules) / median(plain);
            out.printf("median with%s: %.2f %s, ratio %.3f%n", with, median(withRules), unit, ratio);
            // each round's two runs came back to back: their ratio is less moved by a machine whose speed drifts
            // between rounds than the ratio of the two medians
            List<Double> paired = new ArrayList<>();
            for (int i = 0; i < plain.size(); i++) {
                paired.add(isolate ? plain.get(i) / withRules.get(i) : withRules.get(i) / plain.get(i));
            }
            paired.sort(Double::compare);
            out.printf(
                    "per-round ratio: median %.3f, range %.3f-%.3f%n",
                    median(paired), paired.getFirst(), paired.getLast());
        }
        return 0;
    }

    private double once(Path file, ServiceRules serviceRules, boolean with) throws Exception {
        FlowContext context = meter.toContext().serviceRules(serviceRules);
        if (with && database.given()) {
            // the "with" run: the subscriber directory instead of (or besides) rating groups
            try (Directory directory = Directory.open(database.options(), context)) {
                return run(file, context);
            }
        }
        return run(file, context);
    }

    private double run(Path file, FlowContext context) throws Exception {
        ServiceRules serviceRules = context.serviceRules();
        CdrOptions.Journal journal = null;
        Path journalDir = null;
        if (serviceRules != null && cdrs) {
            journalDir = Files.createTempDirectory("chargeflow-bench-journal");
            CdrOptions options = new CdrOptions();
            options.journal = journalDir;
            journal = options.openJournal(context);
        }
        try {
            if (isolate) {
                return isolated(file, context);
            }
            MeterResult result = MeterRun.run(List.of(file), context, null, null, null);
            lastCpu = cpu(result);
            return result.packetsPerSecond() / 1e6;
        } finally {
            if (journal != null) {
                journal.close();
                DemoCommand.deleteRecursively(journalDir);
            }
        }
    }

    /** One isolated run (see --isolate): processor CPU nanoseconds per record, all processors together. */
    private double isolated(Path file, FlowContext context) throws Exception {
        FlowEngine engine = new FlowEngine(context);
        long[] cpu;
        try (CaptureSource source = Captures.open(file)) {
            cpu = engine.readThenProcess(source);
        }
        long records = 0;
        long nanos = 0;
        StringBuilder each = new StringBuilder();
        for (Processor p : engine.processors()) {
            records += p.records();
            nanos += cpu[p.id()];
            each.append(each.isEmpty() ? "" : " + ").append(String.format("%.2f", cpu[p.id()] / 1e9));
        }
        lastCpu = String.format(
                " (cpu: reader %.2f s, processors %s s for %,d records)",
                cpu[engine.processors().size()] / 1e9, each, records);
        return records == 0 ? 0 : (double) nanos / records;
    }

    /** CPU seconds of the last run's threads, e.g. "reader 0.91 s, processors 0.42 + 0.40 s". */
    private String lastCpu = "";

    private static String cpu(MeterResult r) {
        if (r.readerCpuNanos < 0) {
            return "";
        }
        return String.format(
                " (cpu: reader %.2f s, processors %s s; end of input %.3f s; reader waits on full rings %,d)",
                r.readerCpuNanos / 1e9, r.processorCpuText(), r.endOfInputNanos / 1e9, r.backpressureWaits);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }
}

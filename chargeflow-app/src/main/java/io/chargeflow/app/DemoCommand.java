package io.chargeflow.app;

import io.chargeflow.flow.AddressPools;
import io.chargeflow.flow.FlowContext;
import io.chargeflow.packet.gen.GeneratorConfig;
import io.chargeflow.packet.gen.GeneratorResult;
import io.chargeflow.packet.gen.TrafficGenerator;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chargeflow demo}: the main job on embedded defaults, with no server to start. Generates a realistic capture
 * of a mobile gateway tap, meters it per subscriber, prints the per-subscriber report and the summary, and checks the
 * totals against the generator's truth byte for byte.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate a capture, meter it, report per subscriber and check exactness (embedded defaults).")
final class DemoCommand implements Callable<Integer> {
    /** The generator's subscriber pools: traffic between two of them is peer-to-peer. */
    static final List<String> GENERATOR_POOLS = List.of("10.0.0.0/9", "100.64.0.0/10", "172.16.0.0/12",
            "2001:db8::/32", "2a01:e35::/32", "2600:1700::/32");

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
        out.printf("== 1. generate: %,d frames of a mobile gateway tap, %,d subscribers -> %s%n", packets, subscribers,
                capture);
        long t0 = System.nanoTime();
        GeneratorResult g = new TrafficGenerator().generate(
                GeneratorConfig.builder().seed(seed).packets(packets).subscribers(subscribers).build(), capture, truth);
        out.printf("   %,d bytes in %.2f s: %,d GTP-U, %,d QinQ, %,d fragments, %,d snaplen-cut, %,d p2p pairs, "
                        + "%,d malformed, %,d unclassified%n",
                g.pcapBytes(), (System.nanoTime() - t0) / 1e9, g.gtpFrames(), g.qinqFrames(), g.fragmentFrames(),
                g.snaplenCutFrames(), g.p2pPairs(), g.malformedFrames(), g.unclassifiedFrames());

        out.printf("%n== 2. meter: VLAN 100 subscriber side, VLAN 200 network side, %d processors%n", processors);
        FlowContext context = new FlowContext()
                .processors(processors)
                .subscriberPools(AddressPools.of(GENERATOR_POOLS));
        Path usage = dir.resolve("usage.csv");
        MeterResult result = MeterRun.run(List.of(capture), context, null, dir.resolve("sessions.jsonl"), null);
        Reports.writeUsageCsv(usage, result.rows, false);
        Reports.writeSummaryJson(dir.resolve("summary.json"), result);
        out.flush();
        Reports.printSummary(out, result);

        out.printf("%n== 3. per-subscriber report (top 10 of %,d; all in %s)%n", result.rows.size(), usage);
        Reports.printTop(out, result, 10);

        out.printf("%n== 4. exactness against the generator's truth (%s)%n", truth);
        List<String> differences = TruthCheck.compare(truth, result.rows);
        if (differences.isEmpty()) {
            out.printf("   exact: all %,d subscribers equal the truth in packets and bytes, both directions%n",
                    result.rows.size());
        } else {
            out.printf("   NOT exact: %,d differences, first: %s%n", differences.size(), differences.get(0));
        }
        out.flush();
        return differences.isEmpty() ? 0 : 3;
    }
}

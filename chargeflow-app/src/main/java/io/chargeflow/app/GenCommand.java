package io.chargeflow.app;

import io.chargeflow.packet.gen.GeneratorResult;
import io.chargeflow.packet.gen.TrafficGenerator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chargeflow gen}: writes a synthetic mobile-gateway capture and its truth file. */
@Command(
        name = "gen",
        mixinStandardHelpOptions = true,
        description = "Write a realistic synthetic capture of a mobile gateway tap and a truth file of exact "
                + "per-subscriber totals (plus TRUTH.json with the run's counts).")
final class GenCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    GenOptions gen = new GenOptions();

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The pcap to write.")
    Path out;

    @Option(names = "--truth", paramLabel = "FILE", required = true, description = "The truth CSV to write.")
    Path truth;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        GeneratorResult r = new TrafficGenerator().generate(gen.toConfig(), out, truth);
        double s = (System.nanoTime() - t0) / 1e9;
        spec.commandLine()
                .getErr()
                .printf(
                        "chargeflow gen: %,d frames (%,d bytes) to %s in %.2f s; %,d subscribers, %,d charged frames, "
                                + "%,d malformed, %,d unclassified; truth in %s%n",
                        r.totalFrames(),
                        r.pcapBytes(),
                        out,
                        s,
                        r.subscribers(),
                        r.chargedFrames(),
                        r.malformedFrames(),
                        r.unclassifiedFrames(),
                        truth);
        spec.commandLine().getErr().flush();
        return 0;
    }
}

package io.chargeflow.bench.flow;

import io.chargeflow.flow.ServiceRules;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the reader pays to match one server name (a TLS SNI, an HTTP Host or a DNS question) against the rules' name
 * patterns: {@code index} is {@link ServiceRules#matchName} (hash tables of exact names and wildcard suffixes),
 * {@code walk} the pattern-by-pattern reference. {@code patterns} spreads that many patterns (half exact, half
 * {@code *.suffix}) over 16 rules; the names cycle through 64, one in four matching a pattern.
 *
 * <pre>java -jar chargeflow-bench/target/benchmarks.jar NameMatchBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseCompactObjectHeaders")
public class NameMatchBenchmark {
    @Param({"5", "100", "1000"})
    int patterns;

    @Param({"index", "walk"})
    String matcher;

    private ServiceRules rules;
    private byte[][] names;
    private int next;

    @Setup
    public void setUp() {
        Random random = new Random(7);
        List<String> domains = new ArrayList<>();
        for (int i = 0; i < patterns; i++) {
            domains.add("svc" + i + ".provider" + random.nextInt(50) + ".example");
        }
        List<String> lines = new ArrayList<>();
        int rulesCount = Math.min(16, patterns);
        for (int r = 0; r < rulesCount; r++) {
            StringBuilder names = new StringBuilder();
            for (int i = r; i < patterns; i += rulesCount) {
                names.append(names.isEmpty() ? "" : ",")
                        .append(i % 2 == 0 ? "" : "*.")
                        .append(domains.get(i));
            }
            lines.add("r" + r + ": rg=" + (100 + r) + " name=" + names);
        }
        lines.add("default: rg=1");
        rules = ServiceRules.parse(lines, "bench.rules");
        names = new byte[64][];
        for (int i = 0; i < names.length; i++) {
            String d = domains.get(random.nextInt(domains.size()));
            String name = i % 4 != 0 ? "www.unlisted" + i + ".example.net" : (i % 8 == 0 ? d : "edge-7." + d);
            names[i] = name.getBytes(StandardCharsets.US_ASCII);
        }
    }

    @Benchmark
    public long match() {
        byte[] name = names[next];
        next = (next + 1) & 63;
        return matcher.equals("index")
                ? rules.matchName(name, name.length)
                : rules.matchNameByWalking(name, name.length);
    }
}

package io.chargeflow.bench.cdr;

import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.charging.rating.RatedCdr;
import io.chargeflow.charging.rating.Rater;
import io.chargeflow.charging.rating.Tariffs;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * CDRs rated per second by one {@link Rater} (the billing thread): plan lookup, bands, allowances per subscriber
 * and period, volume and time steps, for 2-3 containers per CDR.
 *
 * <pre>java -jar chargeflow-bench/target/benchmarks.jar RatingBenchmark -f 1 -wi 2 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseCompactObjectHeaders")
public class RatingBenchmark {
    static final List<String> TARIFFS = List.of(
            "currency EUR",
            "timezone Europe/Berlin",
            "allowance-period month",
            "plan basic",
            "  allowance rg=10 volume=1GiB",
            "  zero rg=30",
            "  volume rg=10 step=1MiB price=2 days=sat-sun",
            "  volume rg=10 step=1MiB price=5 hours=08:00-20:00",
            "  volume rg=10 step=1MiB price=3",
            "  time rg=20 step=60s price=10",
            "  volume rg=* step=1MB price=4",
            "plan premium",
            "  allowance rg=* volume=10GiB",
            "  volume rg=* step=1MB price=1");

    @Param({"100000"})
    int subscribers;

    private Rater rater;
    private PgwRecord[] cdrs;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        rater = new Rater(Tariffs.parse("bench", TARIFFS));
        cdrs = BenchCdrs.generate(1 << 18, subscribers, 11);
    }

    @Benchmark
    public RatedCdr rate() {
        return rater.rate(cdrs[next++ & (cdrs.length - 1)]);
    }
}

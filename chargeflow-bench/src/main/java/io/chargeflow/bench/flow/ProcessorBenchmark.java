package io.chargeflow.bench.flow;

import io.chargeflow.flow.FlowContext;
import io.chargeflow.flow.FlowEngine;
import io.chargeflow.flow.Processor;
import io.chargeflow.flow.SubscriberKeys;
import io.chargeflow.flow.internal.RecordLayout;
import io.chargeflow.flow.internal.RecordRing;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One processor metering records from its ring, driven on the benchmark thread (the processor thread is never
 * started): the cost per packet of the session-table lookup and the counters, for a given number of subscribers.
 *
 * <pre>java -jar chargeflow-bench/target/benchmarks.jar ProcessorBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseCompactObjectHeaders")
public class ProcessorBenchmark {
    private static final int BATCH = 1024;

    @Param({"1000", "100000", "1000000"})
    int subscribers;

    private RecordRing ring;
    private Processor processor;
    private long[] keys;
    private int next;
    private long timeNs = 1_700_000_000_000_000_000L;

    @Setup(Level.Trial)
    public void setUp() {
        FlowEngine engine = new FlowEngine(new FlowContext()
                .processors(1)
                .ringCapacity(BATCH * 2)
                .expectedSubscribers(subscribers)
                .idleTimeout(Duration.ofDays(1)));
        ring = engine.ring(0);
        processor = engine.processors().get(0);
        SplittableRandom random = new SplittableRandom(7);
        keys = new long[1 << 20];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = SubscriberKeys.ipv4Lo(0x0A000000 + random.nextInt(subscribers));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int meterBatch() {
        long[] buffer = ring.buffer;
        for (int i = 0; i < BATCH; i++) {
            int offset = ring.claim();
            buffer[offset + RecordLayout.KEY_HI] = 0;
            buffer[offset + RecordLayout.KEY_LO] = keys[next++ & (keys.length - 1)];
            buffer[offset + RecordLayout.PEER_HI] = 0;
            buffer[offset + RecordLayout.PEER_LO] = SubscriberKeys.ipv4Lo(0x08080808);
            buffer[offset + RecordLayout.TIME_NS] = timeNs;
            buffer[offset + RecordLayout.META] = RecordLayout.meta(576, (i & 1) == 0, false, 6, i);
            ring.commit();
            timeNs += 100;
        }
        ring.publish();
        int done = 0;
        while (done < BATCH) {
            done += processor.doWork();
        }
        return done;
    }
}

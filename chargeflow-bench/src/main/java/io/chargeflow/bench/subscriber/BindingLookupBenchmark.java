package io.chargeflow.bench.subscriber;

import io.chargeflow.subscriber.BindingKey;
import io.chargeflow.subscriber.BindingResolver;
import io.chargeflow.subscriber.ResolverContext;
import io.chargeflow.subscriber.StoreContext;
import io.chargeflow.subscriber.SubscriberRecord;
import io.chargeflow.subscriber.SubscriberStore;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A cached binding lookup as a processor makes it: {@link BindingResolver#resolve} for a preloaded key, answered on
 * the calling thread. The directory holds {@code subscribers} bindings (embedded H2), all preloaded.
 *
 * <pre>java -jar chargeflow-bench/target/benchmarks.jar BindingLookupBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseCompactObjectHeaders")
public class BindingLookupBenchmark {
    @Param({"100000"})
    public int subscribers;

    private Path dir;
    private SubscriberStore store;
    private BindingResolver resolver;
    private long[] keys;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("chargeflow-lookup-bench");
        StoreContext context = new StoreContext().dataDir(dir);
        BindingFixtures.load(context, subscribers);
        store = SubscriberStore.open(context);
        resolver = new BindingResolver(store, new ResolverContext().cacheCapacity(1 << 19));
        long loaded = resolver.preload(BindingFixtures.T0 + 1);
        if (loaded != subscribers) {
            throw new IllegalStateException("preloaded=" + loaded + " expected=" + subscribers);
        }
        keys = new long[4096];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = BindingKey.ipv4Lo(BindingFixtures.BASE_ADDRESS + 1 + (int) ((i * 7919L) % subscribers));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        resolver.close();
        store.close();
    }

    /** Per-thread state: the callback a processor would pass (no capturing lambda per call). */
    @State(Scope.Thread)
    public static class Caller implements BindingResolver.LookupCallback {
        int next;
        Blackhole blackhole;
        long hits;

        @Setup(Level.Iteration)
        public void bind(Blackhole bh) {
            this.blackhole = bh;
        }

        @Override
        public void onLookupResult(
                long keyHi, long keyLo, long atTimeMs, SubscriberRecord s, long validFromMs, long validUntilMs) {
            blackhole.consume(s);
            hits++;
        }
    }

    @Benchmark
    public long cachedLookup(Caller caller) {
        long lo = keys[caller.next++ & (keys.length - 1)];
        resolver.resolve(0, lo, 64, BindingFixtures.T0 + 1_000, caller);
        return caller.hits;
    }
}

package io.chargeflow.bench.flow;

import io.chargeflow.flow.AddressPools;
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
 * What one address check costs against {@code prefixes} IPv4 prefixes (subscriber pools on the reader's per-record
 * path, a rule's server prefixes on the processors'): {@code pools} is {@link AddressPools#containsV4} (a scan up to
 * eight prefixes, merged ranges and binary search above), {@code scan} the same check as a loop over every prefix's
 * mask, as the pools did for any number. The addresses cycle through 256, half inside a prefix.
 *
 * <pre>java -jar chargeflow-bench/target/benchmarks.jar AddressPoolsBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseCompactObjectHeaders")
public class AddressPoolsBenchmark {
    @Param({"4", "100", "10000"})
    int prefixes;

    @Param({"pools", "scan"})
    String check;

    private AddressPools pools;
    private long[] base;
    private long[] mask;
    private int[] addresses;
    private int next;

    @Setup
    public void setUp() {
        Random random = new Random(11);
        List<String> cidrs = new ArrayList<>();
        base = new long[prefixes];
        mask = new long[prefixes];
        for (int i = 0; i < prefixes; i++) {
            int length = 16 + random.nextInt(13);
            long m = (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
            long b = (random.nextInt() & 0xFFFF_FFFFL) & m;
            base[i] = b;
            mask[i] = m;
            cidrs.add((b >>> 24) + "." + ((b >>> 16) & 255) + "." + ((b >>> 8) & 255) + "." + (b & 255) + "/" + length);
        }
        pools = AddressPools.of(cidrs);
        addresses = new int[256];
        for (int i = 0; i < addresses.length; i++) {
            int p = random.nextInt(prefixes);
            addresses[i] = i % 2 == 0 ? (int) (base[p] | (random.nextInt() & ~mask[p])) : random.nextInt();
        }
    }

    @Benchmark
    public boolean contains() {
        int address = addresses[next];
        next = (next + 1) & 255;
        if (check.equals("pools")) {
            return pools.containsV4(address);
        }
        long value = address & 0xFFFF_FFFFL;
        for (int i = 0; i < base.length; i++) {
            if ((value & mask[i]) == base[i]) {
                return true;
            }
        }
        return false;
    }
}

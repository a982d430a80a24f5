package io.chargeflow.bench.flow;

import io.chargeflow.flow.CloseCause;
import io.chargeflow.flow.FlowContext;
import io.chargeflow.flow.FlowEngine;
import io.chargeflow.flow.Processor;
import io.chargeflow.flow.RecordCut;
import io.chargeflow.flow.ServiceRules;
import io.chargeflow.flow.SessionRecorder;
import io.chargeflow.flow.Subscriber;
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
 * started): the cost per packet of the session-table lookup and the counters, for a given number of subscribers;
 * with {@code mode=rules} also the rating-group decision and the usage containers (the rules of
 * examples/services.rules), with {@code mode=records} also what partial records need per packet (a recorder that
 * keeps nothing: sessions do not close here). The records follow the generator's flow mix: per subscriber eight
 * flows, TCP 443 and 80, QUIC, DNS, RTP and ICMP, one TCP packet in 64 a SYN without payload.
 *
 * <pre>java -jar chargeflow-bench/target/benchmarks.jar ProcessorBenchmark -f 1 -wi 3 -i 5 -p mode=plain,rules</pre>
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

    @Param({"plain", "rules", "records"})
    String mode;

    /** The demo's rules, which are examples/services.rules (chargeflow-app's DemoTest keeps them equal). */
    private static java.util.List<String> rules() throws java.io.IOException {
        try (java.io.InputStream in =
                ProcessorBenchmark.class.getResourceAsStream("/io/chargeflow/app/demo/services.rules")) {
            if (in == null) {
                throw new java.io.FileNotFoundException("/io/chargeflow/app/demo/services.rules on the class path");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .toList();
        }
    }

    private RecordRing ring;
    private Processor processor;
    private long[] keys;
    private long[] metas;
    private long[] ports;
    private int next;
    private long timeNs = 1_700_000_000_000_000_000L;

    @Setup(Level.Trial)
    public void setUp() throws java.io.IOException {
        FlowContext context = new FlowContext()
                .processors(1)
                .ringCapacity(BATCH * 2)
                .expectedSubscribers(subscribers)
                .idleTimeout(Duration.ofSeconds(10))
                .flowIdleTimeout(Duration.ofSeconds(2));
        if (!mode.equals("plain")) {
            context.serviceRules(ServiceRules.parse(rules(), "demo services.rules"));
        }
        if (mode.equals("records")) {
            context.sessionRecorders(id -> new NoRecorder());
        }
        FlowEngine engine = new FlowEngine(context);
        ring = engine.ring(0);
        processor = engine.processors().get(0);
        SplittableRandom random = new SplittableRandom(7);
        keys = new long[1 << 20];
        metas = new long[keys.length];
        ports = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            int subscriber = random.nextInt(subscribers);
            keys[i] = SubscriberKeys.ipv4Lo(0x0A000000 + subscriber);
            int flow = random.nextInt(8);
            int kind = (int) ((subscriber * 0x9E3779B97F4A7C15L + flow * 0xC2B2AE3D27D4EB4FL) >>> 57) % 100;
            int protocol;
            int serverPort;
            boolean syn = false;
            if (kind < 60) {
                protocol = 6;
                serverPort = kind < 50 ? 443 : 80;
                syn = random.nextInt(64) == 0;
            } else if (kind < 97) {
                protocol = 17;
                serverPort = kind < 80 ? 443 : kind < 90 ? 53 : 16384 + 2 * random.nextInt(8192);
            } else {
                protocol = 1;
                serverPort = 0;
            }
            boolean downlink = random.nextInt(5) < 3;
            int flowHash = (int) SubscriberKeys.hash(subscriber, flow);
            metas[i] = RecordLayout.meta(syn ? 40 : 40 + random.nextInt(1400), downlink, false, protocol, flowHash);
            ports[i] = (protocol == 1 ? 0 : RecordLayout.PORTS_KNOWN_BIT | ((long) serverPort << 16) | (32768 + flow))
                    | (syn ? RecordLayout.SYN_BIT : RecordLayout.PAYLOAD_BIT);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int meterBatch() {
        long[] buffer = ring.buffer;
        for (int i = 0; i < BATCH; i++) {
            int offset = ring.claim();
            buffer[offset + RecordLayout.KEY_HI] = 0;
            int r = next++ & (keys.length - 1);
            buffer[offset + RecordLayout.KEY_LO] = keys[r];
            buffer[offset + RecordLayout.PEER_HI] = 0;
            buffer[offset + RecordLayout.PEER_LO] = SubscriberKeys.ipv4Lo(0x08080808);
            buffer[offset + RecordLayout.TIME_NS] = timeNs;
            buffer[offset + RecordLayout.META] = metas[r];
            buffer[offset + RecordLayout.PORTS] = ports[r];
            buffer[offset + RecordLayout.HINT] = 0;
            ring.commit();
            // a microsecond a packet: every key comes back well within the idle timeout, and the sweeps (every
            // 1.25 s of packet time) forget idle flows as they would on a capture
            timeNs += 1000;
        }
        ring.publish();
        int done = 0;
        while (done < BATCH) {
            done += processor.doWork();
        }
        return done;
    }

    /** A recorder that keeps nothing: the processor's own per-packet record bookkeeping is what is measured. */
    private static final class NoRecorder implements SessionRecorder {
        private int handles;

        @Override
        public int onOpen(long sessionId, long keyHi, long keyLo, boolean downlink, long timeNs) {
            return handles++;
        }

        @Override
        public void onSubscriber(int handle, Subscriber subscriber) {}

        @Override
        public void onUsage(
                int handle,
                int ratingGroup,
                int serviceId,
                long ulOctets,
                long dlOctets,
                long ulPackets,
                long dlPackets,
                long firstUsageNs,
                long lastUsageNs,
                long activeNs) {}

        @Override
        public void onPeer(int handle, long peerHi, long peerLo) {}

        @Override
        public void onCut(int handle, RecordCut cause, long atNs) {}

        @Override
        public void onClose(int handle, CloseCause cause, long closeTimeNs) {}
    }
}

package io.chargeflow.bench.diameter;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.codec.DiameterEncoder;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.peer.AnswerListener;
import io.chargeflow.diameter.peer.DiameterNode;
import io.chargeflow.diameter.peer.DiameterNodeContext;
import io.chargeflow.diameter.peer.MessageWriter;
import io.chargeflow.diameter.peer.PeerConfig;
import io.chargeflow.diameter.peer.RequestFailure;
import io.chargeflow.diameter.transport.NettyTransport;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * End-to-end driver: Gy CCR-U (3 MSCC) / CCA round trips between two chargeflow nodes over loopback TCP, pipelined
 * with a fixed window of outstanding requests, answered by a handler that reads the MSCCs and grants quota.
 * Prints round trips per second and the latency distribution (HdrHistogram). Target of issue 5: at least 100,000
 * round trips/s. The sender is the main thread; answers arrive on the client's I/O thread.
 *
 * <pre>java -cp chargeflow-bench/target/benchmarks.jar io.chargeflow.bench.diameter.DiameterRoundTripDriver \
 *     [seconds=10] [window=256] [ioThreads=1]</pre>
 */
public final class DiameterRoundTripDriver {
    private DiameterRoundTripDriver() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int window = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int ioThreads = args.length > 2 ? Integer.parseInt(args[2]) : 1;

        DiameterNodeContext serverContext = new DiameterNodeContext()
                .originHost("ocs.bench")
                .originRealm("ocs.realm")
                .authApplication(4)
                .ioThreads(ioThreads)
                .listen("127.0.0.1", 0, false)
                .allowPeer("pgw.bench", "*")
                .maxInboundPending(window * 2);
        DiameterNode server = new DiameterNode(serverContext, new NettyTransport(ioThreads, null)).start();
        DiameterAvp avp = new DiameterAvp();
        DiameterAvp child = new DiameterAvp();
        server.registerHandler(4, (request, answer) -> {
            long number = request.find(Avp.CC_REQUEST_NUMBER, avp) ? avp.getUnsigned32() : 0;
            long used = 0;
            boolean more = request.find(Avp.MULTIPLE_SERVICES_CREDIT_CONTROL, avp);
            while (more) {
                if (avp.findChild(Avp.USED_SERVICE_UNIT, child)) {
                    used += child.dataLength();
                }
                more = avp.next() && avp.seek(Avp.MULTIPLE_SERVICES_CREDIT_CONTROL.code(), 0);
            }
            long grantedOctets = 10_000_000L + used;
            answer.answer(2001, e -> {
                e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
                e.putInteger32(Avp.CC_REQUEST_TYPE, 2);
                e.putUnsigned32(Avp.CC_REQUEST_NUMBER, number);
                for (int i = 0; i < 3; i++) {
                    int mscc = e.beginGrouped(Avp.MULTIPLE_SERVICES_CREDIT_CONTROL);
                    int gsu = e.beginGrouped(Avp.GRANTED_SERVICE_UNIT);
                    e.putInteger64(Avp.CC_TOTAL_OCTETS, grantedOctets);
                    e.endGrouped(gsu);
                    e.putUnsigned32(Avp.RATING_GROUP, 100 + i);
                    e.putUnsigned32(Avp.VALIDITY_TIME, 3600);
                    e.putUnsigned32(Avp.RESULT_CODE, 2001);
                    e.endGrouped(mscc);
                }
            });
        });
        PeerConfig peer = PeerConfig.of("127.0.0.1", server.listenPort(), "ocs.bench", "ocs.realm");
        DiameterNodeContext clientContext = new DiameterNodeContext()
                .originHost("pgw.bench")
                .originRealm("pgw.realm")
                .authApplication(4)
                .ioThreads(ioThreads)
                .peer(peer)
                .requestTimeoutMs(10_000);
        DiameterNode client = new DiameterNode(clientContext, new NettyTransport(ioThreads, null)).start();
        client.whenOpen(peer).get(10, TimeUnit.SECONDS);

        Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(10), 3);
        AtomicLong failures = new AtomicLong();
        ArrayBlockingQueue<Slot> free = new ArrayBlockingQueue<>(window);
        for (int i = 0; i < window; i++) {
            free.add(new Slot(free, recorder, failures));
        }
        Body body = new Body();
        long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        drive(client, free, body, warmupEnd);
        recorder.getIntervalHistogram();
        long start = System.nanoTime();
        long sent = drive(client, free, body, start + TimeUnit.SECONDS.toNanos(seconds));
        while (free.size() < window) {
            Thread.onSpinWait();
        }
        long elapsed = System.nanoTime() - start;
        Histogram h = recorder.getIntervalHistogram();
        System.out.printf(
                Locale.ROOT,
                "cpus=%d ioThreads=%d window=%d seconds=%d epoll=%s%n",
                Runtime.getRuntime().availableProcessors(),
                ioThreads,
                window,
                seconds,
                io.netty.channel.epoll.Epoll.isAvailable());
        System.out.printf(
                Locale.ROOT,
                "round trips: %d in %.2f s = %.0f/s, failures %d%n",
                h.getTotalCount(),
                elapsed / 1e9,
                h.getTotalCount() / (elapsed / 1e9),
                failures.get());
        System.out.printf(
                Locale.ROOT,
                "latency us: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(90) / 1e3,
                h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3,
                h.getMaxValue() / 1e3);
        System.out.println("sent=" + sent + " client=" + client.counters() + " server=" + server.counters());
        client.close();
        server.close();
    }

    private static long drive(DiameterNode client, ArrayBlockingQueue<Slot> free, Body body, long endNs)
            throws InterruptedException {
        long sent = 0;
        while (System.nanoTime() < endNs) {
            Slot slot = free.poll(1, TimeUnit.SECONDS);
            if (slot == null) {
                continue;
            }
            body.requestNumber++;
            slot.sentNs = System.nanoTime();
            client.send("ocs.realm", 4, 272, body, slot);
            sent++;
        }
        return sent;
    }

    /** The CCR-U body, written by the sending thread only. */
    private static final class Body implements MessageWriter {
        int requestNumber;

        @Override
        public void write(DiameterEncoder encoder) {
            GyCcr.body(encoder, requestNumber);
        }
    }

    /** One outstanding request: its send time, back to the free list when answered. */
    private static final class Slot implements AnswerListener {
        private final ArrayBlockingQueue<Slot> free;
        private final Recorder recorder;
        private final AtomicLong failures;
        volatile long sentNs;

        Slot(ArrayBlockingQueue<Slot> free, Recorder recorder, AtomicLong failures) {
            this.free = free;
            this.recorder = recorder;
            this.failures = failures;
        }

        @Override
        public void onAnswer(DiameterMessage answer) {
            recorder.recordValue(Math.min(System.nanoTime() - sentNs, TimeUnit.SECONDS.toNanos(10)));
            free.add(this);
        }

        @Override
        public void onFailure(RequestFailure failure) {
            failures.incrementAndGet();
            free.add(this);
        }
    }
}

package io.chargeflow.bench.subscriber;

import io.chargeflow.subscriber.StoreContext;
import io.chargeflow.subscriber.SubscriberStore;
import io.chargeflow.subscriber.radius.RadiusAccountingServer;
import io.chargeflow.subscriber.radius.RadiusContext;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * RADIUS load generator: starts the accounting listener over a fresh embedded database and drives it from
 * {@code threads} NAS sockets, each sending bursts of {@code window} signed Accounting-Request Starts (every one a
 * new session and address) and waiting for the answers. With {@code known=0} every Start names a new IMSI, so it
 * creates a subscriber and a binding; with {@code known=N} the directory first holds N subscribers and the Starts
 * name them in turn (the usual case: the subscriber exists, the binding is new). Prints sustained
 * Accounting-Requests per second (answered, so durably stored) and the latency percentiles.
 *
 * <pre>java -cp chargeflow-bench/target/benchmarks.jar io.chargeflow.bench.subscriber.RadiusLoadDriver [seconds]
 * [threads] [window] [known] [JDBC_URL]</pre>
 */
public final class RadiusLoadDriver {
    private static final String SECRET = "bench-secret";

    private RadiusLoadDriver() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int known = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        StoreContext context = args.length > 4
                ? new StoreContext().jdbcUrl(args[4])
                : new StoreContext().dataDir(Files.createTempDirectory("chargeflow-radius-bench"));
        if (known > 0) {
            BindingFixtures.load(context, known);
        }
        try (SubscriberStore store = SubscriberStore.open(context);
                RadiusAccountingServer server = RadiusAccountingServer.start(
                        store,
                        new RadiusContext()
                                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                .client("127.0.0.1=" + SECRET))) {
            AtomicLong sequence = new AtomicLong();
            long warmupEnd = System.nanoTime() + 3_000_000_000L;
            long end = warmupEnd + seconds * 1_000_000_000L;
            Nas[] nases = new Nas[threads];
            Thread[] workers = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                nases[i] = new Nas(server.localAddress(), window, sequence, known, warmupEnd, end);
                workers[i] = new Thread(nases[i], "nas-" + i);
                workers[i].start();
            }
            long[] all = new long[0];
            long lost = 0;
            long answered = 0;
            for (int i = 0; i < threads; i++) {
                workers[i].join();
                all = concat(all, Arrays.copyOf(nases[i].latencies, nases[i].count));
                lost += nases[i].lost;
                answered += nases[i].count;
            }
            Arrays.sort(all);
            System.out.printf(
                    "engine=%s known_subscribers=%d threads=%d window=%d seconds=%d answered=%d requests_per_s=%.0f lost=%d"
                            + " p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f server_drops=%s%n",
                    store.isPostgres() ? "postgresql" : "h2",
                    known,
                    threads,
                    window,
                    seconds,
                    answered,
                    answered / (double) seconds,
                    lost,
                    percentile(all, 0.50),
                    percentile(all, 0.99),
                    percentile(all, 0.999),
                    all.length == 0 ? 0 : all[all.length - 1] / 1e6,
                    server.dropCounts());
        }
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, (long) (q * sorted.length))] / 1e6;
    }

    /** One NAS: sends a burst, collects the answers, records latencies of requests sent after warm-up. */
    private static final class Nas implements Runnable {
        private final InetSocketAddress server;
        private final int window;
        private final AtomicLong sequence;
        private final int known;
        private final long warmupEnd;
        private final long end;
        long[] latencies = new long[1 << 20];
        int count;
        long lost;

        Nas(InetSocketAddress server, int window, AtomicLong sequence, int known, long warmupEnd, long end) {
            this.server = server;
            this.known = known;
            this.window = Math.min(window, 256);
            this.sequence = sequence;
            this.warmupEnd = warmupEnd;
            this.end = end;
        }

        @Override
        public void run() {
            try (DatagramChannel channel = DatagramChannel.open()) {
                channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                channel.socket().setSoTimeout(5_000);
                MessageDigest md5 = MessageDigest.getInstance("MD5");
                long[] sentNs = new long[256];
                ByteBuffer in = ByteBuffer.allocate(4096);
                java.net.DatagramPacket packet = new java.net.DatagramPacket(in.array(), in.capacity());
                while (System.nanoTime() < end) {
                    for (int id = 0; id < window; id++) {
                        long n = sequence.incrementAndGet();
                        byte[] request = start(md5, id, n, known == 0 ? n : 1 + n % known);
                        sentNs[id] = System.nanoTime();
                        channel.send(ByteBuffer.wrap(request), server);
                    }
                    for (int received = 0; received < window; received++) {
                        try {
                            channel.socket().receive(packet);
                        } catch (SocketTimeoutException e) {
                            lost += window - received;
                            break;
                        }
                        long now = System.nanoTime();
                        int id = packet.getData()[1] & 0xFF;
                        if (sentNs[id] >= warmupEnd && now < end) {
                            if (count == latencies.length) {
                                latencies = Arrays.copyOf(latencies, count * 2);
                            }
                            latencies[count++] = now - sentNs[id];
                        }
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException("load generator failed", e);
            }
        }

        private static byte[] start(MessageDigest md5, int id, long n, long subscriber) {
            ByteArrayOutputStream a = new ByteArrayOutputStream(96);
            attribute(a, 40, new byte[] {0, 0, 0, 1});
            attribute(a, 44, ("bench-" + n).getBytes(StandardCharsets.US_ASCII));
            attribute(a, 32, "bench-nas".getBytes(StandardCharsets.US_ASCII));
            int address = 0x6400_0000 + (int) n;
            attribute(a, 8, new byte[] {
                (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address
            });
            byte[] imsi = String.format("00101%010d", subscriber).getBytes(StandardCharsets.US_ASCII);
            byte[] vsa = new byte[6 + imsi.length];
            vsa[2] = (byte) (10415 >>> 8);
            vsa[3] = (byte) 10415;
            vsa[4] = 1;
            vsa[5] = (byte) (imsi.length + 2);
            System.arraycopy(imsi, 0, vsa, 6, imsi.length);
            attribute(a, 26, vsa);
            byte[] attrs = a.toByteArray();
            byte[] p = new byte[20 + attrs.length];
            p[0] = 4;
            p[1] = (byte) id;
            p[2] = (byte) (p.length >>> 8);
            p[3] = (byte) p.length;
            System.arraycopy(attrs, 0, p, 20, attrs.length);
            md5.reset();
            md5.update(p);
            md5.update(SECRET.getBytes(StandardCharsets.US_ASCII));
            System.arraycopy(md5.digest(), 0, p, 4, 16);
            return p;
        }

        private static void attribute(ByteArrayOutputStream out, int type, byte[] value) {
            out.write(type);
            out.write(value.length + 2);
            out.writeBytes(value);
        }
    }
}

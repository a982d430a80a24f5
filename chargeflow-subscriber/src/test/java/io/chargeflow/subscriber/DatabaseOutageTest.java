package io.chargeflow.subscriber;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chargeflow.subscriber.radius.RadiusAccountingServer;
import io.chargeflow.subscriber.radius.RadiusContext;
import io.chargeflow.subscriber.radius.RadiusDropReason;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real PostgreSQL that goes away and comes back on the same port and data: lookups wait and retry, RADIUS stops
 * answering (so the NAS retransmits) and stores the retransmission once the database is back; nothing is lost.
 */
class DatabaseOutageTest {
    private static final String SECRET = "outage";

    @TempDir
    Path pgData;

    private static EmbeddedPostgres startPostgres(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
    }

    @Test
    void shouldRetryLookupsAndWithholdRadiusAnswersWhileDatabaseIsDown() throws Exception {
        EmbeddedPostgres postgres = startPostgres(pgData, 0);
        int port = postgres.getPort();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        try (SubscriberStore store =
                        SubscriberStore.open(new StoreContext().jdbcUrl(url).connectionTimeoutMs(500));
                BindingResolver resolver = new BindingResolver(store, new ResolverContext().retryBackoffMs(50, 400));
                RadiusAccountingServer radius = RadiusAccountingServer.start(
                        store,
                        new RadiusContext()
                                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                .client("127.0.0.1=" + SECRET));
                DatagramChannel nas = DatagramChannel.open()) {
            nas.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            nas.socket().setSoTimeout(1_500);
            postgres.close();

            CompletableFuture<SubscriberRecord> lookup = new CompletableFuture<>();
            BindingKey key = BindingKey.parse("10.8.0.1", 64);
            resolver.resolve(key.hi(), key.lo(), 64, 1_763_800_000_000L, (h, l, at, s, f, u) -> lookup.complete(s));
            byte[] request = start(1, "10.8.0.1", "001010000000042");
            assertThat(exchange(nas, radius, request)).isNull();
            await().atMost(Duration.ofSeconds(10)).until(() -> resolver.databaseFailures() >= 2);
            assertThat(lookup).isNotDone();
            assertThat(radius.dropped(RadiusDropReason.STORE_UNAVAILABLE)).isGreaterThanOrEqualTo(1);
            assertThat(radius.answered()).isZero();

            EmbeddedPostgres again = startPostgres(pgData, port);
            try {
                // the lookup answers once the database is back: nobody held the address then
                assertThat(lookup.get(20, TimeUnit.SECONDS)).isNull();
                byte[] answer = null;
                for (int attempt = 0; attempt < 20 && answer == null; attempt++) {
                    answer = exchange(nas, radius, request); // the NAS retransmits the same request
                }
                assertThat(answer).isNotNull();
                assertThat(store.bindingAt(key, 1_763_800_000_000L).subscriber().imsi())
                        .isEqualTo("001010000000042");
                assertThat(store.bindingHistory(key)).hasSize(1);
            } finally {
                again.close();
            }
        }
    }

    private static byte[] exchange(DatagramChannel nas, RadiusAccountingServer radius, byte[] request)
            throws Exception {
        nas.send(ByteBuffer.wrap(request), radius.localAddress());
        byte[] in = new byte[4096];
        try {
            nas.socket().receive(new DatagramPacket(in, in.length));
            return in;
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    private static byte[] start(int id, String address, String imsi) throws Exception {
        byte[] ip = InetAddress.ofLiteral(address).getAddress();
        byte[] imsiBytes = imsi.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(200);
        b.put(new byte[20]);
        b.put((byte) 40).put((byte) 6).putInt(1);
        b.put((byte) 44).put((byte) 7).put("out-1".getBytes(StandardCharsets.US_ASCII));
        b.put((byte) 8).put((byte) 6).put(ip);
        b.put((byte) 55).put((byte) 6).putInt(1_763_800_000);
        b.put((byte) 26)
                .put((byte) (8 + imsiBytes.length))
                .putInt(10415)
                .put((byte) 1)
                .put((byte) (2 + imsiBytes.length))
                .put(imsiBytes);
        byte[] p = new byte[b.position()];
        b.flip().get(p);
        p[0] = 4;
        p[1] = (byte) id;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(p);
        md5.update(SECRET.getBytes(StandardCharsets.US_ASCII));
        System.arraycopy(md5.digest(), 0, p, 4, 16);
        return p;
    }
}

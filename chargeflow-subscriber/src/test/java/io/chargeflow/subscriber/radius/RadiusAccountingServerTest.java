package io.chargeflow.subscriber.radius;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chargeflow.subscriber.BindingAnswer;
import io.chargeflow.subscriber.BindingChange;
import io.chargeflow.subscriber.BindingKey;
import io.chargeflow.subscriber.StoreContext;
import io.chargeflow.subscriber.SubscriberStore;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener against the real radclient and against hand-built good, bad and retransmitted packets. */
class RadiusAccountingServerTest {
    private static final String SECRET = "testing123";
    private static final long EVENT_S = 1_763_800_000L;

    @TempDir
    Path dir;

    private SubscriberStore store;
    private RadiusAccountingServer server;
    private final List<BindingChange> changes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        store = SubscriberStore.open(new StoreContext().dataDir(dir));
        store.addBindingListener(changes::add);
        server = RadiusAccountingServer.start(
                store,
                new RadiusContext()
                        .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                        .client("127.0.0.1=" + SECRET));
    }

    @AfterEach
    void stop() {
        server.close();
        store.close();
    }

    private static boolean radclientPresent() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (new File(d, "radclient").canExecute()) {
                return true;
            }
        }
        return false;
    }

    private RunResult radclient(String secret, String attributes) throws Exception {
        Assumptions.assumeTrue(
                radclientPresent(), "skipped: radclient not installed (apt-get install freeradius-utils)");
        Process p = new ProcessBuilder(
                        "radclient",
                        "-r",
                        "1",
                        "-t",
                        "1",
                        "-x",
                        "127.0.0.1:" + server.localAddress().getPort(),
                        "acct",
                        secret)
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write(attributes.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new RunResult(p.exitValue(), out);
    }

    private record RunResult(int exit, String output) {}

    @Test
    void shouldBindAddressAndAnswerWhenRadclientSendsStart() throws Exception {
        RunResult run = radclient(SECRET, """
                Acct-Status-Type = Start
                Acct-Session-Id = "rc-1"
                User-Name = "alice"
                NAS-Identifier = "bng-1"
                Framed-IP-Address = 10.20.0.5
                Framed-IPv6-Prefix = 2001:db8:5::/64
                Calling-Station-Id = "15550001234"
                3GPP-IMSI = "001010123456789"
                Event-Timestamp = 1763800000
                """);
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("Received Accounting-Response");
        BindingAnswer v4 = store.bindingAt(BindingKey.parse("10.20.0.5", 64), EVENT_S * 1000);
        assertThat(v4.subscriber().imsi()).isEqualTo("001010123456789");
        assertThat(v4.subscriber().msisdn()).isEqualTo("15550001234");
        assertThat(v4.subscriber().account()).isEqualTo("alice");
        assertThat(v4.binding().nas()).isEqualTo("bng-1");
        assertThat(v4.validFromMs()).isEqualTo(EVENT_S * 1000);
        BindingAnswer v6 = store.bindingAt(BindingKey.parse("2001:db8:5::/64", 64), EVENT_S * 1000);
        assertThat(v6.subscriber().subscriberId()).isEqualTo(v4.subscriber().subscriberId());
        assertThat(server.answered()).isEqualTo(1);
    }

    @Test
    void shouldAcceptWhenRadclientAddsMessageAuthenticator() throws Exception {
        RunResult run = radclient(SECRET, """
                Acct-Status-Type = Start
                Acct-Session-Id = "rc-2"
                Framed-IP-Address = 10.20.0.6
                3GPP-IMSI = "001010123456780"
                Message-Authenticator = 0x00
                """);
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(server.dropped(RadiusDropReason.BAD_MESSAGE_AUTHENTICATOR)).isZero();
        assertThat(store.bindingAt(BindingKey.parse("10.20.0.6", 64), System.currentTimeMillis() + 1000)
                        .subscriber()
                        .imsi())
                .isEqualTo("001010123456780");
    }

    @Test
    void shouldNotAnswerWhenRadclientUsesWrongSecret() throws Exception {
        RunResult run = radclient("wrong-secret", """
                Acct-Status-Type = Start
                Framed-IP-Address = 10.20.0.7
                3GPP-IMSI = "001010123456781"
                """);
        assertThat(run.exit()).isNotZero();
        assertThat(server.dropped(RadiusDropReason.BAD_AUTHENTICATOR)).isGreaterThanOrEqualTo(1);
        assertThat(server.answered()).isZero();
        assertThat(store.listSubscribers()).isEmpty();
    }

    private static RadiusPackets start(String session, String imsi, int lastOctet) {
        return new RadiusPackets()
                .integer(RadiusCodec.ACCT_STATUS_TYPE, 1)
                .text(RadiusCodec.ACCT_SESSION_ID, session)
                .text(RadiusCodec.NAS_IDENTIFIER, "bng-2")
                .ipv4(RadiusCodec.FRAMED_IP_ADDRESS, 10, 30, 0, lastOctet)
                .imsi(imsi)
                .integer(RadiusCodec.EVENT_TIMESTAMP, EVENT_S);
    }

    private byte[] exchange(DatagramChannel client, byte[] request) throws Exception {
        client.send(ByteBuffer.wrap(request), server.localAddress());
        ByteBuffer in = ByteBuffer.allocate(4096);
        client.socket().setSoTimeout(700);
        try {
            client.socket().receive(new java.net.DatagramPacket(in.array(), in.capacity()));
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(in.array(), 20);
    }

    private static DatagramChannel client() throws Exception {
        DatagramChannel c = DatagramChannel.open();
        c.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return c;
    }

    @Test
    void shouldAnswerRetransmissionAgainWithoutApplyingTwice() throws Exception {
        byte[] request = start("hb-1", "001010000000077", 1).build(7, SECRET, false);
        try (DatagramChannel c = client()) {
            byte[] first = exchange(c, request);
            byte[] again = exchange(c, request);
            assertThat(first).isNotNull();
            assertThat(again).isEqualTo(first);
            assertThat(new RadiusCodec().responseValid(first, 20, request, SECRET.getBytes(StandardCharsets.UTF_8)))
                    .isTrue();
        }
        assertThat(server.answered()).isEqualTo(1);
        assertThat(server.retransmissionsAnswered()).isEqualTo(1);
        assertThat(store.bindingHistory(BindingKey.parse("10.30.0.1", 64))).hasSize(1);
        assertThat(changes).hasSize(1);
    }

    @Test
    void shouldEndBindingWithNasCountersWhenStopArrives() throws Exception {
        try (DatagramChannel c = client()) {
            assertThat(exchange(c, start("hb-2", "001010000000078", 2).build(8, SECRET, true)))
                    .isNotNull();
            byte[] stop = new RadiusPackets()
                    .integer(RadiusCodec.ACCT_STATUS_TYPE, 2)
                    .text(RadiusCodec.ACCT_SESSION_ID, "hb-2")
                    .text(RadiusCodec.NAS_IDENTIFIER, "bng-2")
                    .ipv4(RadiusCodec.FRAMED_IP_ADDRESS, 10, 30, 0, 2)
                    .integer(RadiusCodec.ACCT_INPUT_OCTETS, 100)
                    .integer(RadiusCodec.ACCT_INPUT_GIGAWORDS, 1)
                    .integer(RadiusCodec.ACCT_OUTPUT_OCTETS, 200)
                    .integer(RadiusCodec.EVENT_TIMESTAMP, EVENT_S + 60)
                    .build(9, SECRET, false);
            assertThat(exchange(c, stop)).isNotNull();
        }
        BindingChange ended = changes.get(1);
        assertThat(ended.kind()).isEqualTo(BindingChange.Kind.ENDED);
        assertThat(ended.atTimeMs()).isEqualTo((EVENT_S + 60) * 1000);
        assertThat(ended.nasInputOctets()).isEqualTo((1L << 32) + 100);
        assertThat(ended.nasOutputOctets()).isEqualTo(200);
        assertThat(store.bindingAt(BindingKey.parse("10.30.0.2", 64), (EVENT_S + 60) * 1000)
                        .subscriber())
                .isNull();
    }

    @Test
    void shouldDropAndCountWhenPacketsAreMalformedOrForged() throws Exception {
        byte[] good = start("hb-3", "001010000000079", 3).build(10, SECRET, false);
        byte[] longer = good.clone();
        longer[3] = (byte) (good.length + 10);
        byte[] overrun = good.clone();
        overrun[21] = (byte) 120;
        byte[] tampered = good.clone();
        tampered[good.length - 1] ^= 1;
        byte[] forgedMa = start("hb-4", "001010000000080", 4).build(11, SECRET, true);
        forgedMa[forgedMa.length - 1] ^= 1;
        // keep the Request Authenticator right so only the Message-Authenticator is wrong
        resign(forgedMa);
        byte[] noStatus =
                new RadiusPackets().text(RadiusCodec.ACCT_SESSION_ID, "hb-5").build(12, SECRET, false);
        byte[] accessRequest = good.clone();
        accessRequest[0] = 1;
        try (DatagramChannel c = client()) {
            assertThat(exchange(c, Arrays.copyOf(good, 12))).isNull();
            assertThat(exchange(c, longer)).isNull();
            assertThat(exchange(c, overrun)).isNull();
            assertThat(exchange(c, tampered)).isNull();
            assertThat(exchange(c, forgedMa)).isNull();
            assertThat(exchange(c, noStatus)).isNull();
            assertThat(exchange(c, accessRequest)).isNull();
        }
        assertThat(server.dropped(RadiusDropReason.MALFORMED)).isEqualTo(3);
        assertThat(server.dropped(RadiusDropReason.BAD_AUTHENTICATOR)).isEqualTo(1);
        assertThat(server.dropped(RadiusDropReason.BAD_MESSAGE_AUTHENTICATOR)).isEqualTo(1);
        assertThat(server.dropped(RadiusDropReason.INVALID_ATTRIBUTE)).isEqualTo(1);
        assertThat(server.dropped(RadiusDropReason.UNEXPECTED_CODE)).isEqualTo(1);
        assertThat(server.answered()).isZero();
        assertThat(store.listSubscribers()).isEmpty();
    }

    private static void resign(byte[] p) throws Exception {
        Arrays.fill(p, 4, 20, (byte) 0);
        java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
        md5.update(p);
        md5.update(SECRET.getBytes(StandardCharsets.UTF_8));
        System.arraycopy(md5.digest(), 0, p, 4, 16);
    }

    @Test
    void shouldDropWhenClientIsUnknown() throws Exception {
        try (RadiusAccountingServer other = RadiusAccountingServer.start(
                        store,
                        new RadiusContext()
                                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                                .client("127.0.0.2=" + SECRET));
                DatagramChannel c = client()) {
            c.send(ByteBuffer.wrap(start("hb-6", "001010000000081", 6).build(13, SECRET, false)), other.localAddress());
            await().atMost(Duration.ofSeconds(5)).until(() -> other.dropped(RadiusDropReason.UNKNOWN_CLIENT) == 1);
            assertThat(other.answered()).isZero();
        }
    }

    @Test
    void shouldEndAllBindingsOfNasWhenAccountingOffArrives() throws Exception {
        List<byte[]> requests = new ArrayList<>();
        requests.add(start("hb-7", "001010000000082", 7).build(14, SECRET, false));
        requests.add(start("hb-8", "001010000000083", 8).build(15, SECRET, false));
        requests.add(new RadiusPackets()
                .integer(RadiusCodec.ACCT_STATUS_TYPE, 8)
                .text(RadiusCodec.NAS_IDENTIFIER, "bng-2")
                .integer(RadiusCodec.EVENT_TIMESTAMP, EVENT_S + 5)
                .build(16, SECRET, false));
        try (DatagramChannel c = client()) {
            for (byte[] r : requests) {
                assertThat(exchange(c, r)).isNotNull();
            }
        }
        assertThat(changes)
                .filteredOn(ch -> ch.kind() == BindingChange.Kind.ENDED)
                .extracting(ch -> ch.key().toString())
                .containsExactlyInAnyOrder("10.30.0.7", "10.30.0.8");
    }
}

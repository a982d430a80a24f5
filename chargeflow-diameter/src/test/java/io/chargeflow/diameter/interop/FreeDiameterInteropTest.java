package io.chargeflow.diameter.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.peer.DiameterNode;
import io.chargeflow.diameter.peer.DiameterNodeContext;
import io.chargeflow.diameter.peer.PeerCapabilities;
import io.chargeflow.diameter.peer.PeerConfig;
import io.chargeflow.diameter.peer.PeerState;
import io.chargeflow.diameter.peer.PeerStatus;
import io.chargeflow.diameter.peer.RequestHandler;
import io.chargeflow.diameter.transport.NettyTransport;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with a real freeDiameterd (Debian package freediameter), started as a child process on loopback with TLS
 * off for our peers: freeDiameterd connects to a chargeflow server node, a chargeflow client node connects to
 * freeDiameterd, and a Credit-Control request goes client → freeDiameterd (relay) → server and back. Skipped with a
 * message when freeDiameterd or openssl (for the certificate freeDiameterd insists on loading) is absent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FreeDiameterInteropTest {
    private static final List<Path> EXTENSION_DIRS =
            List.of(Path.of("/usr/lib/freeDiameter"), Path.of("/usr/lib/x86_64-linux-gnu/freeDiameter"));

    @TempDir
    static Path dir;

    static Process freeDiameterd;
    static Path log;
    static int fdPort;
    static int serverPort;
    static DiameterNode server;
    static DiameterNode client;
    static PeerConfig toFreeDiameter;
    static final List<String> routeRecords = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startFreeDiameter() throws Exception {
        Path extensions = EXTENSION_DIRS.stream()
                .filter(d -> Files.exists(d.resolve("dict_dcca.fdx")))
                .findFirst()
                .orElse(null);
        assumeTrue(
                onPath("freeDiameterd") && extensions != null,
                "freeDiameterd or its dict_dcca extension is not installed (apt-get install freediameter): "
                        + "freeDiameter interop skipped");
        assumeTrue(onPath("openssl"), "openssl is not installed: cannot make freeDiameterd's certificate, skipped");
        fdPort = freePort();
        serverPort = freePort();
        int unusedClientPort = freePort();
        run(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                dir.resolve("key.pem").toString(),
                "-out",
                dir.resolve("cert.pem").toString(),
                "-days",
                "2",
                "-subj",
                "/CN=fd.test");
        server = startServer();
        String config = String.join(
                "\n",
                "Identity = \"fd.test\";",
                "Realm = \"fd.realm\";",
                "Port = " + fdPort + ";",
                "SecPort = " + freePort() + ";",
                "No_SCTP;",
                "No_IPv6;",
                "ListenOn = \"127.0.0.1\";",
                "TcTimer = 1;",
                "TLS_Cred = \"" + dir.resolve("cert.pem") + "\", \"" + dir.resolve("key.pem") + "\";",
                "TLS_CA = \"" + dir.resolve("cert.pem") + "\";",
                "LoadExtension = \"" + extensions.resolve("dict_nasreq.fdx") + "\";",
                "LoadExtension = \"" + extensions.resolve("dict_dcca.fdx") + "\";",
                "ConnectPeer = \"cf.server\" { ConnectTo = \"127.0.0.1\"; Port = " + serverPort + "; No_TLS; };",
                "ConnectPeer = \"cf.client\" { ConnectTo = \"127.0.0.1\"; Port = " + unusedClientPort + "; No_TLS; };",
                "");
        Path conf = dir.resolve("freeDiameter.conf");
        Files.writeString(conf, config);
        log = dir.resolve("freeDiameterd.log");
        freeDiameterd = new ProcessBuilder("freeDiameterd", "-c", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        toFreeDiameter = new PeerConfig("127.0.0.1", fdPort, "fd.test", "*", 0, false);
        DiameterNodeContext clientContext = new DiameterNodeContext()
                .originHost("cf.client")
                .originRealm("cf.realm")
                .authApplication(4)
                .ioThreads(1)
                .twMs(500)
                .reopenDwaCount(1)
                .reconnectBackoffMs(200, 1_000)
                .requestTimeoutMs(5_000)
                .peer(toFreeDiameter);
        client = new DiameterNode(clientContext, new NettyTransport(1, null)).start();
    }

    private static DiameterNode startServer() {
        DiameterNodeContext serverContext = new DiameterNodeContext()
                .originHost("cf.server")
                .originRealm("ocs.realm")
                .authApplication(4)
                .ioThreads(1)
                .listen("127.0.0.1", serverPort, false)
                .allowPeer("fd.test", "127.0.0.1");
        DiameterNode node = new DiameterNode(serverContext, new NettyTransport(1, null)).start();
        DiameterAvp avp = new DiameterAvp();
        RequestHandler handler = (request, answer) -> {
            if (request.find(Avp.ROUTE_RECORD, avp)) {
                routeRecords.add(avp.getString());
            }
            long number = request.find(Avp.CC_REQUEST_NUMBER, avp) ? avp.getUnsigned32() : 0;
            answer.answer(2001, e -> {
                e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
                e.putInteger32(Avp.CC_REQUEST_TYPE, 1);
                e.putUnsigned32(Avp.CC_REQUEST_NUMBER, number);
                int gsu = e.beginGrouped(Avp.GRANTED_SERVICE_UNIT);
                e.putInteger64(Avp.CC_TOTAL_OCTETS, 5_000_000);
                e.endGrouped(gsu);
            });
        };
        node.registerHandler(4, handler);
        return node;
    }

    @AfterAll
    static void stopAll() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (freeDiameterd != null) {
            freeDiameterd.destroy();
            if (!freeDiameterd.waitFor(20, TimeUnit.SECONDS)) {
                freeDiameterd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Order(1)
    void shouldOpenWhenFreeDiameterConnectsToChargeflow() {
        await().atMost(Duration.ofSeconds(15)).until(() -> isOpen(server.peer("fd.test")));
        PeerStatus fd = server.peer("fd.test");
        assertThat(fd.state()).as(logTail()).isEqualTo(PeerState.R_OPEN);
        assertThat(fd.capabilities().productName()).isEqualTo("freeDiameter");
        assertThat(fd.capabilities().authApplicationIds()).contains(PeerCapabilities.RELAY);
        assertThat(fd.capabilities().originRealm()).isEqualTo("fd.realm");
    }

    @Test
    @Order(2)
    void shouldExchangeCapabilitiesAndWatchdogsWhenChargeflowConnectsToFreeDiameter() throws Exception {
        PeerCapabilities caps = client.whenOpen(toFreeDiameter).get(15, TimeUnit.SECONDS);
        assertThat(caps.resultCode()).isEqualTo(2001);
        assertThat(caps.originHost()).isEqualTo("fd.test");
        // freeDiameterd announces the addresses of its interfaces, whichever it listens on
        assertThat(caps.hostIpAddresses()).isNotEmpty();
        assertThat(client.watchdog(toFreeDiameter).get(5, TimeUnit.SECONDS)).isPositive();
        // Tw = 500 ms: the periodic watchdogs keep the peer OKAY across several periods
        Thread.sleep(1_600);
        assertThat(client.peer("fd.test").watchdog()).isEqualTo(io.chargeflow.diameter.peer.WatchdogState.OKAY);
        assertThat(client.peer("fd.test").state()).isEqualTo(PeerState.I_OPEN);
    }

    @Test
    @Order(3)
    void shouldRelayCreditControlThroughFreeDiameter() throws Exception {
        await().atMost(Duration.ofSeconds(15)).until(() -> isOpen(server.peer("fd.test")));
        DiameterMessage answer = ccr(1);
        DiameterAvp avp = new DiameterAvp();
        assertThat(answer.find(Avp.RESULT_CODE, avp)).as(logTail()).isTrue();
        assertThat(avp.getUnsigned32()).isEqualTo(2001);
        assertThat(answer.find(Avp.ORIGIN_HOST, avp)).isTrue();
        assertThat(avp.getString()).isEqualTo("cf.server");
        assertThat(answer.find(Avp.CC_REQUEST_NUMBER, avp)).isTrue();
        assertThat(avp.getUnsigned32()).isEqualTo(1);
        assertThat(answer.find(Avp.GRANTED_SERVICE_UNIT, avp)).isTrue();
        // the relay records the peer it received the request from (RFC 6733 §6.1.9)
        assertThat(routeRecords).contains("cf.client");
    }

    @Test
    @Order(4)
    void shouldDisconnectWithDprAndReconnect() throws Exception {
        long dpaRttNs = client.disconnect(toFreeDiameter).get(5, TimeUnit.SECONDS);
        assertThat(dpaRttNs).isPositive();
        assertThat(client.peer("fd.test").state()).isEqualTo(PeerState.CLOSED);
        client.connect(toFreeDiameter);
        await().atMost(Duration.ofSeconds(15)).until(() -> isOpen(client.peer("fd.test")));
        DiameterAvp avp = new DiameterAvp();
        assertThat(ccr(2).find(Avp.RESULT_CODE, avp)).isTrue();
        assertThat(avp.getUnsigned32()).isEqualTo(2001);
    }

    @Test
    @Order(5)
    void shouldBeReconnectedByFreeDiameterWhenServerRestarts() throws Exception {
        server.close();
        server = startServer();
        await().atMost(Duration.ofSeconds(20)).until(() -> isOpen(server.peer("fd.test")));
        await().atMost(Duration.ofSeconds(10)).until(() -> isOpen(client.peer("fd.test")));
        DiameterAvp avp = new DiameterAvp();
        assertThat(ccr(3).find(Avp.RESULT_CODE, avp)).as(logTail()).isTrue();
        assertThat(avp.getUnsigned32()).isEqualTo(2001);
    }

    private static DiameterMessage ccr(int number) throws Exception {
        return client.send("ocs.realm", 4, 272, e -> {
                    e.putUtf8(Avp.SESSION_ID, "cf.client;1;" + number);
                    e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
                    e.putUtf8(Avp.SERVICE_CONTEXT_ID, "32251@3gpp.org");
                    e.putInteger32(Avp.CC_REQUEST_TYPE, 1);
                    e.putUnsigned32(Avp.CC_REQUEST_NUMBER, number);
                })
                .get(10, TimeUnit.SECONDS);
    }

    private static boolean isOpen(PeerStatus status) {
        return status != null
                && status.state().isOpen()
                && status.watchdog() == io.chargeflow.diameter.peer.WatchdogState.OKAY;
    }

    private static String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return "freeDiameterd log:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "no freeDiameterd log: " + e;
        }
    }

    private static boolean onPath(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}

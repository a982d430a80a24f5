package io.chargeflow.diameter.tool;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.peer.DiameterNode;
import io.chargeflow.diameter.peer.DiameterNodeContext;
import io.chargeflow.diameter.peer.TlsSettings;
import io.chargeflow.diameter.transport.NettyTransport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiameterProbeTest {
    @TempDir
    static Path dir;

    static TestCertificates certificates;
    static DiameterNode server;
    static DiameterNode tlsServer;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void startServers() throws Exception {
        certificates = TestCertificates.create(dir);
        server = start(context("server.test").listen("127.0.0.1", 0, false));
        TlsSettings tls =
                new TlsSettings(certificates.keyStore, TestCertificates.PASSWORD, null, null, true, false, false);
        tlsServer = start(context("tls.server.test").tls(tls).listen("127.0.0.1", 0, true));
    }

    private static DiameterNodeContext context(String originHost) {
        return new DiameterNodeContext()
                .originHost(originHost)
                .originRealm("server.realm")
                .productName("chargeflow-test")
                .authApplication(4)
                .acctApplication(3)
                .ioThreads(1)
                .allowPeer("probe.test", "*");
    }

    private static DiameterNode start(DiameterNodeContext context) {
        return new DiameterNode(context, new NettyTransport(1, context.tls())).start();
    }

    @AfterAll
    static void stopServers() {
        server.close();
        tlsServer.close();
    }

    private int probe(ProbeOptions options) {
        return new DiameterProbe(options)
                .run(
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintCapabilitiesAndRoundTripsWhenPeerAnswers() {
        int code = probe(ProbeOptions.of("127.0.0.1", server.listenPort(), "probe.test", "probe.realm"));
        assertThat(err()).isEmpty();
        assertThat(code).isZero();
        assertThat(out())
                .startsWith("connected to 127.0.0.1:" + server.listenPort() + " over TCP; capabilities exchange in ");
        assertThat(out())
                .contains(
                        "  Origin-Host:       server.test\n",
                        "  Origin-Realm:      server.realm\n",
                        "  Product-Name:      chargeflow-test\n",
                        "  Host-IP-Address:   127.0.0.1\n",
                        "  Auth-Application-Id: 4 (Diameter Credit Control Application)\n",
                        "  Acct-Application-Id: 3 (Diameter Base Accounting)\n");
        assertThat(out()).containsPattern("DWR/DWA round trip: \\d+\\.\\d{3} ms\n");
        assertThat(out()).containsPattern("DPR/DPA round trip: \\d+\\.\\d{3} ms\n");
    }

    @Test
    void shouldPrintOneLineAndFailWhenConnectionIsRefused() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        int code = probe(ProbeOptions.of("127.0.0.1", port, "probe.test", "probe.realm"));
        assertThat(code).isEqualTo(DiameterProbe.EXIT_FAILED);
        assertThat(err()).isEqualTo("probe: connection refused by 127.0.0.1:" + port + "\n");
    }

    @Test
    void shouldPrintOneLineAndFailWhenPeerNeverAnswersCer() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept()) {
                    s.getInputStream().readAllBytes();
                } catch (java.io.IOException e) {
                    // the probe closed it: expected
                }
            });
            int code = probe(ProbeOptions.of("127.0.0.1", silent.getLocalPort(), "probe.test", "probe.realm")
                    .withTimeouts(1_000, 300));
            assertThat(code).isEqualTo(DiameterProbe.EXIT_FAILED);
            assertThat(err()).isEqualTo("probe: no CEA from 127.0.0.1:" + silent.getLocalPort() + " within 300 ms\n");
            acceptor.join(5_000);
        }
    }

    @Test
    void shouldPrintOneLineAndFailWhenCeaCarriesAnError() {
        int code = probe(ProbeOptions.of("127.0.0.1", server.listenPort(), "stranger.test", "probe.realm"));
        assertThat(code).isEqualTo(DiameterProbe.EXIT_FAILED);
        assertThat(err())
                .isEqualTo("probe: 127.0.0.1:" + server.listenPort()
                        + " answered CER with Result-Code 3010 (DIAMETER_UNKNOWN_PEER)\n");
    }

    @Test
    void shouldProbeOverTlsWhenCertificateIsTrusted() {
        int code = probe(ProbeOptions.of("localhost", tlsServer.listenPort(), "probe.test", "probe.realm")
                .withTls(certificates.trustStore, TestCertificates.PASSWORD, false));
        assertThat(err()).isEmpty();
        assertThat(code).isZero();
        assertThat(out()).contains(" over TLS; ", "  Origin-Host:       tls.server.test\n");
    }

    @Test
    void shouldFailTlsWhenCertificateIsNotTrusted() {
        int code = probe(ProbeOptions.of("localhost", tlsServer.listenPort(), "probe.test", "probe.realm")
                .withTls(null, null, false));
        assertThat(code).isEqualTo(DiameterProbe.EXIT_FAILED);
        assertThat(err()).startsWith("probe: TLS handshake with localhost:" + tlsServer.listenPort() + " failed: ");
        assertThat(err().lines().count()).isEqualTo(1);
    }

    @Test
    void shouldRejectInvalidOptionsWithUsageExitCode() {
        int code = probe(
                new ProbeOptions("127.0.0.1", 0, "probe.test", "r", false, 100, 100, null, null, false, List.of(4L)));
        assertThat(code).isEqualTo(DiameterProbe.EXIT_USAGE);
        assertThat(err()).isEqualTo("probe: invalid options: port=0\n");
    }

    @Test
    void shouldCarryRequestsOverTlsBetweenNodes() throws Exception {
        io.chargeflow.diameter.peer.PeerConfig peer = new io.chargeflow.diameter.peer.PeerConfig(
                "localhost", tlsServer.listenPort(), "tls.server.test", "server.realm", 0, true);
        tlsServer.registerHandler(3, (request, answer) -> answer.answer(2001, e -> {}));
        DiameterNodeContext context = new DiameterNodeContext()
                .originHost("probe.test")
                .originRealm("probe.realm")
                .acctApplication(3)
                .ioThreads(1)
                .peer(peer)
                .tls(TlsSettings.trusting(certificates.trustStore, TestCertificates.PASSWORD));
        try (DiameterNode client = start(context)) {
            client.whenOpen(peer).get(5, java.util.concurrent.TimeUnit.SECONDS);
            DiameterMessage answer = client.send("server.realm", 3, 271, e -> {
                        e.putUtf8(Avp.SESSION_ID, "p;1");
                        e.putInteger32(Avp.ACCOUNTING_RECORD_TYPE, 2);
                        e.putUnsigned32(Avp.ACCOUNTING_RECORD_NUMBER, 0);
                    })
                    .get(5, java.util.concurrent.TimeUnit.SECONDS);
            io.chargeflow.diameter.codec.DiameterAvp avp = new io.chargeflow.diameter.codec.DiameterAvp();
            assertThat(answer.find(Avp.RESULT_CODE, avp)).isTrue();
            assertThat(avp.getUnsigned32()).isEqualTo(2001);
        }
    }
}

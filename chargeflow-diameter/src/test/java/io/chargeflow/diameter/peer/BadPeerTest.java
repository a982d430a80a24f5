package io.chargeflow.diameter.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.dictionary.Avp;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Peers that misbehave are cut off by the rules and counted, and well-behaved peers keep working. */
class BadPeerTest {
    private final DiameterAvp avp = new DiameterAvp();
    private DiameterNode server;
    private DiameterNode goodClient;
    private PeerConfig toServer;

    @BeforeEach
    void startServerWithOneGoodClient() throws Exception {
        server = Nodes.start(Nodes.context("server.test", "server.realm")
                .listen("127.0.0.1", 0, false)
                .allowPeer("client.test", "*")
                .allowPeer("good.test", "*")
                .maxInboundPending(5)
                .writeStallTimeoutMs(300)
                .capabilitiesTimeoutMs(300));
        server.registerHandler(4, (request, answer) -> {
            if (request.find(Avp.CC_REQUEST_NUMBER, avp) && avp.getUnsigned32() >= 1000) {
                return; // never answered: fills the inbound window
            }
            if (request.find(Avp.CC_REQUEST_NUMBER, avp) && avp.getUnsigned32() == 500) {
                answer.answer(2001, e -> e.putOctets(Avp.CLASS, new byte[60_000]));
                return;
            }
            Nodes.creditControl("ok").onRequest(request, answer);
        });
        toServer = PeerConfig.of("127.0.0.1", server.listenPort(), "server.test", "server.realm");
        goodClient = Nodes.start(Nodes.context("good.test", "good.realm").peer(toServer));
        goodClient.whenOpen(toServer).get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        goodClient.close();
        server.close();
    }

    private void assertGoodClientStillServed() throws Exception {
        DiameterMessage answer = goodClient
                .send("server.realm", 4, 272, e -> {
                    e.putUtf8(Avp.SESSION_ID, "good.test;1");
                    e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
                    e.putUtf8(Avp.SERVICE_CONTEXT_ID, "32251@3gpp.org");
                    e.putInteger32(Avp.CC_REQUEST_TYPE, 1);
                    e.putUnsigned32(Avp.CC_REQUEST_NUMBER, 1);
                })
                .get(5, TimeUnit.SECONDS);
        assertThat(answer.find(Avp.RESULT_CODE, avp)).isTrue();
        assertThat(avp.getUnsigned32()).isEqualTo(2001);
    }

    private RawPeer openRaw() throws Exception {
        RawPeer raw = RawPeer.connect(server.listenPort());
        raw.send(RawPeer.cer("client.test", "raw.realm", 4));
        DiameterMessage cea = raw.read();
        assertThat(cea.find(Avp.RESULT_CODE, avp)).isTrue();
        assertThat(avp.getUnsigned32()).isEqualTo(2001);
        return raw;
    }

    @Test
    void shouldCloseAndCountWhenPeerSendsGarbage() throws Exception {
        try (RawPeer raw = openRaw()) {
            raw.send(new byte[] {7, 0, 0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
            assertThat(raw.closedByRemote()).isTrue();
        }
        assertThat(server.counters().get(DiameterCounter.FRAMING_ERRORS)).isEqualTo(1);
        assertGoodClientStillServed();
    }

    @Test
    void shouldAnswerErrorAndKeepConnectionWhenRequestHasBadAvpLength() throws Exception {
        try (RawPeer raw = openRaw()) {
            byte[] ccr = RawPeer.ccr("client.test", 5, 5, 1, false);
            // make CC-Request-Number (last AVP, Unsigned32) claim 13 bytes instead of 12
            java.nio.ByteBuffer.wrap(ccr).put(ccr.length - 12 + 7, (byte) 13);
            raw.send(ccr);
            DiameterMessage answer = raw.read();
            assertThat(answer.find(Avp.RESULT_CODE, avp)).isTrue();
            assertThat(avp.getUnsigned32()).isEqualTo(5014);
            assertThat(answer.find(Avp.FAILED_AVP, avp)).isTrue();
            raw.send(RawPeer.ccr("client.test", 6, 6, 2, false));
            DiameterMessage ok = raw.read();
            assertThat(ok.find(Avp.RESULT_CODE, avp)).isTrue();
            assertThat(avp.getUnsigned32()).isEqualTo(2001);
        }
        assertThat(server.counters().get(DiameterCounter.INVALID_MESSAGES)).isEqualTo(1);
    }

    @Test
    void shouldCutOffPeerThatNeverSendsCer() throws Exception {
        try (RawPeer raw = RawPeer.connect(server.listenPort())) {
            assertThat(raw.closedByRemote()).isTrue();
        }
        assertThat(server.counters().get(DiameterCounter.CER_TIMEOUTS)).isEqualTo(1);
        assertGoodClientStillServed();
    }

    @Test
    void shouldRejectUnknownOriginHostWithUnknownPeer() throws Exception {
        try (RawPeer raw = RawPeer.connect(server.listenPort())) {
            raw.send(RawPeer.cer("stranger.test", "raw.realm", 4));
            DiameterMessage cea = raw.read();
            assertThat(cea.find(Avp.RESULT_CODE, avp)).isTrue();
            assertThat(avp.getUnsigned32()).isEqualTo(3010);
            assertThat(raw.closedByRemote()).isTrue();
        }
        assertThat(server.counters().get(DiameterCounter.PEERS_REJECTED)).isEqualTo(1);
    }

    @Test
    void shouldRejectCerWithoutCommonApplication() throws Exception {
        try (RawPeer raw = RawPeer.connect(server.listenPort())) {
            raw.send(RawPeer.cer("client.test", "raw.realm", 16777251));
            DiameterMessage cea = raw.read();
            assertThat(cea.find(Avp.RESULT_CODE, avp)).isTrue();
            assertThat(avp.getUnsigned32()).isEqualTo(5010);
        }
    }

    @Test
    void shouldAnswerTooBusyWhenPeerFloodsUnansweredRequests() throws Exception {
        try (RawPeer raw = openRaw()) {
            for (int i = 0; i < 6; i++) {
                raw.send(RawPeer.ccr("client.test", 10 + i, 10 + i, 1000 + i, false));
            }
            DiameterMessage busy = raw.read();
            assertThat(busy.hopByHopId()).isEqualTo(15);
            assertThat(busy.isError()).isTrue();
            assertThat(busy.find(Avp.RESULT_CODE, avp)).isTrue();
            assertThat(avp.getUnsigned32()).isEqualTo(3004);
        }
        assertThat(server.counters().get(DiameterCounter.TOO_BUSY_ANSWERED)).isEqualTo(1);
        assertGoodClientStillServed();
    }

    @Test
    void shouldCutOffPeerThatStopsReading() throws Exception {
        try (RawPeer raw = openRaw()) {
            raw.socket.setReceiveBufferSize(4096);
            for (int i = 0; i < 400; i++) {
                raw.send(RawPeer.ccr("client.test", 100 + i, 100 + i, 500, false));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> server.counters().get(DiameterCounter.WRITE_STALLS) >= 1);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> server.peer("client.test").state() == PeerState.CLOSED);
            assertThat(server.peer("client.test").lastError()).isEqualTo("peer stopped reading for 300 ms");
        }
        assertGoodClientStillServed();
    }

    @Test
    void shouldAnswerApplicationUnsupportedWhenNoHandlerIsRegistered() throws Exception {
        try (RawPeer raw = openRaw()) {
            raw.send(RawPeer.encode(0x80, 316, 16777251, 3, 3, e -> {
                e.putUtf8(Avp.SESSION_ID, "x");
                e.putUtf8(Avp.ORIGIN_HOST, "client.test");
                e.putUtf8(Avp.ORIGIN_REALM, "raw.realm");
            }));
            DiameterMessage answer = raw.read();
            assertThat(answer.isError()).isTrue();
            assertThat(answer.find(Avp.RESULT_CODE, avp)).isTrue();
            assertThat(avp.getUnsigned32()).isEqualTo(3007);
        }
    }

    @Test
    void shouldMarkPeerDownWhenWatchdogGoesUnanswered() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            PeerConfig mute = PeerConfig.of("127.0.0.1", silent.getLocalPort(), "mute.test", "mute.realm");
            try (DiameterNode client = Nodes.start(
                    Nodes.context("client.test", "client.realm").peer(mute).twMs(150))) {
                try (Socket accepted = silent.accept();
                        RawPeer raw = new RawPeer(accepted)) {
                    DiameterMessage cer = raw.read();
                    raw.send(RawPeer.cea(cer.hopByHopId(), cer.endToEndId(), "mute.test", "mute.realm", 2001));
                    client.whenOpen(mute).get(5, TimeUnit.SECONDS);
                    await().atMost(Duration.ofSeconds(5))
                            .until(() -> client.counters().get(DiameterCounter.WATCHDOG_DOWN) == 1);
                    assertThat(client.counters().get(DiameterCounter.WATCHDOG_SUSPECT))
                            .isEqualTo(1);
                    assertThat(raw.closedByRemote()).isTrue();
                }
            }
        }
    }

    @Test
    void shouldQueueRequestsForPeerThatReadsSlowlyAndRefuseThemWithBackpressureOverTheLimit() throws Exception {
        long limit = 4L << 20;
        try (ServerSocket slow = new ServerSocket(0)) {
            PeerConfig toSlow = PeerConfig.of("127.0.0.1", slow.getLocalPort(), "slow.test", "slow.realm");
            try (DiameterNode client = Nodes.start(Nodes.context("client.test", "client.realm")
                            .peer(toSlow)
                            .maxOutboundBytes(limit));
                    Socket accepted = slow.accept();
                    RawPeer raw = new RawPeer(accepted)) {
                DiameterMessage cer = raw.read();
                raw.send(RawPeer.cea(cer.hopByHopId(), cer.endToEndId(), "slow.test", "slow.realm", 2001));
                client.whenOpen(toSlow).get(5, TimeUnit.SECONDS);
                byte[] filler = new byte[32_000];
                int sent = 0;
                RequestFailure refused = null;
                long sentBytes = 0;
                // the peer reads nothing more: the socket buffers fill, then the connection's queue, up to the limit
                while (refused == null && sent < 10_000) {
                    java.util.concurrent.CompletableFuture<DiameterMessage> future =
                            client.send("slow.realm", 4, 272, e -> {
                                e.putUtf8(Avp.SESSION_ID, "client.test;1;x");
                                e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
                                e.putOctets(Avp.CLASS, filler);
                            });
                    if (future.isCompletedExceptionally()) {
                        refused = ((RequestFailedException) future.exceptionNow()).failure();
                    } else {
                        sent++;
                        sentBytes += filler.length;
                        if (sent % 64 == 0) {
                            Thread.sleep(5); // lets the I/O thread move the queue into the socket
                        }
                    }
                }
                assertThat(refused).isEqualTo(RequestFailure.BACKPRESSURE);
                assertThat(client.counters().get(DiameterCounter.REQUESTS_BACKPRESSURE))
                        .isEqualTo(1);
                assertThat(client.counters().get(DiameterCounter.REQUESTS_NO_ROUTE))
                        .isZero();
                // nothing was refused before the queue held the limit
                assertThat(sentBytes).isGreaterThanOrEqualTo(limit);
                assertThat(client.pendingRequests()).isEqualTo(sent);
            }
        }
    }
}

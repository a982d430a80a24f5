package io.chargeflow.diameter.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.dictionary.Avp;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DiameterNodeTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final DiameterAvp avp = new DiameterAvp();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private DiameterNode node(DiameterNodeContext context) {
        DiameterNode node = Nodes.start(context);
        toClose.add(node);
        return node;
    }

    private DiameterNode server(String originHost, String tag) {
        DiameterNode server = node(Nodes.context(originHost, "server.realm")
                .listen("127.0.0.1", 0, false)
                .allowPeer("client.test", "127.0.0.1"));
        server.registerHandler(4, Nodes.creditControl(tag));
        return server;
    }

    private static CompletableFuture<DiameterMessage> ccr(DiameterNode client, int number) {
        return client.send("server.realm", 4, 272, e -> {
            e.putUtf8(Avp.SESSION_ID, "client.test;1;" + number);
            e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
            e.putUtf8(Avp.SERVICE_CONTEXT_ID, "32251@3gpp.org");
            e.putInteger32(Avp.CC_REQUEST_TYPE, 1);
            e.putUnsigned32(Avp.CC_REQUEST_NUMBER, number);
        });
    }

    @Test
    void shouldExchangeCapabilitiesAndAnswerCcrWhenTwoNodesConnect() throws Exception {
        DiameterNode server = server("server.test", "primary");
        PeerConfig peer = PeerConfig.of("127.0.0.1", server.listenPort(), "server.test", "server.realm");
        DiameterNode client = node(Nodes.context("client.test", "client.realm").peer(peer));

        PeerCapabilities caps = client.whenOpen(peer).get(5, TimeUnit.SECONDS);
        assertThat(caps.originHost()).isEqualTo("server.test");
        assertThat(caps.originRealm()).isEqualTo("server.realm");
        assertThat(caps.productName()).isEqualTo("chargeflow");
        assertThat(caps.authApplicationIds()).containsExactly(4L);
        assertThat(caps.hostIpAddresses()).containsExactly("127.0.0.1");

        DiameterMessage answer = ccr(client, 3).get(5, TimeUnit.SECONDS);
        assertThat(answer.isRequest()).isFalse();
        assertThat(answer.find(Avp.SESSION_ID, avp)).isTrue();
        assertThat(avp.getString()).isEqualTo("client.test;1;3");
        assertThat(answer.find(Avp.RESULT_CODE, avp)).isTrue();
        assertThat(avp.getUnsigned32()).isEqualTo(2001);
        assertThat(answer.find(Avp.CC_REQUEST_NUMBER, avp)).isTrue();
        assertThat(avp.getUnsigned32()).isEqualTo(3);
        assertThat(answer.find(Avp.ORIGIN_HOST, avp)).isTrue();
        assertThat(avp.getString()).isEqualTo("server.test");

        assertThat(client.watchdog(peer).get(5, TimeUnit.SECONDS)).isPositive();
        assertThat(client.counters().get(DiameterCounter.REQUESTS_SENT)).isEqualTo(1);
        assertThat(client.counters().get(DiameterCounter.ANSWERS_RECEIVED)).isEqualTo(1);
        assertThat(server.counters().get(DiameterCounter.REQUESTS_RECEIVED)).isEqualTo(1);
        assertThat(server.peer("client.test").state()).isEqualTo(PeerState.R_OPEN);
        assertThat(client.peer("server.test").state()).isEqualTo(PeerState.I_OPEN);
    }

    @Test
    void shouldPipelineManyRequestsWhenSentWithoutWaiting() throws Exception {
        DiameterNode server = server("server.test", "primary");
        PeerConfig peer = PeerConfig.of("127.0.0.1", server.listenPort(), "server.test", "server.realm");
        DiameterNode client = node(Nodes.context("client.test", "client.realm").peer(peer));
        client.whenOpen(peer).get(5, TimeUnit.SECONDS);

        List<CompletableFuture<DiameterMessage>> futures = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            futures.add(ccr(client, i));
        }
        for (int i = 0; i < futures.size(); i++) {
            DiameterMessage answer = futures.get(i).get(10, TimeUnit.SECONDS);
            assertThat(answer.find(Avp.CC_REQUEST_NUMBER, avp)).isTrue();
            assertThat(avp.getUnsigned32()).isEqualTo(i);
        }
        assertThat(client.pendingRequests()).isZero();
    }

    @Test
    void shouldFailNoRouteWhenRealmHasNoOpenPeer() {
        DiameterNode client = node(Nodes.context("client.test", "client.realm"));
        CompletableFuture<DiameterMessage> future = ccr(client, 1);
        assertThat(future).isCompletedExceptionally();
        assertThat(future.exceptionNow()).isInstanceOf(RequestFailedException.class);
        assertThat(((RequestFailedException) future.exceptionNow()).failure()).isEqualTo(RequestFailure.NO_ROUTE);
        assertThat(client.counters().get(DiameterCounter.REQUESTS_NO_ROUTE)).isEqualTo(1);
    }

    @Test
    void shouldTimeOutRequestWhenServerNeverAnswers() throws Exception {
        DiameterNode server = node(Nodes.context("server.test", "server.realm")
                .listen("127.0.0.1", 0, false)
                .allowPeer("client.test", "*"));
        server.registerHandler(4, (request, answer) -> {});
        PeerConfig peer = PeerConfig.of("127.0.0.1", server.listenPort(), "server.test", "server.realm");
        DiameterNode client =
                node(Nodes.context("client.test", "client.realm").peer(peer).requestTimeoutMs(200));
        client.whenOpen(peer).get(5, TimeUnit.SECONDS);
        CompletableFuture<DiameterMessage> future = ccr(client, 1);
        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
        assertThat(((RequestFailedException) failure.getCause()).failure()).isEqualTo(RequestFailure.TIMEOUT);
        assertThat(client.counters().get(DiameterCounter.REQUEST_TIMEOUTS)).isEqualTo(1);
    }

    @Test
    void shouldRetransmitWithTFlagToSecondaryWhenPrimaryGoesDown() throws Exception {
        List<Boolean> retransmitFlags = new CopyOnWriteArrayList<>();
        DiameterNode primary = Nodes.start(Nodes.context("primary.test", "server.realm")
                .listen("127.0.0.1", 0, false)
                .allowPeer("client.test", "*"));
        primary.registerHandler(4, (request, answer) -> {});
        DiameterNode secondary = server("secondary.test", "secondary");
        RequestHandler answering = Nodes.creditControl("secondary");
        secondary.registerHandler(4, (request, answer) -> {
            retransmitFlags.add(request.isRetransmit());
            answering.onRequest(request, answer);
        });
        PeerConfig first = new PeerConfig("127.0.0.1", primary.listenPort(), "primary.test", "server.realm", 0, false);
        PeerConfig second =
                new PeerConfig("127.0.0.1", secondary.listenPort(), "secondary.test", "server.realm", 1, false);
        DiameterNode client =
                node(Nodes.context("client.test", "client.realm").peer(first).peer(second));
        client.whenOpen(first).get(5, TimeUnit.SECONDS);
        client.whenOpen(second).get(5, TimeUnit.SECONDS);

        CompletableFuture<DiameterMessage> future = ccr(client, 9);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> primary.counters().get(DiameterCounter.REQUESTS_RECEIVED) == 1);
        primary.close();

        DiameterMessage answer = future.get(5, TimeUnit.SECONDS);
        assertThat(answer.find(Avp.COST_UNIT, avp)).isTrue();
        assertThat(avp.getString()).isEqualTo("secondary");
        assertThat(retransmitFlags).containsExactly(true);
        assertThat(client.counters().get(DiameterCounter.RETRANSMISSIONS)).isEqualTo(1);
        // new requests go to the secondary while the primary is down
        assertThat(ccr(client, 10).get(5, TimeUnit.SECONDS).find(Avp.COST_UNIT, avp))
                .isTrue();
        assertThat(avp.getString()).isEqualTo("secondary");
    }

    @Test
    void shouldReconnectAndFailBackWhenPrimaryComesBack() throws Exception {
        DiameterNode primary = Nodes.start(Nodes.context("primary.test", "server.realm")
                .listen("127.0.0.1", 0, false)
                .allowPeer("client.test", "*"));
        primary.registerHandler(4, Nodes.creditControl("primary"));
        int port = primary.listenPort();
        PeerConfig first = new PeerConfig("127.0.0.1", port, "primary.test", "server.realm", 0, false);
        DiameterNode client = node(Nodes.context("client.test", "client.realm").peer(first));
        client.whenOpen(first).get(5, TimeUnit.SECONDS);
        primary.close();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> client.peer("primary.test").state() == PeerState.CLOSED);

        DiameterNode again = node(Nodes.context("primary.test", "server.realm")
                .listen("127.0.0.1", port, false)
                .allowPeer("client.test", "*"));
        again.registerHandler(4, Nodes.creditControl("primary-again"));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> client.peer("primary.test").watchdog() == WatchdogState.OKAY
                        && client.peer("primary.test").state() == PeerState.I_OPEN);
        assertThat(ccr(client, 1).get(5, TimeUnit.SECONDS).find(Avp.COST_UNIT, avp))
                .isTrue();
        assertThat(avp.getString()).isEqualTo("primary-again");
    }

    @Test
    void shouldOpenExactlyOneConnectionWhenBothNodesConnectToEachOther() throws Exception {
        {
            int portA = freePort();
            int portB = freePort();
            PeerConfig toB = PeerConfig.of("127.0.0.1", portB, "b.test", "realm.b");
            PeerConfig toA = PeerConfig.of("127.0.0.1", portA, "a.test", "realm.a");
            DiameterNode nodeA = node(Nodes.context("a.test", "realm.a")
                    .listen("127.0.0.1", portA, false)
                    .peer(toB));
            DiameterNode nodeB = node(Nodes.context("b.test", "realm.b")
                    .listen("127.0.0.1", portB, false)
                    .peer(toA));
            nodeA.whenOpen(toB).get(5, TimeUnit.SECONDS);
            nodeB.whenOpen(toA).get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> nodeA.peer("b.test").state().isOpen()
                            && nodeB.peer("a.test").state().isOpen());
            PeerState stateA = nodeA.peer("b.test").state();
            PeerState stateB = nodeB.peer("a.test").state();
            assertThat(List.of(stateA, stateB)).containsExactlyInAnyOrder(PeerState.I_OPEN, PeerState.R_OPEN);
            nodeB.registerHandler(4, Nodes.creditControl("b"));
            DiameterMessage answer = nodeA.send("realm.b", 4, 272, e -> e.putUtf8(Avp.SESSION_ID, "a;1"))
                    .get(5, TimeUnit.SECONDS);
            assertThat(answer.find(Avp.RESULT_CODE, avp)).isTrue();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldAnswerDuplicateFromCacheWhenRetransmittedRequestArrives() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        DiameterNode server = server("server.test", "primary");
        RequestHandler inner = Nodes.creditControl("once");
        server.registerHandler(4, (request, answer) -> {
            handled.incrementAndGet();
            inner.onRequest(request, answer);
        });
        try (RawPeer raw = RawPeer.connect(server.listenPort())) {
            raw.send(RawPeer.cer("client.test", "raw.realm", 4));
            DiameterMessage cea = raw.read();
            assertThat(cea.find(Avp.RESULT_CODE, avp)).isTrue();
            assertThat(avp.getUnsigned32()).isEqualTo(2001);
            raw.send(RawPeer.ccr("client.test", 100, 777, 0, false));
            DiameterMessage first = raw.read();
            assertThat(first.hopByHopId()).isEqualTo(100);
            raw.send(RawPeer.ccr("client.test", 101, 777, 0, true));
            DiameterMessage second = raw.read();
            assertThat(second.hopByHopId()).isEqualTo(101);
            assertThat(second.endToEndId()).isEqualTo(777);
            assertThat(handled.get()).isEqualTo(1);
            assertThat(server.counters().get(DiameterCounter.DUPLICATE_REQUESTS))
                    .isEqualTo(1);
        }
    }
}

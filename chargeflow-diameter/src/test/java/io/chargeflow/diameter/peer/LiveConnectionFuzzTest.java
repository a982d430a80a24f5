package io.chargeflow.diameter.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.dictionary.Avp;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Mutated requests into a live connection of a server node: the node answers or cuts the connection, never hangs,
 * keeps serving a well-behaved peer, and holds no state for the fuzzing connections afterwards (memory flat).
 * Iterations with {@code -Dchargeflow.fuzz.iterations=N} (default 2000).
 */
class LiveConnectionFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("chargeflow.fuzz.iterations", 2_000);

    /** The next answer, answering the server's watchdogs (a reconnected peer is in REOPEN, RFC 3539) on the way. */
    private static DiameterMessage readAnswer(RawPeer raw) throws IOException {
        while (true) {
            DiameterMessage message = raw.read();
            if (message == null || !message.isRequest()) {
                return message;
            }
            if (message.commandCode() == 280) {
                int hbh = message.hopByHopId();
                int e2e = message.endToEndId();
                raw.send(RawPeer.encode(0, 280, 0, hbh, e2e, e -> {
                    e.putUnsigned32(Avp.RESULT_CODE, 2001);
                    e.putUtf8(Avp.ORIGIN_HOST, "client.test");
                    e.putUtf8(Avp.ORIGIN_REALM, "raw.realm");
                }));
            }
        }
    }

    @Test
    void shouldSurviveMutatedMessagesOnALiveConnection() throws Exception {
        long seed = 0x5EEDL;
        SplittableRandom random = new SplittableRandom(seed);
        try (DiameterNode server = Nodes.start(Nodes.context("server.test", "server.realm")
                .listen("127.0.0.1", 0, false)
                .allowPeer("client.test", "*")
                .allowPeer("good.test", "*"))) {
            server.registerHandler(4, Nodes.creditControl("ok"));
            RawPeer raw = null;
            int reconnects = 0;
            int answered = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                if (raw == null) {
                    raw = RawPeer.connect(server.listenPort());
                    raw.socket.setSoTimeout(2_000);
                    raw.send(RawPeer.cer("client.test", "raw.realm", 4));
                    DiameterMessage cea = raw.read();
                    assertThat(cea).as("seed=" + seed + " iteration=" + i).isNotNull();
                    reconnects++;
                }
                byte[] message = RawPeer.ccr("client.test", i, i, i, false);
                int mutations = random.nextInt(4);
                for (int m = 0; m < mutations; m++) {
                    int p = 20 + random.nextInt(message.length - 20);
                    message[p] = (byte) random.nextInt(256);
                }
                if (random.nextInt(50) == 0) {
                    message[0] = (byte) (2 + random.nextInt(250)); // unframeable: the server must cut the link
                }
                try {
                    raw.send(message);
                    DiameterMessage answer = readAnswer(raw);
                    if (answer == null) {
                        raw.close();
                        raw = null;
                    } else {
                        assertThat(answer.hopByHopId())
                                .as("seed=" + seed + " iteration=" + i + "\n" + answer)
                                .isEqualTo(i);
                        answered++;
                    }
                } catch (IOException e) {
                    raw.close();
                    raw = null;
                }
            }
            if (raw != null) {
                raw.close();
            }
            assertThat(answered).as("seed=" + seed).isGreaterThan(ITERATIONS / 2);
            assertThat(server.counters().get(DiameterCounter.FRAMING_ERRORS)).isEqualTo(reconnects - 1L);

            PeerConfig toServer = PeerConfig.of("127.0.0.1", server.listenPort(), "server.test", "server.realm");
            try (DiameterNode good =
                    Nodes.start(Nodes.context("good.test", "good.realm").peer(toServer))) {
                good.whenOpen(toServer).get(5, TimeUnit.SECONDS);
                DiameterMessage answer = good.send("server.realm", 4, 272, e -> {
                            e.putUtf8(Avp.SESSION_ID, "good;1");
                            e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
                            e.putUtf8(Avp.SERVICE_CONTEXT_ID, "32251@3gpp.org");
                            e.putInteger32(Avp.CC_REQUEST_TYPE, 1);
                            e.putUnsigned32(Avp.CC_REQUEST_NUMBER, 0);
                        })
                        .get(5, TimeUnit.SECONDS);
                DiameterAvp avp = new DiameterAvp();
                assertThat(answer.find(Avp.RESULT_CODE, avp)).isTrue();
                assertThat(avp.getUnsigned32()).isEqualTo(2001);
            }
            // one peer entry per Origin-Host however often it reconnected: nothing accumulates per connection
            assertThat(server.peers()).hasSize(2);
            System.out.println("live fuzz: seed=" + seed + " iterations=" + ITERATIONS + " answered=" + answered
                    + " connections=" + reconnects + " counters=" + server.counters());
        }
    }
}

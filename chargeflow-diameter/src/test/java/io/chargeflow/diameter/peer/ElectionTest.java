package io.chargeflow.diameter.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.dictionary.Avp;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The election of RFC 6733 §5.6.4, driven by hand: the node has sent its CER to "b.test" (Wait-I-CEA) when b.test
 * connects to it and sends a CER of its own. The higher Diameter identity wins: the winner closes the connection it
 * initiated and answers on the accepted one (R-Open); the loser keeps its own (I-Open) and drops the accepted one.
 */
class ElectionTest {
    @ParameterizedTest
    @CsvSource({"z.test, R_OPEN", "a.test, I_OPEN"})
    void shouldKeepOneConnectionChosenByTheElection(String localOriginHost, PeerState expected) throws Exception {
        DiameterAvp avp = new DiameterAvp();
        try (ServerSocket remoteListener = new ServerSocket(0)) {
            PeerConfig b = PeerConfig.of("127.0.0.1", remoteListener.getLocalPort(), "b.test", "b.realm");
            try (DiameterNode node = Nodes.start(Nodes.context(localOriginHost, "local.realm")
                            .listen("127.0.0.1", 0, false)
                            .peer(b));
                    RawPeer initiated = new RawPeer(remoteListener.accept())) {
                DiameterMessage ourCer = initiated.read();
                assertThat(ourCer.commandCode()).isEqualTo(257);
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> node.peers().get(0).state() == PeerState.WAIT_I_CEA);

                try (RawPeer accepted = RawPeer.connect(node.listenPort())) {
                    accepted.send(RawPeer.cer("b.test", "b.realm", 4));
                    if (expected == PeerState.R_OPEN) {
                        // we won: CEA on the accepted connection, our own connection closed (I-Disc)
                        DiameterMessage cea = accepted.read();
                        assertThat(cea.find(Avp.RESULT_CODE, avp)).isTrue();
                        assertThat(avp.getUnsigned32()).isEqualTo(2001);
                        assertThat(initiated.closedByRemote()).isTrue();
                    } else {
                        // we lost: Wait-Returns until our CER is answered, then the accepted one is dropped (R-Disc)
                        await().atMost(Duration.ofSeconds(5))
                                .until(() -> node.peers().get(0).state() == PeerState.WAIT_RETURNS);
                        initiated.send(
                                RawPeer.cea(ourCer.hopByHopId(), ourCer.endToEndId(), "b.test", "b.realm", 2001));
                        assertThat(accepted.closedByRemote()).isTrue();
                    }
                    await().atMost(Duration.ofSeconds(5))
                            .until(() -> node.peers().get(0).state() == expected);
                    assertThat(node.counters().get(DiameterCounter.ELECTIONS)).isEqualTo(1);
                    assertThat(node.whenOpen(b).get(1, TimeUnit.SECONDS).originHost())
                            .isEqualTo("b.test");
                }
            }
        }
    }
}

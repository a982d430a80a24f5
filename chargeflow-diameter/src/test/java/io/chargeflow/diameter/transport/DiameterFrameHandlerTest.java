package io.chargeflow.diameter.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.diameter.codec.DiameterEncoder;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.peer.Connection;
import io.chargeflow.diameter.peer.ConnectionListener;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The stream framer fed one byte at a time, in random splits, and with garbage. */
class DiameterFrameHandlerTest {
    private final List<Integer> hopByHops = new ArrayList<>();
    private final List<String> framingErrors = new ArrayList<>();

    private EmbeddedChannel channel() {
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public void onConnected(Connection connection) {}

            @Override
            public void onConnectFailed(String reason) {}

            @Override
            public void onMessage(Connection connection, DiameterMessage message) {
                hopByHops.add(message.hopByHopId());
            }

            @Override
            public void onFramingError(Connection connection, String reason) {
                framingErrors.add(reason);
            }

            @Override
            public void onClosed(Connection connection) {}
        };
        return new EmbeddedChannel(new DiameterFrameHandler(listener, new NettyConnection("test"), 1 << 20));
    }

    private static byte[] stream(int messages) {
        ByteBuffer buffer = ByteBuffer.allocate(messages * 64);
        DiameterEncoder encoder = new DiameterEncoder();
        int p = 0;
        for (int i = 0; i < messages; i++) {
            encoder.wrap(buffer, p).header(0x80, 280, 0, i, i);
            encoder.putUtf8(Avp.ORIGIN_HOST, "h" + i);
            encoder.putUtf8(Avp.ORIGIN_REALM, "r");
            p += encoder.finish();
        }
        byte[] bytes = new byte[p];
        buffer.get(0, bytes);
        return bytes;
    }

    @Test
    void shouldFrameMessagesWhenFedOneByteAtATime() {
        EmbeddedChannel channel = channel();
        for (byte b : stream(20)) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(hopByHops).hasSize(20);
        assertThat(hopByHops.get(19)).isEqualTo(19);
        assertThat(framingErrors).isEmpty();
    }

    @Test
    void shouldFrameMessagesWhenFedInRandomSplits() {
        long seed = 20261122L;
        SplittableRandom random = new SplittableRandom(seed);
        byte[] bytes = stream(200);
        EmbeddedChannel channel = channel();
        int p = 0;
        while (p < bytes.length) {
            int n = Math.min(bytes.length - p, 1 + random.nextInt(97));
            channel.writeInbound(Unpooled.wrappedBuffer(bytes, p, n));
            p += n;
        }
        assertThat(hopByHops).as("seed=" + seed).hasSize(200);
        for (int i = 0; i < 200; i++) {
            assertThat(hopByHops.get(i)).as("seed=" + seed).isEqualTo(i);
        }
    }

    @Test
    void shouldReportFramingErrorAndCloseWhenStreamIsGarbage() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {9, 0, 0, 20, 0, 0, 0, 0}));
        assertThat(framingErrors).containsExactly("version=9 length=20");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void shouldRejectOversizedLengthWithoutBufferingIt() {
        EmbeddedChannel channel = channel();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {1, (byte) 0xff, (byte) 0xff, (byte) 0xfc}));
        assertThat(framingErrors).containsExactly("version=1 length=16777212");
    }
}

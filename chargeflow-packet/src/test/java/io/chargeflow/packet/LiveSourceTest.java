package io.chargeflow.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Live capture on the loopback interface through the system's libpcap: what the test sends is what the source
 * delivers, byte for byte. Needs root or CAP_NET_RAW (CI runs as root); skipped, saying why, without it.
 */
@org.junit.jupiter.api.Timeout(30)
class LiveSourceTest {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static LiveSource openLoopback(long maxFrames) throws IOException {
        try {
            return LiveSource.open("lo", 65_535, false, maxFrames);
        } catch (IOException e) {
            Assumptions.assumeTrue(
                    !e.getMessage().contains("permission denied")
                            && !e.getMessage().contains("needs libpcap"),
                    "live capture is not possible here: " + e.getMessage());
            throw e;
        }
    }

    /** The UDP destination port of an Ethernet/IPv4/UDP frame, or -1. */
    private static int udpPort(MemorySegment data, long offset, int length) {
        if (length < 42
                || Short.toUnsignedInt(data.get(U16, offset + 12)) != 0x0800
                || data.get(ValueLayout.JAVA_BYTE, offset + 23) != 17) {
            return -1;
        }
        int ihl = (data.get(ValueLayout.JAVA_BYTE, offset + 14) & 0x0F) * 4;
        return Short.toUnsignedInt(data.get(U16, offset + 14 + ihl + 2));
    }

    @Test
    void shouldDeliverEveryDatagramSentOnLoopbackWithItsLengthAndTime() throws Exception {
        try (LiveSource source = openLoopback(0);
                DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertThat(source.linkType()).isEqualTo(LinkType.ETHERNET);
            int port = socket.getLocalPort();
            long before = System.currentTimeMillis() * 1_000_000L;
            int sent = 25;
            for (int i = 0; i < sent; i++) {
                byte[] payload = new byte[100 + i];
                socket.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), port));
            }
            List<long[]> seen = new ArrayList<>();
            FrameHandler handler = (data, offset, captured, original, timeNs, interfaceId, linkType) -> {
                if (udpPort(data, offset, captured) == port) {
                    seen.add(new long[] {captured, original, timeNs, linkType});
                }
            };
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (seen.size() < sent && System.nanoTime() < deadline) {
                assertThat(source.read(handler, 64)).isNotEqualTo(CaptureSource.END_OF_INPUT);
            }
            assertThat(seen).hasSize(sent);
            for (int i = 0; i < sent; i++) {
                // Ethernet (loopback's zero addresses) 14, IPv4 20, UDP 8, then the payload
                assertThat(seen.get(i)[0]).isEqualTo(14 + 20 + 8 + 100 + i);
                assertThat(seen.get(i)[1]).isEqualTo(seen.get(i)[0]);
                assertThat(seen.get(i)[2])
                        .isBetween(before - 1_000_000_000L, System.currentTimeMillis() * 1_000_000L + 1_000_000_000L);
                assertThat(seen.get(i)[3]).isEqualTo(LinkType.ETHERNET);
            }
            assertThat(source.stats().frames).isGreaterThanOrEqualTo(sent);
            assertThat(source.drops()).isZero();
            source.stop();
            assertThat(source.read(handler, 64)).isEqualTo(CaptureSource.END_OF_INPUT);
        }
    }

    @Test
    void shouldEndTheInputWhenStoppedFromAnotherThreadWhileWaiting() throws Exception {
        try (LiveSource source = openLoopback(0)) {
            Thread stopper = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                source.stop();
            });
            long t0 = System.nanoTime();
            int result;
            do {
                result = source.read((d, o, c, l, t, i, k) -> {}, 64);
            } while (result != CaptureSource.END_OF_INPUT && System.nanoTime() - t0 < 5_000_000_000L);
            stopper.join();
            assertThat(result).isEqualTo(CaptureSource.END_OF_INPUT);
        }
    }

    @Test
    void shouldEndTheInputAfterTheFrameLimit() throws Exception {
        try (LiveSource source = openLoopback(3);
                DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 10; i++) {
                socket.send(
                        new DatagramPacket(new byte[10], 10, InetAddress.getLoopbackAddress(), socket.getLocalPort()));
            }
            int total = 0;
            int result;
            long t0 = System.nanoTime();
            while ((result = source.read((d, o, c, l, t, i, k) -> {}, 64)) != CaptureSource.END_OF_INPUT
                    && System.nanoTime() - t0 < 5_000_000_000L) {
                total += result;
            }
            assertThat(total).isEqualTo(3);
            assertThat(source.stats().frames).isEqualTo(3);
        }
    }

    @Test
    void shouldNameTheInterfaceWhenItDoesNotExist() {
        assertThatThrownBy(() -> {
                    try {
                        LiveSource.open("no-such-if0", 65_535, false, 0).close();
                    } catch (IOException e) {
                        Assumptions.assumeFalse(e.getMessage().contains("needs libpcap"), e.getMessage());
                        throw e;
                    }
                })
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("no-such-if0: ");
    }

    @Test
    void shouldRefuseBadArguments() {
        assertThatThrownBy(() -> LiveSource.open("", 65_535, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LiveSource.open("lo", 10, false, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("snaplen=10 must be 64..262144");
        assertThat(LiveSource.linkTypeOf(12)).isEqualTo(LinkType.RAW);
        assertThat(LiveSource.linkTypeOf(1)).isEqualTo(LinkType.ETHERNET);
    }
}

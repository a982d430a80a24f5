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
        return open(List.of("lo"), maxFrames);
    }

    /** Opens the interfaces; skips the test, saying why, where this machine cannot capture at all. */
    private static LiveSource open(List<String> interfaces, long maxFrames) throws IOException {
        try {
            return LiveSource.open(interfaces, LiveSource.Options.of(65_535, false, maxFrames));
        } catch (IOException e) {
            assumeCapturePossible(e);
            throw e;
        }
    }

    /** Skips the test when {@code e} says capturing is not possible here (no right to, no libpcap). */
    private static void assumeCapturePossible(IOException e) {
        Assumptions.assumeTrue(
                !e.getMessage().contains("permission denied") && !e.getMessage().contains("needs libpcap"),
                "live capture is not possible here: " + e.getMessage());
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
    void shouldReadSeveralInterfacesAsOneSourceEachFrameWithItsInterface() throws Exception {
        // "lo" and "any" (every interface, Linux cooked headers): each datagram on the loopback is seen once on each,
        // so a frame's interface id, name and link type must say which handle it came from
        LiveSource source = open(List.of("lo", "any"), 0);
        try (source;
                DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertThat(source.interfaceCount()).isEqualTo(2);
            assertThat(source.interfaceName(0)).isEqualTo("lo");
            assertThat(source.interfaceName(1)).isEqualTo("any");
            assertThat(source.interfaceName(2)).isNull();
            assertThat(source.description()).isEqualTo("interfaces lo, any");
            assertThat(source.linkType(0)).isEqualTo(LinkType.ETHERNET);
            assertThat(source.linkType(1)).isIn(LinkType.LINUX_SLL, LinkType.LINUX_SLL2);
            int port = socket.getLocalPort();
            int sent = 40;
            for (int i = 0; i < sent; i++) {
                byte[] payload = new byte[60 + i];
                socket.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), port));
            }
            int[] seen = new int[2];
            long[] payloadBytes = new long[2];
            FrameHandler handler = (data, offset, captured, original, timeNs, interfaceId, linkType) -> {
                assertThat(linkType).isEqualTo(source.linkType(interfaceId));
                // Ethernet's header is 14 bytes, Linux cooked v1 16 and v2 20
                int link = linkType == LinkType.ETHERNET ? 14 : linkType == LinkType.LINUX_SLL ? 16 : 20;
                if (captured > link + 28
                        && data.get(ValueLayout.JAVA_BYTE, offset + link) == 0x45
                        && data.get(ValueLayout.JAVA_BYTE, offset + link + 9) == 17
                        && Short.toUnsignedInt(data.get(U16, offset + link + 22)) == port) {
                    seen[interfaceId]++;
                    payloadBytes[interfaceId] += captured - link - 28;
                }
            };
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((seen[0] < sent || seen[1] < sent) && System.nanoTime() < deadline) {
                assertThat(source.read(handler, 16)).isNotEqualTo(CaptureSource.END_OF_INPUT);
            }
            long expected = 0;
            for (int i = 0; i < sent; i++) {
                expected += 60 + i;
            }
            assertThat(seen).containsExactly(sent, sent);
            assertThat(payloadBytes).containsExactly(expected, expected);
            assertThat(source.frames(0)).isGreaterThanOrEqualTo(sent);
            assertThat(source.frames(1)).isGreaterThanOrEqualTo(sent);
            assertThat(source.stats().frames).isEqualTo(source.frames(0) + source.frames(1));
            assertThat(source.drops()).isZero();
        }
    }

    @Test
    void shouldDeliverOnlyTheFramesTheCaptureFilterLetsThrough() throws Exception {
        try (DatagramSocket wanted = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket other = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            LiveSource source;
            try {
                source = LiveSource.open(
                        List.of("lo"),
                        LiveSource.Options.of(65_535, false, 0).withFilter("udp dst port " + wanted.getLocalPort()));
            } catch (IOException e) {
                assumeCapturePossible(e);
                throw e;
            }
            try (source) {
                for (int i = 0; i < 10; i++) {
                    other.send(new DatagramPacket(
                            new byte[20], 20, InetAddress.getLoopbackAddress(), other.getLocalPort()));
                    wanted.send(new DatagramPacket(
                            new byte[30], 30, InetAddress.getLoopbackAddress(), wanted.getLocalPort()));
                }
                int[] seen = new int[2];
                FrameHandler handler = (data, offset, captured, original, timeNs, interfaceId, linkType) -> {
                    int port = udpPort(data, offset, captured);
                    seen[port == wanted.getLocalPort() ? 0 : 1]++;
                };
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (System.nanoTime() < deadline) {
                    source.read(handler, 64);
                }
                assertThat(seen).containsExactly(10, 0);
                assertThat(source.stats().frames).isEqualTo(10);
            }
        }
    }

    @Test
    void shouldNameTheFilterAndLibpcapsReasonWhenTheFilterDoesNotCompile() throws Exception {
        assertThatThrownBy(() -> {
                    try {
                        LiveSource.open(
                                        List.of("lo"),
                                        LiveSource.Options.of(65_535, false, 0).withFilter("udp port seventy"))
                                .close();
                    } catch (IOException e) {
                        assumeCapturePossible(e);
                        throw e;
                    }
                })
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("lo: filter 'udp port seventy': ");
    }

    @Test
    void shouldRefuseAnInterfaceNamedTwice() {
        assertThatThrownBy(() -> LiveSource.open(List.of("lo", "any", "lo"), LiveSource.Options.of(65_535, false, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("interface lo is named twice (its frames would be charged twice)");
        assertThatThrownBy(() -> LiveSource.open(List.of(), LiveSource.Options.of(65_535, false, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an interface name is needed");
    }

    @Test
    void shouldCloseTheInterfacesOpenedBeforeOneThatFails() throws Exception {
        // the second interface does not exist: the error names it, and the loopback handle opened first is closed
        // (a leak would show as a capture socket left open in this process)
        long before = packetSockets();
        assertThatThrownBy(() -> {
                    try {
                        LiveSource.open(List.of("lo", "no-such-if1"), LiveSource.Options.of(65_535, false, 0))
                                .close();
                    } catch (IOException e) {
                        assumeCapturePossible(e);
                        throw e;
                    }
                })
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("no-such-if1: ");
        assertThat(packetSockets()).isEqualTo(before);
    }

    /** Packet sockets this process holds (the descriptors of libpcap's Linux captures). */
    private static long packetSockets() throws IOException {
        java.nio.file.Path fds = java.nio.file.Path.of("/proc/self/fd");
        java.util.Set<String> inodes = new java.util.HashSet<>();
        try (var list = java.nio.file.Files.list(fds)) {
            for (java.nio.file.Path fd : (Iterable<java.nio.file.Path>) list::iterator) {
                try {
                    String target = java.nio.file.Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed while listed
                }
            }
        }
        // /proc/net/packet lists the packet sockets of the namespace with their inode in the last column
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/packet")).stream()
                .skip(1)
                .map(line -> line.trim().split("\\s+"))
                .filter(cols -> inodes.contains(cols[cols.length - 1]))
                .count();
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

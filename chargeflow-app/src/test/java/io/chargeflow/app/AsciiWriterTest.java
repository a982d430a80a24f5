package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AsciiWriterTest {
    @Test
    void shouldWriteNumbersAsLongToStringDoes() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        long[] values = new long[1000];
        long[] edges = {0, 9, 10, 99, 100, -1, -10, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1};
        System.arraycopy(edges, 0, values, 0, edges.length);
        for (int i = edges.length; i < values.length; i++) {
            values[i] = random.nextLong() >> random.nextInt(64);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        try (AsciiWriter out = new AsciiWriter(bytes)) {
            for (long v : values) {
                out.write(v).write(',');
                expected.append(v).append(',');
            }
        }
        assertThat(bytes.toString(StandardCharsets.US_ASCII))
                .as("seed %d", seed)
                .isEqualTo(expected.toString());
    }

    @Test
    void shouldWriteDottedQuadsAsInetAddressDoes() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int[] addresses = new int[2000];
        int[] edges = {0, -1, 0x0A000064, 0x7FFFFFFF, 0x80000000, 0x01020304, 0x64646464};
        System.arraycopy(edges, 0, addresses, 0, edges.length);
        for (int i = edges.length; i < addresses.length; i++) {
            addresses[i] = random.nextInt();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        try (AsciiWriter out = new AsciiWriter(bytes)) {
            for (int a : addresses) {
                out.ipv4(a).write('\n');
                expected.append(InetAddress.getByAddress(
                                        ByteBuffer.allocate(4).putInt(a).array())
                                .getHostAddress())
                        .append('\n');
            }
        }
        // 2,000 lines of up to 16 bytes: more than one buffer's worth is flushed along the way
        assertThat(bytes.toString(StandardCharsets.US_ASCII))
                .as("seed %d", seed)
                .isEqualTo(expected.toString());
    }

    @Test
    void shouldWriteIpv6AsAddressFormatDoes() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        try (AsciiWriter out = new AsciiWriter(bytes)) {
            for (int i = 0; i < 5000; i++) {
                // groups drawn from {0, 1, 0xabcd, random} so zero runs of every length and place occur
                long[] halves = new long[2];
                for (int g = 0; g < 8; g++) {
                    long value = switch (random.nextInt(4)) {
                        case 0, 1 -> 0;
                        case 2 -> random.nextBoolean() ? 1 : 0xABCD;
                        default -> random.nextInt(0x10000);
                    };
                    halves[g / 4] |= value << (48 - 16 * (g % 4));
                }
                int prefix = i % 3 == 0 ? 128 : 1 + random.nextInt(127);
                out.ipv6(halves[0], halves[1], prefix).write('\n');
                expected.append(io.chargeflow.packet.AddressFormat.ipv6Prefix(halves[0], halves[1], prefix))
                        .append('\n');
            }
            out.ipv6(0, 0, 128).write('\n').ipv6(-1, -1, 64).write('\n');
            expected.append("::\nffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/64\n");
        }
        assertThat(bytes.toString(StandardCharsets.US_ASCII))
                .as("seed %d", seed)
                .isEqualTo(expected.toString());
    }

    @Test
    void shouldWriteTextAsUtf8AcrossBufferBoundaries() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String ascii = "x".repeat(70_000);
        try (AsciiWriter out = new AsciiWriter(bytes)) {
            out.write("ab").write("Zürich").write(',').write(ascii).write("end");
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("abZürich," + ascii + "end");
    }
}

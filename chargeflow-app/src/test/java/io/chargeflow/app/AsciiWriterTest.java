package io.chargeflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.packet.AddressFormat;
import java.io.ByteArrayOutputStream;
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
    void shouldWriteAddressesAsAddressFormatsStringsAcrossBufferBoundaries() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        try (AsciiWriter out = new AsciiWriter(bytes)) {
            // 4,000 lines of up to 44 bytes: the buffer is flushed along the way, mid-line too
            for (int i = 0; i < 4000; i++) {
                int v4 = random.nextInt();
                long hi = random.nextBoolean() ? random.nextLong() : random.nextLong() & 0xFFFF_0000_FFFF_0000L;
                long lo = random.nextBoolean() ? 0 : random.nextLong();
                int prefix = 1 + random.nextInt(128);
                out.ipv4(v4).write(',').ipv6(hi, lo, prefix).write('\n');
                expected.append(AddressFormat.ipv4(v4))
                        .append(',')
                        .append(AddressFormat.ipv6Prefix(hi, lo, prefix))
                        .append('\n');
            }
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

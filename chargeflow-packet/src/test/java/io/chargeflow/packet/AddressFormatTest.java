package io.chargeflow.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AddressFormatTest {
    @Test
    void shouldWriteDottedQuadsAsInetAddressDoes() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int[] edges = {0, -1, 0x0A000064, 0x7FFFFFFF, 0x80000000, 0x01020304, 0x64646464};
        for (int i = 0; i < 5000; i++) {
            int address = i < edges.length ? edges[i] : random.nextInt();
            String expected = InetAddress.getByAddress(
                            ByteBuffer.allocate(4).putInt(address).array())
                    .getHostAddress();
            assertThat(AddressFormat.ipv4(address)).as("seed %d", seed).isEqualTo(expected);
        }
    }

    @Test
    void shouldCompressAsRfc5952SaysWhenGivenItsExamples() {
        assertThat(AddressFormat.ipv6(0x2001_0db8_0000_0000L, 0x0000_0000_0000_0001L))
                .isEqualTo("2001:db8::1");
        // one zero group is not compressed
        assertThat(AddressFormat.ipv6(0x2001_0db8_0000_0001L, 0x0001_0001_0001_0001L))
                .isEqualTo("2001:db8:0:1:1:1:1:1");
        // the longest run is compressed; of equal runs, the first
        assertThat(AddressFormat.ipv6(0x2001_0000_0000_0001L, 0x0000_0000_0000_0001L))
                .isEqualTo("2001:0:0:1::1");
        assertThat(AddressFormat.ipv6(0x2001_0db8_0000_0000L, 0x0001_0000_0000_0001L))
                .isEqualTo("2001:db8::1:0:0:1");
        assertThat(AddressFormat.ipv6(0, 0)).isEqualTo("::");
        assertThat(AddressFormat.ipv6(0, 1)).isEqualTo("::1");
        assertThat(AddressFormat.ipv6Prefix(-1, -1, 127)).isEqualTo("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/127");
        assertThat(AddressFormat.ipv6Prefix(0x2001_0db8_0001_0002L, 0, 64)).isEqualTo("2001:db8:1:2::/64");
        assertThat(AddressFormat.ipv6Prefix(0x2001_0db8_0001_0002L, 0, 128)).isEqualTo("2001:db8:1:2::");
    }

    @Test
    void shouldWriteIpv6AsAPlainModelOfRfc5952Does() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            // groups drawn from {0, 1, 0xabcd, random} so zero runs of every length and place occur
            int[] groups = new int[8];
            long hi = 0;
            long lo = 0;
            for (int g = 0; g < 8; g++) {
                groups[g] = switch (random.nextInt(4)) {
                    case 0, 1 -> 0;
                    case 2 -> random.nextBoolean() ? 1 : 0xABCD;
                    default -> random.nextInt(0x10000);
                };
                if (g < 4) {
                    hi |= (long) groups[g] << (48 - 16 * g);
                } else {
                    lo |= (long) groups[g] << (48 - 16 * (g - 4));
                }
            }
            int prefix = i % 3 == 0 ? 128 : 1 + random.nextInt(127);
            String expected = model(groups) + (prefix < 128 ? "/" + prefix : "");
            assertThat(AddressFormat.ipv6Prefix(hi, lo, prefix))
                    .as("seed %d", seed)
                    .isEqualTo(expected);
        }
    }

    /** RFC 5952 section 4 spelled out with Strings: lower-case hex, longest zero run of two or more as "::". */
    private static String model(int[] groups) {
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i >= 2 && j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return join(groups, 0, 8);
        }
        return join(groups, 0, bestStart) + "::" + join(groups, bestStart + bestLength, 8);
    }

    private static String join(int[] groups, int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (i > from) {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}

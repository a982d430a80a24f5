package io.chargeflow.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddressPoolsTest {

    @Test
    void shouldContainAddressesInsideThePrefixOnly() {
        AddressPools pools = AddressPools.of(List.of("10.45.0.0/16", "2001:db8:aa::/48", "192.0.2.7"));
        assertThat(pools.containsV4(0x0A2D0001)).isTrue();
        assertThat(pools.containsV4(0x0A2DFFFF)).isTrue();
        assertThat(pools.containsV4(0x0A2E0000)).isFalse();
        assertThat(pools.containsV4(0xC0000207)).isTrue();
        assertThat(pools.containsV4(0xC0000208)).isFalse();
        assertThat(pools.containsV6(0x20010db800aa0001L, 5)).isTrue();
        assertThat(pools.containsV6(0x20010db800ab0000L, 0)).isFalse();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4})
    void shouldContainWhatAPrefixScanContainsWhenManyRandomPrefixesOverlap(long seed) {
        // more than eight prefixes per family: merged ranges and binary search; a scan of the prefixes is the truth
        java.util.Random random = new java.util.Random(seed);
        for (int round = 0; round < 20; round++) {
            int n = 1 + random.nextInt(300);
            List<String> cidrs = new java.util.ArrayList<>();
            int[] v4 = new int[n];
            int[] v4Len = new int[n];
            long[] v6Hi = new long[n];
            int[] v6Len = new int[n];
            for (int i = 0; i < n; i++) {
                // few distinct high bytes, so that prefixes nest, overlap and touch
                v4[i] = (random.nextInt(4) << 24) | random.nextInt(1 << 24);
                v4Len[i] = 4 + random.nextInt(29);
                cidrs.add(((v4[i] >>> 24) & 255) + "." + ((v4[i] >>> 16) & 255) + "." + ((v4[i] >>> 8) & 255) + "."
                        + (v4[i] & 255) + "/" + v4Len[i]);
                v6Hi[i] = ((long) random.nextInt(3) << 62) | (random.nextLong() >>> 8);
                v6Len[i] = 1 + random.nextInt(64);
                cidrs.add(String.format(
                                "%x:%x:%x:%x::",
                                (v6Hi[i] >>> 48) & 0xFFFF,
                                (v6Hi[i] >>> 32) & 0xFFFF,
                                (v6Hi[i] >>> 16) & 0xFFFF,
                                v6Hi[i] & 0xFFFF)
                        + "/" + v6Len[i]);
            }
            java.util.Collections.shuffle(cidrs, random);
            AddressPools pools = AddressPools.of(cidrs);
            for (int k = 0; k < 3000; k++) {
                int i = random.nextInt(n);
                // an address at, inside or just outside one of the prefixes, or anywhere
                int a = switch (random.nextInt(4)) {
                    case 0 -> v4[i] & v4Mask(v4Len[i]);
                    case 1 -> (v4[i] & v4Mask(v4Len[i])) - 1;
                    case 2 -> (v4[i] | ~v4Mask(v4Len[i])) + 1;
                    default -> random.nextInt();
                };
                boolean expected = false;
                for (int j = 0; j < n; j++) {
                    expected |= (a & v4Mask(v4Len[j])) == (v4[j] & v4Mask(v4Len[j]));
                }
                assertThat(pools.containsV4(a))
                        .as("seed %d n %d address %08x", seed, n, a)
                        .isEqualTo(expected);
                long hi = switch (random.nextInt(4)) {
                    case 0 -> v6Hi[i] & v6Mask(v6Len[i]);
                    case 1 -> (v6Hi[i] & v6Mask(v6Len[i])) - 1;
                    case 2 -> (v6Hi[i] | ~v6Mask(v6Len[i])) + 1;
                    default -> random.nextLong();
                };
                long lo = random.nextBoolean() ? 0 : random.nextLong();
                boolean expected6 = false;
                for (int j = 0; j < n; j++) {
                    expected6 |= (hi & v6Mask(v6Len[j])) == (v6Hi[j] & v6Mask(v6Len[j]));
                }
                assertThat(pools.containsV6(hi, lo))
                        .as("seed %d n %d hi %016x", seed, n, hi)
                        .isEqualTo(expected6);
            }
        }
    }

    private static int v4Mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /** The mask of the high 64 bits for a prefix of at most 64 bits. */
    private static long v6Mask(int length) {
        return length == 0 ? 0 : -1L << (64 - length);
    }

    @Test
    void shouldRejectWhenCidrIsMalformed() {
        assertThatThrownBy(() -> AddressPools.of(List.of("10.0.0.0/33")))
                .hasMessageContaining("subscriber-pool=10.0.0.0/33");
        assertThatThrownBy(() -> AddressPools.of(List.of("example.com/8"))).hasMessageContaining("subscriber-pool=");
        assertThatThrownBy(() -> AddressPools.of(List.of("10.0.0.0/x"))).hasMessageContaining("subscriber-pool=");
    }
}

package io.chargeflow.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BoundAddressesTest {

    private static long v4(int a, int b, int c, int d) {
        return SubscriberKeys.ipv4Lo((a << 24) | (b << 16) | (c << 8) | d);
    }

    @Test
    void shouldHoldAddressesAndEveryAddressOfABoundPrefix() {
        long v6 = 0x2001_0db8_0001_0000L;
        BoundAddresses bound = BoundAddresses.of(
                new long[] {0, 0, v6, 0x2001_0db8_0200_0000L, 0},
                new long[] {v4(10, 0, 0, 1), v4(10, 0, 0, 2), 0, 0, v4(10, 0, 0, 1)},
                new int[] {128, 128, 64, 56, 128},
                5);
        assertThat(bound.size()).isEqualTo(5);
        assertThat(bound.containsV4(0x0A00_0001)).isTrue();
        assertThat(bound.containsV4(0x0A00_0002)).isTrue();
        assertThat(bound.containsV4(0x0A00_0003)).isFalse();
        // any address of the /64, and of the delegated /56
        assertThat(bound.contains(v6, 0x1234_5678_9ABC_DEF0L)).isTrue();
        assertThat(bound.contains(v6 + 1, 1)).isFalse();
        assertThat(bound.contains(0x2001_0db8_0200_00FFL, 7)).isTrue();
        assertThat(bound.contains(0x2001_0db8_0201_0000L, 7)).isFalse();
        assertThat(BoundAddresses.EMPTY.containsV4(0x0A00_0001)).isFalse();
        assertThat(BoundAddresses.EMPTY.contains(v6, 1)).isFalse();
    }

    @Test
    void shouldAgreeWithASetOfTheSameAddressesForBoundAndUnboundOnes() {
        Random random = new Random(3);
        int n = 50_000;
        long[] hi = new long[n];
        long[] lo = new long[n];
        int[] length = new int[n];
        Set<Long> v4 = new HashSet<>();
        Set<Long> v6 = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (random.nextBoolean()) {
                int address = random.nextInt();
                lo[i] = SubscriberKeys.ipv4Lo(address);
                length[i] = 128;
                v4.add(lo[i]);
            } else {
                hi[i] = random.nextLong() & ~0xFFFFL;
                length[i] = 64;
                v6.add(hi[i]);
            }
        }
        BoundAddresses bound = BoundAddresses.of(hi, lo, length, n);
        for (int i = 0; i < n; i++) {
            assertThat(bound.contains(hi[i], length[i] == 64 ? random.nextLong() : lo[i]))
                    .isTrue();
        }
        int probes = 0;
        for (int i = 0; i < 200_000; i++) {
            long a = SubscriberKeys.ipv4Lo(random.nextInt());
            assertThat(bound.contains(0, a)).isEqualTo(v4.contains(a));
            long h = random.nextLong();
            assertThat(bound.contains(h, random.nextLong())).isEqualTo(v6.contains(h));
            probes++;
        }
        assertThat(probes).isEqualTo(200_000);
    }
}

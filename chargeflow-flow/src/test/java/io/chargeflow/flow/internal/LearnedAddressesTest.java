package io.chargeflow.flow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.flow.SubscriberKeys;
import org.junit.jupiter.api.Test;

/** A processor's table of what DNS answers taught: per (subscriber, address), in two generations. */
class LearnedAddressesTest {
    private static final long SUBSCRIBER = SubscriberKeys.ipv4Lo(0x0A000001);
    private static final long OTHER = SubscriberKeys.ipv4Lo(0x0A000002);

    private final LearnedAddresses learned = new LearnedAddresses(42, 1 << 19);

    private static long server(int i) {
        return SubscriberKeys.ipv4Lo((203 << 24) | (113 << 8) | i);
    }

    private long[] masks(long subscriber, int... servers) {
        long[] masks = new long[servers.length];
        for (int i = 0; i < servers.length; i++) {
            masks[i] = learned.mask(0, subscriber, 0, server(servers[i]));
        }
        return masks;
    }

    private void learn(long subscriber, long mask, int... servers) {
        for (int s : servers) {
            learned.learn(0, subscriber, 0, server(s), mask);
        }
    }

    @Test
    void shouldHintOnlyTheSubscriberWhoReceivedTheAnswer() {
        learn(SUBSCRIBER, 1, 77);
        assertThat(masks(SUBSCRIBER, 77, 78)).containsExactly(1L, 0L);
        assertThat(masks(OTHER, 77)).containsExactly(0L);
    }

    @Test
    void shouldJoinTheMasksOfEveryAnswerForThePair() {
        learn(SUBSCRIBER, 0b01, 77);
        learn(SUBSCRIBER, 0b100, 77);
        assertThat(masks(SUBSCRIBER, 77)).containsExactly(0b101L);
        assertThat(learned.entriesLearned()).isEqualTo(1);
    }

    @Test
    void shouldTellIpv6AddressesAndSubscribersApart() {
        long hi = 0x2001_0db8_0000_0001L;
        learned.learn(hi, 0, 0x2001_0db8_ffff_0000L, 0x77, 2);
        assertThat(learned.mask(hi, 0, 0x2001_0db8_ffff_0000L, 0x77)).isEqualTo(2);
        assertThat(learned.mask(hi, 0, 0x2001_0db8_ffff_0000L, 0x78)).isZero();
        assertThat(learned.mask(hi + 1, 0, 0x2001_0db8_ffff_0000L, 0x77)).isZero();
    }

    @Test
    void shouldKeepThePreviousGenerationWhenTheCurrentOneFills() {
        learned.capacity(4);
        learn(SUBSCRIBER, 1, 1, 2, 3, 4, 5);
        // 1..4 filled a generation; 5 started the next: all five still hint
        assertThat(masks(SUBSCRIBER, 1, 4, 5)).containsExactly(1L, 1L, 1L);
        assertThat(learned.generationsDropped()).isEqualTo(1);
        learn(SUBSCRIBER, 1, 6, 7, 8, 9);
        // 5..8 filled the next; 9 dropped the oldest (1..4)
        assertThat(masks(SUBSCRIBER, 1, 4, 5, 8, 9)).containsExactly(0L, 0L, 1L, 1L, 1L);
        assertThat(learned.generationsDropped()).isEqualTo(2);
        assertThat(masks(OTHER, 5, 9)).containsExactly(0L, 0L);
    }

    @Test
    void shouldGrowPastItsFirstRowsAndKeepEveryEntry() {
        for (int i = 0; i < 5_000; i++) {
            learned.learn(0, SUBSCRIBER + i, 0, server(i & 0xFF), 1L << (i & 7));
        }
        for (int i = 0; i < 5_000; i++) {
            assertThat(learned.mask(0, SUBSCRIBER + i, 0, server(i & 0xFF))).isEqualTo(1L << (i & 7));
        }
        assertThat(learned.entriesLearned()).isEqualTo(5_000);
        assertThat(learned.generationsDropped()).isZero();
    }
}

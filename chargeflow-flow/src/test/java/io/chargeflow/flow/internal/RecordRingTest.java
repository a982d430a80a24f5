package io.chargeflow.flow.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RecordRingTest {

    @Test
    void shouldRefuseClaimWhenFullAndAcceptAfterRelease() {
        RecordRing ring = new RecordRing(4);
        for (int i = 0; i < 4; i++) {
            int offset = ring.claim();
            assertThat(offset).isEqualTo(i * RecordRing.RECORD_LONGS);
            ring.buffer[offset] = i;
            ring.commit();
        }
        assertThat(ring.claim()).isEqualTo(-1);
        assertThat(ring.available()).isZero();
        ring.publish();
        assertThat(ring.available()).isEqualTo(4);
        assertThat(ring.buffer[ring.offsetOf(2)]).isEqualTo(2);
        ring.release(1);
        assertThat(ring.claim()).isEqualTo(0);
    }

    @Test
    void shouldRejectCapacityWhenNotPowerOfTwo() {
        assertThatThrownBy(() -> new RecordRing(6)).hasMessageContaining("ringCapacity=6");
    }

    @Test
    @Timeout(30)
    void shouldDeliverEveryRecordInOrderWhenProducerAndConsumerRunConcurrently() throws Exception {
        RecordRing ring = new RecordRing(64);
        long count = 2_000_000;
        AtomicLong sum = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Thread consumer = Thread.ofPlatform().start(() -> {
            long expected = 0;
            long total = 0;
            while (true) {
                int n = ring.available();
                if (n == 0) {
                    if (ring.isProducerDone() && ring.available() == 0) {
                        break;
                    }
                    Thread.onSpinWait();
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    int off = ring.offsetOf(i);
                    long v = ring.buffer[off];
                    if (v != expected || ring.buffer[off + 7] != ~v) {
                        errors.incrementAndGet();
                    }
                    expected++;
                    total += v;
                }
                ring.release(n);
            }
            sum.set(total);
        });
        for (long v = 0; v < count; v++) {
            int off;
            while ((off = ring.claim()) < 0) {
                ring.publish();
                Thread.onSpinWait();
            }
            ring.buffer[off] = v;
            ring.buffer[off + 7] = ~v;
            ring.commit();
            if ((v & 15) == 0) {
                ring.publish();
            }
        }
        ring.producerDone();
        consumer.join();
        assertThat(errors.get()).isZero();
        assertThat(sum.get()).isEqualTo(count * (count - 1) / 2);
    }
}

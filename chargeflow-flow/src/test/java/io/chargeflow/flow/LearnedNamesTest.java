package io.chargeflow.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.flow.internal.NameSnifferTest;
import io.chargeflow.flow.internal.RecordLayout;
import io.chargeflow.flow.internal.RecordRing;
import io.chargeflow.testsupport.CaptureBuilder;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reader's table of what DNS answers taught: per subscriber, in two generations. */
class LearnedNamesTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final int SUBSCRIBER = 0x0A000001;
    private static final int OTHER = 0x0A000002;

    private final RecordRing ring = new RecordRing(1024);
    private final FlowManager reader = new FlowManager(
            new FlowContext()
                    .processors(1)
                    .serviceRules(ServiceRules.parse(
                            List.of("video: rg=100 name=*.video.example.com", "default: rg=1"), "rules")),
            new RecordRing[] {ring},
            new Processor[1]);

    private static int server(int i) {
        return (203 << 24) | (113 << 8) | i;
    }

    private static String ip(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
    }

    private void frame(byte[] bytes) {
        reader.onFrame(MemorySegment.ofArray(bytes), 0, bytes.length, bytes.length, T0, 0, 1);
    }

    /** A DNS answer for {@code subscriber} naming a video server at each of {@code servers}. */
    private void answer(int subscriber, int... servers) {
        frame(CaptureBuilder.frame()
                .ethernet()
                .vlan(200)
                .ipv4("9.9.9.9", ip(subscriber))
                .udp(53, 5353)
                .payload(NameSnifferTest.dnsResponse("cdn.video.example.com", servers))
                .build());
    }

    /** The name masks of the records of packets from {@code subscriber} to each of {@code servers}. */
    private List<Long> masks(int subscriber, int... servers) {
        for (int s : servers) {
            frame(CaptureBuilder.frame()
                    .ethernet()
                    .vlan(100)
                    .ipv4(ip(subscriber), ip(s))
                    .tcp(5000, 443, 0x10)
                    .payload(10)
                    .build());
        }
        reader.flush();
        List<Long> masks = new ArrayList<>();
        int n = ring.available();
        for (int i = 0; i < n; i++) {
            int o = ring.offsetOf(i);
            if (RecordLayout.protocol(ring.buffer[o + RecordLayout.META]) == 6) {
                masks.add(ring.buffer[o + RecordLayout.HINT]);
            }
        }
        ring.release(n);
        return masks;
    }

    @Test
    void shouldHintOnlyTheSubscriberWhoReceivedTheAnswer() {
        answer(SUBSCRIBER, server(77));
        assertThat(masks(SUBSCRIBER, server(77), server(78))).containsExactly(1L, 0L);
        assertThat(masks(OTHER, server(77))).containsExactly(0L);
    }

    @Test
    void shouldKeepThePreviousGenerationWhenTheCurrentOneFills() {
        reader.learnedCapacity(4);
        answer(SUBSCRIBER, server(1), server(2), server(3), server(4), server(5));
        // 1..4 filled a generation; 5 started the next: all five still hint
        assertThat(masks(SUBSCRIBER, server(1), server(4), server(5))).containsExactly(1L, 1L, 1L);
        assertThat(reader.learnedGenerationsDropped()).isEqualTo(1);
        answer(SUBSCRIBER, server(6), server(7), server(8), server(9));
        // 5..8 filled the next; 9 dropped the oldest (1..4)
        assertThat(masks(SUBSCRIBER, server(1), server(4), server(5), server(8), server(9)))
                .containsExactly(0L, 0L, 1L, 1L, 1L);
        assertThat(reader.learnedGenerationsDropped()).isEqualTo(2);
        assertThat(masks(OTHER, server(5), server(9))).containsExactly(0L, 0L);
    }
}

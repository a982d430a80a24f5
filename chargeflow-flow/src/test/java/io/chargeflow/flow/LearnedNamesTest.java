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

/** The reader's part of DNS learning: a matched answer's addresses go to the receiver's processor as learn records. */
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

    /** The records the reader published since the last call: {key lo, peer lo, meta, hint} each. */
    private List<long[]> records() {
        reader.flush();
        List<long[]> records = new ArrayList<>();
        int n = ring.available();
        for (int i = 0; i < n; i++) {
            int o = ring.offsetOf(i);
            long[] b = ring.buffer;
            records.add(new long[] {
                b[o + RecordLayout.KEY_LO],
                b[o + RecordLayout.PEER_LO],
                b[o + RecordLayout.META],
                b[o + RecordLayout.HINT]
            });
        }
        ring.release(n);
        return records;
    }

    @Test
    void shouldHandEachAddressOfAMatchedAnswerToTheReceiversProcessorBeforeTheAnswersOwnRecord() {
        answer(SUBSCRIBER, server(77), server(78));
        List<long[]> records = records();
        assertThat(records).hasSize(3);
        for (int i = 0; i < 2; i++) {
            long[] learn = records.get(i);
            assertThat(learn[0]).isEqualTo(SubscriberKeys.ipv4Lo(SUBSCRIBER));
            assertThat(learn[1]).isEqualTo(SubscriberKeys.ipv4Lo(server(77 + i)));
            assertThat(learn[2]).isEqualTo(RecordLayout.LEARN_BIT);
            assertThat(learn[3]).isEqualTo(1L);
        }
        long[] own = records.get(2);
        assertThat(RecordLayout.isLearn(own[2])).isFalse();
        assertThat(RecordLayout.protocol(own[2])).isEqualTo(17);
        assertThat(own[0]).isEqualTo(SubscriberKeys.ipv4Lo(SUBSCRIBER));
        assertThat(reader.learnRecords()).isEqualTo(2);
    }

    @Test
    void shouldSendNoLearnRecordForAnAnswerWhoseQuestionNoRuleNames() {
        frame(CaptureBuilder.frame()
                .ethernet()
                .vlan(200)
                .ipv4("9.9.9.9", ip(SUBSCRIBER))
                .udp(53, 5353)
                .payload(NameSnifferTest.dnsResponse("cdn.audio.example.com", server(77)))
                .build());
        List<long[]> records = records();
        assertThat(records).hasSize(1);
        assertThat(RecordLayout.isLearn(records.get(0)[2])).isFalse();
        assertThat(reader.learnRecords()).isZero();
    }
}

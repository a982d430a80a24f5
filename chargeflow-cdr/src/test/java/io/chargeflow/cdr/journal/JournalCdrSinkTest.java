package io.chargeflow.cdr.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal sink batches encoded records until it is flushed, and keeps the order it got them in. */
class JournalCdrSinkTest {
    @TempDir
    Path dir;

    private static byte[] record(int i, int length) {
        byte[] b = new byte[length];
        for (int k = 0; k < length; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        return b;
    }

    @Test
    void shouldHoldEncodedRecordsBackUntilFlushedAndJournalThemInOrder() throws Exception {
        List<byte[]> expected = new ArrayList<>();
        try (JournalWriter w = JournalWriter.open(JournalContext.defaults(dir, AckListener.NONE))) {
            JournalCdrSink sink = new JournalCdrSink(w);
            // the scratch array is longer than the record: only [0, length) counts, and it may change after the call
            byte[] scratch = new byte[512];
            for (int i = 0; i < 3; i++) {
                byte[] r = record(i, 100 + i);
                System.arraycopy(r, 0, scratch, 0, r.length);
                sink.onEncoded(scratch, r.length);
                java.util.Arrays.fill(scratch, (byte) 0);
                expected.add(r);
            }
            assertThat(sink.pending()).isEqualTo(3);
            w.sync();
            assertThat(w.durableSequence()).isZero();
            sink.flush();
            assertThat(sink.pending()).isZero();
            w.sync();
            assertThat(w.durableSequence()).isEqualTo(3);
            sink.flush();
            w.sync();
            assertThat(w.durableSequence()).isEqualTo(3);
        }
        assertThat(JournalWriterTest.payloads(dir))
                .usingElementComparator(java.util.Arrays::compare)
                .containsExactlyElementsOf(expected);
    }

    @Test
    void shouldHandOnAFullBatchAndSendARecordLargerThanABatchAlone() throws Exception {
        List<byte[]> expected = new ArrayList<>();
        try (JournalWriter w = JournalWriter.open(JournalContext.defaults(dir, AckListener.NONE))) {
            JournalCdrSink sink = new JournalCdrSink(w);
            int size = 1000;
            int fit = JournalCdrSink.BATCH_BYTES / (size + 4);
            for (int i = 0; i <= fit; i++) {
                byte[] r = record(i, size);
                sink.onEncoded(r, r.length);
                expected.add(r);
            }
            // the record after a full batch handed the batch on and started the next
            assertThat(sink.pending()).isEqualTo(1);
            byte[] large = record(99, JournalCdrSink.BATCH_BYTES);
            sink.onEncoded(large, large.length);
            expected.add(large);
            assertThat(sink.pending()).isZero();
            w.sync();
            assertThat(w.durableSequence()).isEqualTo(fit + 2);
        }
        assertThat(JournalWriterTest.payloads(dir))
                .usingElementComparator(java.util.Arrays::compare)
                .containsExactlyElementsOf(expected);
    }

    @Test
    void shouldJournalABatchBeforeARecordObjectThatComesAfterIt() throws Exception {
        try (JournalWriter w = JournalWriter.open(JournalContext.defaults(dir, AckListener.NONE))) {
            JournalCdrSink sink = new JournalCdrSink(w);
            byte[] first = io.chargeflow.cdr.CdrCodec.encode(io.chargeflow.cdr.CdrFixtures.example(1, 1));
            sink.onEncoded(first, first.length);
            sink.onCdr(io.chargeflow.cdr.CdrFixtures.example(2, 1));
            w.sync();
            assertThat(w.durableSequence()).isEqualTo(2);
        }
        List<byte[]> frames = JournalWriterTest.payloads(dir);
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0))
                .isEqualTo(io.chargeflow.cdr.CdrCodec.encode(io.chargeflow.cdr.CdrFixtures.example(1, 1)));
        assertThat(frames.get(1))
                .isEqualTo(io.chargeflow.cdr.CdrCodec.encode(io.chargeflow.cdr.CdrFixtures.example(2, 1)));
    }
}

package io.chargeflow.cdr.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalWriterTest {
    @TempDir
    Path dir;

    private final List<Long> acked = java.util.Collections.synchronizedList(new ArrayList<>());

    private JournalContext context() {
        return JournalContext.defaults(dir, (seq, type, attachment) -> acked.add(seq));
    }

    private static byte[] payload(int i) {
        byte[] b = new byte[10 + i % 30];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) (i + k);
        }
        return b;
    }

    private static List<Long> sequences(Path dir) {
        List<Long> seen = new ArrayList<>();
        JournalScanner.scan(dir, 1, true, (seq, type, p, f, o) -> seen.add(seq));
        return seen;
    }

    private void write(JournalContext ctx, int from, int count) throws Exception {
        try (JournalWriter w = JournalWriter.open(ctx)) {
            for (int i = from; i < from + count; i++) {
                w.append((byte) 1, payload(i), null);
            }
            w.sync();
        }
    }

    @Test
    void shouldAcknowledgeInOrderOnlyAfterFsyncWhenRecordsAreAppended() throws Exception {
        try (JournalWriter w = JournalWriter.open(context())) {
            for (int i = 0; i < 1000; i++) {
                w.append((byte) 1, payload(i), i);
            }
            w.sync();
            assertThat(w.durableSequence()).isEqualTo(1000);
            assertThat(w.batches()).isBetween(1L, 1000L);
        }
        assertThat(acked).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(acked.get(i)).isEqualTo(i + 1L);
        }
        List<byte[]> payloads = new ArrayList<>();
        ScanReport report = JournalScanner.scan(dir, 1, true, (seq, type, p, f, o) -> {
            byte[] b = new byte[p.remaining()];
            p.get(b);
            payloads.add(b);
            return true;
        });
        assertThat(report.frames()).isEqualTo(1000);
        assertThat(report.damages()).isEmpty();
        assertThat(payloads.get(999)).isEqualTo(payload(999));
    }

    @Test
    void shouldAssignGapFreeSequencesInAckOrderWhenManyProducersAppend() throws Exception {
        int producers = 4;
        int perProducer = 5_000;
        List<Object> attachments = java.util.Collections.synchronizedList(new ArrayList<>());
        JournalContext ctx = JournalContext.defaults(dir, (seq, type, attachment) -> {
                    acked.add(seq);
                    attachments.add(attachment);
                })
                .withCommitWindowNanos(100_000);
        try (JournalWriter w = JournalWriter.open(ctx)) {
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        try {
                            w.append((byte) 1, payload(i), producer * 1_000_000 + i);
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            w.sync();
            assertThat(w.batches()).isLessThan(producers * perProducer);
        }
        assertThat(acked)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, producers * perProducer)
                        .boxed()
                        .toList());
        assertThat(attachments).doesNotHaveDuplicates().hasSize(producers * perProducer);
        for (int p = 0; p < producers; p++) {
            int producer = p;
            List<Integer> own = attachments.stream()
                    .map(a -> (Integer) a)
                    .filter(a -> a / 1_000_000 == producer)
                    .toList();
            // each producer's records keep their order in the journal
            assertThat(own).isSorted().hasSize(perProducer);
        }
        assertThat(sequences(dir)).hasSize(producers * perProducer);
    }

    @Test
    void shouldContinueSequenceWhenReopened() throws Exception {
        write(context(), 0, 10);
        try (JournalWriter w = JournalWriter.open(context())) {
            assertThat(w.recovery().lastSequence()).isEqualTo(10);
            assertThat(w.recovery().truncated()).isNull();
            w.append((byte) 1, payload(1), null);
            w.sync();
            assertThat(w.durableSequence()).isEqualTo(11);
        }
        assertThat(sequences(dir)).hasSize(11).last().isEqualTo(11L);
    }

    @Test
    void shouldRotateSegmentsWhenSizeIsReached() throws Exception {
        write(context().withSegmentSizeBytes(4096), 0, 500);
        List<Path> segments = JournalScanner.segments(dir);
        assertThat(segments.size()).isGreaterThan(5);
        assertThat(segments.getFirst().getFileName().toString()).isEqualTo("segment-00000000000000000001.cfj");
        for (Path s : segments) {
            assertThat(Files.size(s)).isLessThanOrEqualTo(4096);
        }
        assertThat(sequences(dir)).hasSize(500).last().isEqualTo(500L);
    }

    @Test
    void shouldSleepWhileIdleAndStillWriteAtOnceWhenRecordsCome() throws Exception {
        try (JournalWriter w = JournalWriter.open(context())) {
            w.append((byte) 1, payload(1), null);
            w.sync();
            Thread.sleep(300);
            // polling every millisecond, an idle writer woke about 300 times here
            assertThat(w.idleWakeups()).isLessThanOrEqualTo(2);
            w.append((byte) 1, payload(2), null);
            w.sync();
            assertThat(w.durableSequence()).isEqualTo(2);
        }
        assertThat(sequences(dir)).containsExactly(1L, 2L);
    }

    @Test
    void shouldCloseCleanlyWhileTheWriterIsStillWritingItsLastBatch() throws Exception {
        // close right after the last append, with the writer busy: its loop may end before close wakes it, and the
        // wake-up left in the queue once made close report records "offered while closing" that were all written
        int rounds = 150;
        int perRound = 40;
        for (int r = 0; r < rounds; r++) {
            JournalWriter w = JournalWriter.open(context());
            for (int i = 0; i < perRound; i++) {
                w.append((byte) 1, payload(i), null);
            }
            w.close();
        }
        List<Long> expected = new ArrayList<>();
        for (long seq = 1; seq <= (long) rounds * perRound; seq++) {
            expected.add(seq);
        }
        assertThat(sequences(dir)).isEqualTo(expected);
    }

    @Test
    void shouldCloseCleanlyWhenTheWriterEndedBeforeCloseWokeIt() throws Exception {
        JournalWriter w = JournalWriter.open(context());
        w.append((byte) 1, payload(1), null);
        w.sync();
        // the writer sees the stop and an empty queue and ends before close puts its wake-up on the queue
        w.beforeWake = () -> {
            try {
                w.awaitWriterThread();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        w.close();
        assertThat(sequences(dir)).containsExactly(1L);
    }

    @Test
    void shouldRotateSegmentsWhenAgeIsReached() throws Exception {
        AtomicLong clock = new AtomicLong(1_000);
        JournalContext ctx = context().withSegmentMaxAgeMs(60_000).withClockMs(clock::get);
        try (JournalWriter w = JournalWriter.open(ctx)) {
            w.append((byte) 1, payload(1), null);
            w.sync();
            clock.set(61_000);
            w.append((byte) 1, payload(2), null);
            w.sync();
        }
        assertThat(JournalScanner.segments(dir))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("segment-00000000000000000001.cfj", "segment-00000000000000000002.cfj");
    }

    @Test
    void shouldTruncateTornTailAndReportItWhenReopened() throws Exception {
        write(context(), 0, 20);
        Path segment = JournalScanner.segments(dir).getLast();
        long goodSize = Files.size(segment);
        // a frame header promising 100 bytes, then only part of it: a write cut short by the crash
        ByteBuffer torn = ByteBuffer.allocate(30)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(100)
                .putInt(7);
        Files.write(segment, torn.array(), StandardOpenOption.APPEND);

        try (JournalWriter w = JournalWriter.open(context())) {
            RecoveryReport r = w.recovery();
            assertThat(r.lastSequence()).isEqualTo(20);
            assertThat(r.truncatedBytes()).isEqualTo(30);
            assertThat(r.truncated().offset()).isEqualTo(goodSize);
            assertThat(r.truncated().file()).isEqualTo(segment);
            assertThat(r.describe())
                    .contains("truncated 30 bytes of torn tail in " + segment + " at offset=" + goodSize);
            w.append((byte) 1, payload(5), null);
            w.sync();
        }
        assertThat(sequences(dir)).hasSize(21);
    }

    @Test
    void shouldTreatZeroFilledTailAsTornWhenReopened() throws Exception {
        write(context(), 0, 3);
        Path segment = JournalScanner.segments(dir).getLast();
        Files.write(segment, new byte[4096], StandardOpenOption.APPEND);
        try (JournalWriter w = JournalWriter.open(context())) {
            assertThat(w.recovery().truncatedBytes()).isEqualTo(4096);
        }
    }

    @Test
    void shouldRefuseToOpenAndNameFileAndOffsetWhenMiddleRecordIsCorrupt() throws Exception {
        write(context(), 0, 50);
        Path segment = JournalScanner.segments(dir).getLast();
        long offset = offsetOf(segment, 10);
        long nextOffset = offsetOf(segment, 11);
        flipByte(segment, offset + 24);

        assertThatThrownBy(() -> JournalWriter.open(context()))
                .isInstanceOf(JournalCorruptedException.class)
                .hasMessageContaining("DAMAGE in " + segment + " at offset=" + offset + ": CRC32C mismatch");
        // the good records before it are still readable; a stopping scan never skips past the damage
        assertThat(sequences(dir)).hasSize(9).last().isEqualTo(9L);
        // a resynchronising scan reports the damage and counts the records after it
        ScanReport all = JournalScanner.scan(dir, 1, false, (s, t, p, f, o) -> true);
        assertThat(all.frames()).isEqualTo(49);
        assertThat(all.damages()).extracting(JournalDamage::offset).containsExactly(offset, nextOffset);
        assertThat(all.damages().get(1).reason()).isEqualTo("gap: sequence=11 expected=10");
    }

    @Test
    void shouldDeleteSegmentWhoseHeaderNeverBecameDurableWhenReopened() throws Exception {
        write(context(), 0, 5);
        Path half = dir.resolve(JournalDescriptor.segmentName(6));
        Files.write(half, new byte[] {0x43, 0x46});
        try (JournalWriter w = JournalWriter.open(context())) {
            assertThat(w.recovery().truncated().offset()).isZero();
            assertThat(w.recovery().lastSequence()).isEqualTo(5);
        }
        assertThat(half).doesNotExist();
    }

    /** Records as {@link JournalWriter#appendBatch} takes them: a little-endian length before each payload. */
    static byte[] batchOf(byte[]... payloads) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : payloads) {
            out.write(p.length);
            out.write(p.length >>> 8);
            out.write(p.length >>> 16);
            out.write(p.length >>> 24);
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The payload of every valid frame of the journal in {@code dir}, in order. */
    static List<byte[]> payloads(Path dir) {
        List<byte[]> seen = new ArrayList<>();
        JournalScanner.scan(dir, 1, true, (seq, type, p, f, o) -> {
            byte[] b = new byte[p.remaining()];
            p.get(b);
            return seen.add(b);
        });
        return seen;
    }

    @Test
    void shouldFrameEachRecordOfABatchUnderItsOwnSequenceBetweenSingleRecords() throws Exception {
        List<Object> attachments = java.util.Collections.synchronizedList(new ArrayList<>());
        JournalContext ctx = JournalContext.defaults(dir, (seq, type, attachment) -> {
            acked.add(seq);
            attachments.add(attachment);
        });
        try (JournalWriter w = JournalWriter.open(ctx)) {
            w.append((byte) 1, payload(0), "first");
            byte[] four = batchOf(payload(1), payload(2), new byte[0], payload(3));
            w.appendBatch((byte) 1, four, four.length, 4, null);
            w.append((byte) 1, payload(4), "last");
            w.sync();
            assertThat(w.durableSequence()).isEqualTo(6);
        }
        assertThat(acked).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        List<byte[]> frames = payloads(dir);
        assertThat(frames).hasSize(6);
        byte[][] expected = {payload(0), payload(1), payload(2), new byte[0], payload(3), payload(4)};
        for (int i = 0; i < 6; i++) {
            assertThat(frames.get(i)).as("record %d", i).isEqualTo(expected[i]);
        }
        // a batched record's attachment is a copy of its payload
        assertThat(attachments.get(0)).isEqualTo("first");
        assertThat((byte[]) attachments.get(2)).isEqualTo(payload(2));
        assertThat((byte[]) attachments.get(3)).isEmpty();
        assertThat(attachments.get(5)).isEqualTo("last");
    }

    @Test
    void shouldWriteOnlyTheBatchsLengthAndGiveTheArrayBackOnceDurable() throws Exception {
        byte[] two = batchOf(payload(1), payload(2));
        byte[] array = java.util.Arrays.copyOf(two, two.length + 100);
        java.util.Arrays.fill(array, two.length, array.length, (byte) 0x55);
        List<byte[]> recycled = java.util.Collections.synchronizedList(new ArrayList<>());
        try (JournalWriter w = JournalWriter.open(context())) {
            w.appendBatch((byte) 1, array, two.length, 2, recycled::add);
            w.sync();
            assertThat(w.durableSequence()).isEqualTo(2);
        }
        assertThat(recycled).hasSize(1);
        assertThat(recycled.getFirst()).isSameAs(array);
        List<byte[]> frames = payloads(dir);
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0)).isEqualTo(payload(1));
        assertThat(frames.get(1)).isEqualTo(payload(2));
    }

    /** Holds the writer before it writes its next batch: {@code held} counts down then, {@code release} lets it on. */
    private static void hold(
            JournalWriter w, java.util.concurrent.CountDownLatch held, java.util.concurrent.CountDownLatch release) {
        w.beforeWrite = () -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** A batch of {@code count} records of {@code size} bytes each (record i filled with byte i). */
    private static byte[] bigBatch(int count, int size) {
        byte[] records = new byte[count * (4 + size)];
        for (int i = 0, at = 0; i < count; i++, at += 4 + size) {
            ByteBuffer.wrap(records, at, 4)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .putInt(size);
            java.util.Arrays.fill(records, at + 4, at + 4 + size, (byte) i);
        }
        return records;
    }

    @Test
    void shouldHoldProducersBackWhileTheBoundOfQueuedBytesIsReachedAndLetThemOnAsTheWriterCatchesUp() throws Exception {
        // batches of just over an eighth of the bound: seven fit, the eighth must wait until the writer wrote some
        int size = 64 * 1024 - 4;
        int perBatch = (int) (JournalWriter.MAX_QUEUED_BYTES / 8 / (4 + size)) + 1;
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (JournalWriter w = JournalWriter.open(context())) {
            hold(w, held, release);
            java.util.concurrent.atomic.AtomicInteger appended = new java.util.concurrent.atomic.AtomicInteger();
            Thread producer = Thread.ofPlatform().start(() -> {
                try {
                    for (int b = 0; b < 9; b++) {
                        byte[] batch = bigBatch(perBatch, size);
                        w.appendBatch((byte) 1, batch, batch.length, perBatch, null);
                        appended.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                assertThat(held.await(10, java.util.concurrent.TimeUnit.SECONDS))
                        .isTrue();
                // the writer took the first batch and is held before writing it: its bytes still count as queued
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (appended.get() < 7 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(300);
                assertThat(appended.get()).isEqualTo(7);
                assertThat(producer.isAlive()).isTrue();
                assertThat(w.durableSequence()).isZero();
            } finally {
                // a failed check must not leave the writer held (closing the journal would wait for it)
                release.countDown();
            }
            producer.join(20_000);
            assertThat(producer.isAlive()).isFalse();
            assertThat(appended.get()).isEqualTo(9);
            w.sync();
            assertThat(w.durableSequence()).isEqualTo(9L * perBatch);
        }
        List<Long> seen = sequences(dir);
        assertThat(seen).hasSize(9 * perBatch);
        assertThat(seen.getLast()).isEqualTo(9L * perBatch);
    }

    @Test
    void shouldRefuseAnOfferWhileMoreThanTheBoundIsQueuedButLetOneBatchLargerThanItIntoAnEmptyQueue() throws Exception {
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (JournalWriter w = JournalWriter.open(context())) {
            hold(w, held, release);
            // one batch over the bound is let in (the queue was empty: it cannot wait for less)
            int size = 1 << 20;
            int count = (int) (JournalWriter.MAX_QUEUED_BYTES / (4 + size)) + 2;
            byte[] huge = bigBatch(count, size);
            w.appendBatch((byte) 1, huge, huge.length, count, null);
            try {
                assertThat(held.await(10, java.util.concurrent.TimeUnit.SECONDS))
                        .isTrue();
                assertThat(w.offer((byte) 1, payload(1), null)).isFalse();
            } finally {
                release.countDown();
            }
            w.sync();
            assertThat(w.offer((byte) 1, payload(2), null)).isTrue();
            w.sync();
            assertThat(w.durableSequence()).isEqualTo(count + 1L);
        }
    }

    @Test
    void shouldRefuseABatchWhoseLengthsDoNotFitItsBytes() throws Exception {
        try (JournalWriter w = JournalWriter.open(context())) {
            byte[] records = batchOf(payload(1), payload(2));
            assertThatThrownBy(() -> w.appendBatch((byte) 1, records, records.length, 3, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("batch of 3 records ends after 2");
            records[records.length - payload(2).length - 4] = (byte) 0x7F;
            assertThatThrownBy(() -> w.appendBatch((byte) 1, records, records.length, 2, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("record 1 of the batch has payloadLength=127");
            w.sync();
            assertThat(w.durableSequence()).isZero();
        }
    }

    @Test
    void shouldFailFastWhenPayloadIsTooLarge() throws Exception {
        try (JournalWriter w = JournalWriter.open(context())) {
            assertThatThrownBy(() -> w.offer((byte) 1, new byte[(1 << 20) + 1], null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("payloadLength=1048577 exceeds 1048576");
        }
    }

    static long offsetOf(Path segment, long sequence) {
        long[] found = {-1};
        JournalScanner.scan(segment.getParent(), 1, true, (seq, t, p, f, o) -> {
            if (seq == sequence) {
                found[0] = o;
                return false;
            }
            return true;
        });
        return found[0];
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0xFF);
        }
    }
}

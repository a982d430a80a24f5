package io.chargeflow.cdr.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chargeflow.cdr.CdrFixtures;
import io.chargeflow.cdr.journal.AckListener;
import io.chargeflow.cdr.journal.JournalCdrSink;
import io.chargeflow.cdr.journal.JournalContext;
import io.chargeflow.cdr.journal.JournalCorruptedException;
import io.chargeflow.cdr.journal.JournalScanner;
import io.chargeflow.cdr.journal.JournalWriter;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalExporterTest {
    private static final Pattern SEQ = Pattern.compile("^\\{\"localSequenceNumber\":(\\d+),");

    @TempDir
    Path tmp;

    private Path journal() {
        return tmp.resolve("journal");
    }

    private Path out() {
        return tmp.resolve("export");
    }

    private void writeCdrs(int from, int count) throws Exception {
        try (JournalWriter w = JournalWriter.open(JournalContext.defaults(journal(), AckListener.NONE))) {
            JournalCdrSink sink = new JournalCdrSink(w);
            for (int i = from; i < from + count; i++) {
                sink.onCdr(CdrFixtures.example(i, 1));
            }
            w.sync();
        }
    }

    /** Every localSequenceNumber in the export, in file order (closed files, then the open part). */
    static List<Long> exportedSequences(Path out) throws Exception {
        List<Long> seqs = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.filter(
                            p -> p.toString().endsWith(".jsonl") || p.toString().endsWith(".jsonl.part"))
                    .sorted()
                    .toList();
        }
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) {
                Matcher m = SEQ.matcher(line);
                assertThat(m.find()).as("line %s", line).isTrue();
                seqs.add(Long.parseLong(m.group(1)));
            }
        }
        return seqs;
    }

    @Test
    void shouldExportRotatedFilesWithManifestWhenRecordsExceedFileSize() throws Exception {
        writeCdrs(1, 25);
        try (JournalExporter e = JournalExporter.open(journal(), out(), CdrFormat.JSONL, 10)) {
            assertThat(e.exportUpTo(Long.MAX_VALUE)).isEqualTo(25);
            assertThat(e.position()).isEqualTo(25);
            e.finish();
            assertThat(e.manifest())
                    .extracting(ManifestEntry::file)
                    .containsExactly("cdr-000001.jsonl", "cdr-000002.jsonl", "cdr-000003.jsonl");
            assertThat(e.manifest()).extracting(ManifestEntry::count).containsExactly(10L, 10L, 5L);
            assertThat(e.manifest()).extracting(ManifestEntry::lastSequence).containsExactly(10L, 20L, 25L);
            ManifestEntry first = e.manifest().getFirst();
            assertThat(first.firstSequence()).isEqualTo(1);
            assertThat(first.sha256()).isEqualTo(JournalExporter.sha256(out().resolve("cdr-000001.jsonl")));
        }
        assertThat(Files.readAllLines(out().resolve("manifest.csv")).getFirst())
                .isEqualTo("file,firstSequence,lastSequence,count,sha256");
        assertThat(exportedSequences(out()))
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, 25).boxed().toList());
    }

    @Test
    void shouldNotExportBeyondGivenSequenceWhenWriterIsAhead() throws Exception {
        writeCdrs(1, 8);
        try (JournalExporter e = JournalExporter.open(journal(), out(), CdrFormat.JSONL, 100)) {
            assertThat(e.exportUpTo(5)).isEqualTo(5);
            assertThat(e.exportUpTo(5)).isZero();
            assertThat(e.exportUpTo(8)).isEqualTo(3);
        }
        assertThat(exportedSequences(out())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    @Test
    void shouldDropUncommittedRowsAndResumeExactlyWhenRestartedAfterCrash() throws Exception {
        writeCdrs(1, 12);
        try (JournalExporter e = JournalExporter.open(journal(), out(), CdrFormat.JSONL, 100)) {
            e.exportUpTo(7);
        }
        // the crash: rows for 8 and 9 reached the file but the position was never committed
        Path part = out().resolve("cdr-000001.jsonl.part");
        Files.writeString(
                part, "{\"localSequenceNumber\":8,\"x\":1}\n{\"localSequenceNumber\":9,", StandardOpenOption.APPEND);
        try (JournalExporter e = JournalExporter.open(journal(), out(), CdrFormat.JSONL, 100)) {
            assertThat(e.position()).isEqualTo(7);
            assertThat(e.exportUpTo(Long.MAX_VALUE)).isEqualTo(5);
        }
        assertThat(exportedSequences(out()))
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, 12).boxed().toList());
    }

    @Test
    void shouldCompleteRotationWhenCrashHappenedBetweenRenameAndManifest() throws Exception {
        writeCdrs(1, 6);
        try (JournalExporter e = JournalExporter.open(journal(), out(), CdrFormat.CSV, 100)) {
            e.exportUpTo(6);
        }
        // the crash: the full part file was renamed, the manifest and position not yet updated
        Files.move(out().resolve("cdr-000001.csv.part"), out().resolve("cdr-000001.csv"));
        writeCdrs(7, 2);
        try (JournalExporter e = JournalExporter.open(journal(), out(), CdrFormat.CSV, 100)) {
            assertThat(e.manifest())
                    .containsExactly(new ManifestEntry(
                            "cdr-000001.csv", 1, 6, 6, JournalExporter.sha256(out().resolve("cdr-000001.csv"))));
            assertThat(e.exportUpTo(Long.MAX_VALUE)).isEqualTo(2);
        }
        List<String> second = Files.readAllLines(out().resolve("cdr-000002.csv.part"));
        assertThat(second).hasSize(5); // header + two containers per record
        assertThat(second.getFirst()).isEqualTo(CdrFormat.CSV.header());
        assertThat(second.get(1)).startsWith("7,85,001010000000001,491700000001,10.0.0.1,7,node-1,");
    }

    @Test
    void shouldStopAtDamageAndKeepRecordsBeforeItWhenJournalIsCorrupt() throws Exception {
        writeCdrs(1, 10);
        Path segment = JournalScanner.segments(journal()).getFirst();
        long[] offset = {0};
        JournalScanner.scan(journal(), 6, true, (s, t, p, f, o) -> {
            offset[0] = o;
            return false;
        });
        try (RandomAccessFile raf = new RandomAccessFile(segment.toFile(), "rw")) {
            raf.seek(offset[0] + 30);
            raf.write(0x5A);
        }
        try (JournalExporter e = JournalExporter.open(journal(), out(), CdrFormat.JSONL, 100)) {
            assertThatThrownBy(() -> e.exportUpTo(Long.MAX_VALUE))
                    .isInstanceOf(JournalCorruptedException.class)
                    .hasMessageContaining("DAMAGE in " + segment + " at offset=" + offset[0]);
            assertThat(e.position()).isEqualTo(5);
        }
        assertThat(exportedSequences(out())).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void shouldStopBeforeUndecodableCdrAndCommitRecordsBeforeItWhenPayloadIsBad() throws Exception {
        try (JournalWriter w = JournalWriter.open(JournalContext.defaults(journal(), AckListener.NONE))) {
            JournalCdrSink sink = new JournalCdrSink(w);
            sink.onCdr(CdrFixtures.example(1, 1));
            sink.onCdr(CdrFixtures.example(2, 1));
            w.append(io.chargeflow.cdr.CdrCodec.FRAME_TYPE, new byte[] {1, 85, 3, 0}, null); // cause 3 is unknown
            sink.onCdr(CdrFixtures.example(4, 1));
            w.sync();
        }
        try (JournalExporter e = JournalExporter.open(journal(), out(), CdrFormat.JSONL, 100)) {
            assertThatThrownBy(() -> e.exportUpTo(Long.MAX_VALUE))
                    .isInstanceOf(JournalCorruptedException.class)
                    .hasMessageContaining("undecodable CDR sequence=3");
            assertThat(e.position()).isEqualTo(2);
            assertThatThrownBy(() -> e.exportUpTo(Long.MAX_VALUE)).isInstanceOf(JournalCorruptedException.class);
            assertThat(e.position()).isEqualTo(2);
        }
        assertThat(exportedSequences(out())).containsExactly(1L, 2L);
    }

    @Test
    void shouldExportEachRecordOnceWhenCalledRepeatedlyAcrossSegmentRotations() throws Exception {
        List<Long> expected = new ArrayList<>();
        try (JournalWriter w = JournalWriter.open(
                        JournalContext.defaults(journal(), AckListener.NONE).withSegmentSizeBytes(4096));
                JournalExporter e = JournalExporter.open(journal(), out(), CdrFormat.JSONL, 7)) {
            JournalCdrSink sink = new JournalCdrSink(w);
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 5; i++) {
                    sink.onCdr(CdrFixtures.example(round * 10 + i, 1));
                    expected.add((long) expected.size() + 1);
                }
                w.sync();
                assertThat(e.exportUpTo(w.durableSequence())).isEqualTo(5);
            }
            assertThat(JournalScanner.segments(journal()).size()).isGreaterThan(3);
        }
        assertThat(exportedSequences(out())).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldRefuseToOpenWhenJournalEndsBeforeCommittedPosition() throws Exception {
        writeCdrs(1, 10);
        try (JournalExporter e = JournalExporter.open(journal(), out(), CdrFormat.JSONL, 100)) {
            e.exportUpTo(10);
        }
        Path segment = JournalScanner.segments(journal()).getLast();
        long[] offset = {0};
        JournalScanner.scan(journal(), 7, true, (s, t, p, f, o) -> {
            offset[0] = o;
            return false;
        });
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(offset[0]); // cut exactly at a frame boundary: the journal alone cannot tell
        }
        assertThatThrownBy(() -> JournalExporter.open(journal(), out(), CdrFormat.JSONL, 100))
                .isInstanceOf(JournalCorruptedException.class)
                .hasMessageContaining("journal ends at sequence=6 but exporter outDir=" + out()
                        + " committed position=10: records were lost from the journal");
    }
}

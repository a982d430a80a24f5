package io.chargeflow.cdr.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.cdr.CauseForRecClosing;
import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.CdrFixtures;
import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.journal.AckListener;
import io.chargeflow.cdr.journal.JournalContext;
import io.chargeflow.cdr.journal.JournalScanner;
import io.chargeflow.cdr.journal.JournalWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdrCommandsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private void write(PgwRecord... cdrs) throws Exception {
        try (JournalWriter w = JournalWriter.open(JournalContext.defaults(dir, AckListener.NONE))) {
            for (PgwRecord cdr : cdrs) {
                w.append(CdrCodec.FRAME_TYPE, CdrCodec.encode(cdr), null);
            }
            w.sync();
        }
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintCountAndExitZeroWhenJournalIsClean() throws Exception {
        write(CdrFixtures.example(1, 1), CdrFixtures.example(1, 2), CdrFixtures.example(2, 1));
        assertThat(CdrCommands.verify(dir, out, err)).isZero();
        assertThat(out())
                .isEqualTo("segments=1 records=3 cdrs=3 otherFrames=0 firstSequence=1 lastSequence=3 gaps=0 "
                        + "duplicates=0 damaged=0 sessionChainProblems=0\nOK\n");
    }

    @Test
    void shouldReportSessionChainDuplicateWhenRecordSequenceRepeats() throws Exception {
        write(CdrFixtures.example(1, 1), CdrFixtures.example(1, 1), CdrFixtures.example(1, 3));
        assertThat(CdrCommands.verify(dir, out, err)).isEqualTo(1);
        assertThat(out())
                .contains("duplicate in session chain chargingID=1 recordSequenceNumber=1 expected=2")
                .contains("gap in session chain chargingID=1 recordSequenceNumber=3 expected=2")
                .contains("sessionChainProblems=2")
                .endsWith("PROBLEMS FOUND\n");
    }

    @Test
    void shouldReportFileAndOffsetAndExitNonZeroWhenFrameIsDamaged() throws Exception {
        write(CdrFixtures.example(1, 1), CdrFixtures.example(2, 1), CdrFixtures.example(3, 1));
        Path segment = JournalScanner.segments(dir).getFirst();
        long[] offset = {0};
        JournalScanner.scan(dir, 2, true, (s, t, p, f, o) -> {
            offset[0] = o;
            return false;
        });
        try (RandomAccessFile raf = new RandomAccessFile(segment.toFile(), "rw")) {
            raf.seek(offset[0] + 40);
            raf.write(0x33);
        }
        assertThat(CdrCommands.verify(dir, out, err)).isEqualTo(1);
        assertThat(out())
                .contains("DAMAGE in " + segment + " at offset=" + offset[0] + ": CRC32C mismatch")
                .contains("gap: sequence=3 expected=2")
                .contains("records=2 cdrs=2");

        ByteArrayOutputStream dumpOut = new ByteArrayOutputStream();
        int code = CdrCommands.dump(dir, CdrFormat.JSONL, new PrintStream(dumpOut, true, StandardCharsets.UTF_8), err);
        assertThat(code).isEqualTo(1);
        assertThat(dumpOut.toString(StandardCharsets.UTF_8).lines().count()).isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("at offset=" + offset[0]);
    }

    @Test
    void shouldDumpJsonLinesWithSpecNamesWhenAsked() throws Exception {
        write(CdrFixtures.example(5, 2));
        assertThat(CdrCommands.dump(dir, CdrFormat.JSONL, out, err)).isZero();
        assertThat(out())
                .isEqualTo("{\"localSequenceNumber\":1,\"recordType\":85,\"servedIMSI\":\"001010000000001\","
                        + "\"servedMSISDN\":\"491700000001\",\"servedPDPPDNAddress\":\"10.0.0.1\",\"chargingID\":5,"
                        + "\"nodeID\":\"node-1\",\"recordOpeningTimeMs\":1700000000000,\"durationMs\":60000,"
                        + "\"causeForRecClosing\":{\"code\":0,\"name\":\"normalRelease\"},\"recordSequenceNumber\":2,"
                        + "\"chargingSide\":\"subscriber\",\"subscriberKey\":\"00000000000000010000000000000002\","
                        + "\"subscriberId\":42,\"account\":\"acct, \\\"quoted\\\"\",\"plan\":\"basic\",\"peerToPeer\":true,"
                        + "\"peerSubscriberKey\":\"00000000000000030000000000000004\",\"listOfServiceData\":["
                        + "{\"ratingGroup\":10,\"serviceIdentifier\":1,\"datavolumeFBCUplink\":1000,"
                        + "\"datavolumeFBCDownlink\":20000,\"uplinkPackets\":10,\"downlinkPackets\":20,"
                        + "\"timeOfFirstUsageMs\":1700000000100,\"timeOfLastUsageMs\":1700000050000,\"timeUsageMs\":30000,"
                        + "\"serviceConditionChange\":65536,\"resultCode\":2001},{\"ratingGroup\":20,\"serviceIdentifier\":0,"
                        + "\"datavolumeFBCUplink\":5,\"datavolumeFBCDownlink\":7,\"uplinkPackets\":1,\"downlinkPackets\":1,"
                        + "\"timeOfFirstUsageMs\":1700000001000,\"timeOfLastUsageMs\":1700000001000,\"timeUsageMs\":0,"
                        + "\"serviceConditionChange\":0,\"resultCode\":0}]}\n");
    }

    @Test
    void shouldDumpOneCsvRowPerContainerWithQuotedFieldsWhenCsvAsked() throws Exception {
        write(CdrFixtures.example(5, 1));
        assertThat(CdrCommands.dump(dir, CdrFormat.CSV, out, err)).isZero();
        String[] lines = out().split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo(CdrFormat.CSV.header());
        assertThat(lines[1])
                .isEqualTo("1,85,001010000000001,491700000001,10.0.0.1,5,node-1,1700000000000,60000,"
                        + "normalRelease,1,subscriber,00000000000000010000000000000002,42,\"acct, \"\"quoted\"\"\",basic,true,"
                        + "00000000000000030000000000000004,10,1,1000,20000,10,20,1700000000100,1700000050000,30000,65536,"
                        + "2001");
        assertThat(CauseForRecClosing.NORMAL_RELEASE.specName()).isEqualTo("normalRelease");
    }

    @Test
    void shouldExitWithUsageCodeWhenDirectoryIsMissing() {
        assertThat(CdrCommands.verify(dir.resolve("nope"), out, err)).isEqualTo(2);
        assertThat(errBytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("journal dir=" + dir.resolve("nope") + " does not exist\n");
    }

    @Test
    void shouldExportWhatWasNotExportedYetAndRefuseWhileAWriterIsOpen() throws Exception {
        Path exports = dir.resolve("export");
        write(CdrFixtures.example(1, 1), CdrFixtures.example(2, 1), CdrFixtures.example(1, 2));
        assertThat(CdrCommands.export(dir, exports, CdrFormat.JSONL, 2, out, err))
                .isZero();
        assertThat(out())
                .isEqualTo("exported 3 CDRs (journal sequence 1..3) into " + exports
                        + ": 2 new file(s), 2 in manifest.csv, position 3\n");
        // nothing new: nothing exported, no empty file
        outBytes.reset();
        assertThat(CdrCommands.export(dir, exports, CdrFormat.JSONL, 2, out, err))
                .isZero();
        assertThat(out())
                .isEqualTo("exported 0 CDRs into " + exports + ": 0 new file(s), 2 in manifest.csv, position 3\n");
        // two more records, then only they are exported
        write(CdrFixtures.example(3, 1), CdrFixtures.example(2, 2));
        outBytes.reset();
        assertThat(CdrCommands.export(dir, exports, CdrFormat.JSONL, 2, out, err))
                .isZero();
        assertThat(out()).startsWith("exported 2 CDRs (journal sequence 4..5)");
        java.util.List<ManifestEntry> manifest = JournalExporter.readManifest(exports);
        assertThat(manifest).extracting(ManifestEntry::count).containsExactly(2L, 1L, 2L);
        // the files together hold what dump prints, once each, in order
        StringBuilder exported = new StringBuilder();
        for (ManifestEntry entry : manifest) {
            exported.append(java.nio.file.Files.readString(exports.resolve(entry.file())));
        }
        outBytes.reset();
        assertThat(CdrCommands.dump(dir, CdrFormat.JSONL, out, err)).isZero();
        assertThat(exported.toString()).isEqualTo(out());
        // a writer holds the journal: a record it has not made durable yet must not be exported
        try (JournalWriter w = JournalWriter.open(JournalContext.defaults(dir, AckListener.NONE))) {
            errBytes.reset();
            assertThat(CdrCommands.export(dir, exports, CdrFormat.JSONL, 2, out, err))
                    .isEqualTo(1);
            assertThat(errBytes.toString(StandardCharsets.UTF_8))
                    .contains(dir + " is in use by another writer (pid="
                            + ProcessHandle.current().pid() + " journal writer")
                    .contains("a running meter exports its CDRs with --export DIR");
        }
    }

    /** Appends {@code count} CDRs (charging ids from {@code firstId}) to a journal of segments of 4 KiB. */
    private static void writeSmallSegments(Path journal, int firstId, int count) throws Exception {
        try (JournalWriter w = JournalWriter.open(
                JournalContext.defaults(journal, AckListener.NONE).withSegmentSizeBytes(4096))) {
            for (int i = 0; i < count; i++) {
                w.append(CdrCodec.FRAME_TYPE, CdrCodec.encode(CdrFixtures.example(firstId + i, 1)), null);
            }
            w.sync();
        }
    }

    @Test
    void shouldPruneOnlyWholeSegmentsTheExportHoldsAndKeepTheJournalWhole() throws Exception {
        Path journal = dir.resolve("journal");
        Path exports = dir.resolve("export");
        writeSmallSegments(journal, 1, 150);
        assertThat(CdrCommands.export(journal, exports, CdrFormat.JSONL, 10, out, err))
                .isZero();
        writeSmallSegments(journal, 151, 60);
        int segmentsBefore = JournalScanner.segments(journal).size();
        assertThat(segmentsBefore).isGreaterThan(5);
        outBytes.reset();
        assertThat(CdrCommands.prune(journal, exports, out, err)).isZero();
        java.util.List<Path> left = JournalScanner.segments(journal);
        long start = JournalScanner.firstSequenceOf(left.getFirst());
        // every removed record was exported (up to 150), the first segment kept was not all exported
        assertThat(start).isBetween(2L, 151L);
        assertThat(left.size()).isLessThan(segmentsBefore);
        assertThat(out())
                .startsWith("pruned " + (segmentsBefore - left.size()) + " segment(s) of " + journal + " (sequences 1.."
                        + (start - 1) + ", ")
                .endsWith("; the journal starts at sequence " + start + "; " + exports + " has exported up to 150\n");
        // the journal left is whole: verify passes from its new start, the export goes on exactly where it stopped,
        // and a writer reopens it and goes on numbering
        outBytes.reset();
        assertThat(CdrCommands.verify(journal, out, err)).isZero();
        assertThat(out()).contains("firstSequence=" + start + " lastSequence=210");
        outBytes.reset();
        assertThat(CdrCommands.export(journal, exports, CdrFormat.JSONL, 10, out, err))
                .isZero();
        assertThat(out()).startsWith("exported 60 CDRs (journal sequence 151..210)");
        writeSmallSegments(journal, 211, 1);
        assertThat(JournalScanner.scan(journal, 1, true, (q, t, p, f, o) -> true)
                        .lastSequence())
                .isEqualTo(211);
        // nothing more to prune than what is exported; a second prune keeps the last segment whatever
        outBytes.reset();
        assertThat(CdrCommands.prune(journal, exports, out, err)).isZero();
        assertThat(JournalScanner.segments(journal)).isNotEmpty();
    }

    @Test
    void shouldRefuseToPruneForAnExportOfAnotherJournalOrOfNothingAndToExportWhatWasPruned() throws Exception {
        Path journal = dir.resolve("journal");
        Path exports = dir.resolve("export");
        writeSmallSegments(journal, 1, 100);
        // nothing exported yet
        assertThat(CdrCommands.prune(journal, exports, out, err)).isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("has exported nothing of a journal yet");
        // an export directory of another journal
        Path other = dir.resolve("other");
        writeSmallSegments(other, 1, 100);
        Path otherExports = dir.resolve("other-export");
        assertThat(CdrCommands.export(other, otherExports, CdrFormat.CSV, 100, out, err))
                .isZero();
        errBytes.reset();
        assertThat(CdrCommands.prune(journal, otherExports, out, err)).isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("holds the records of journal");
        assertThat(JournalScanner.firstSequenceOf(
                        JournalScanner.segments(journal).getFirst()))
                .isEqualTo(1);
        // nor may the other journal's export directory take this journal's records
        errBytes.reset();
        assertThat(CdrCommands.export(journal, otherExports, CdrFormat.CSV, 100, out, err))
                .isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("one export directory per journal");
        // pruned behind one export directory: a new one cannot start at 1, and says so
        assertThat(CdrCommands.export(journal, exports, CdrFormat.JSONL, 100, out, err))
                .isZero();
        assertThat(CdrCommands.prune(journal, exports, out, err)).isZero();
        errBytes.reset();
        assertThat(CdrCommands.export(journal, dir.resolve("late"), CdrFormat.JSONL, 100, out, err))
                .isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("the records between were pruned");
    }
}

package io.chargeflow.cdr.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.CdrFixtures;
import io.chargeflow.cdr.journal.AckListener;
import io.chargeflow.cdr.journal.JournalContext;
import io.chargeflow.cdr.journal.JournalScanner;
import io.chargeflow.cdr.journal.JournalWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exporting while the journal is written, and pruning what the export holds. */
class JournalFollowerTest {
    @TempDir
    Path dir;

    @Test
    void shouldExportEveryCdrOnceWhileWritingAndPruneTheSegmentsItHolds() throws Exception {
        Path journal = dir.resolve("journal");
        Path exports = dir.resolve("export");
        int lastSegmentStart;
        JournalFollower follower;
        try (JournalWriter writer = JournalWriter.open(
                JournalContext.defaults(journal, AckListener.NONE).withSegmentSizeBytes(4096))) {
            follower =
                    JournalFollower.start(writer, JournalExporter.open(journal, exports, CdrFormat.JSONL, 50), 5, true);
            for (int i = 1; i <= 400; i++) {
                writer.append(CdrCodec.FRAME_TYPE, CdrCodec.encode(CdrFixtures.example(i, 1)), null);
                if (i % 100 == 0) {
                    Thread.sleep(30);
                }
            }
            writer.sync();
            lastSegmentStart = (int) JournalScanner.firstSequenceOf(
                    JournalScanner.segments(journal).getLast());
        }
        follower.close();
        assertThat(follower.exported()).isEqualTo(400);
        // whole segments went while the run went on and at its end: only the last one (being written) stays
        List<Path> left = JournalScanner.segments(journal);
        assertThat(left).hasSize(1);
        assertThat(follower.prunedSegments()).isGreaterThan(10);
        assertThat(lastSegmentStart).isGreaterThan(300);
        // the export holds every CDR once, in order: charging ids 1..400
        StringBuilder text = new StringBuilder();
        for (ManifestEntry entry : JournalExporter.readManifest(exports)) {
            text.append(Files.readString(exports.resolve(entry.file())));
        }
        String[] lines = text.toString().split("\n");
        assertThat(lines).hasSize(400);
        for (int i = 0; i < 400; i++) {
            assertThat(lines[i]).contains("\"chargingID\":" + (i + 1) + ",");
        }
    }
}

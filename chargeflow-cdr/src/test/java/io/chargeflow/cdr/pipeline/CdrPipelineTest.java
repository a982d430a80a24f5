package io.chargeflow.cdr.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.cdr.AssemblerContext;
import io.chargeflow.cdr.CauseForRecClosing;
import io.chargeflow.cdr.CdrAssembler;
import io.chargeflow.cdr.CdrFixtures;
import io.chargeflow.cdr.export.CdrCommands;
import io.chargeflow.cdr.export.CdrFormat;
import io.chargeflow.cdr.export.JournalExporter;
import io.chargeflow.cdr.export.ManifestEntry;
import io.chargeflow.cdr.journal.AckListener;
import io.chargeflow.cdr.journal.JournalContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdrPipelineTest {
    @TempDir
    Path tmp;

    @Test
    void shouldJournalAndExportEveryRecordWhenTwoProcessorsRunAndPipelineCloses() throws Exception {
        Path journal = tmp.resolve("journal");
        Path export = tmp.resolve("export");
        CdrPipeline pipeline =
                CdrPipeline.open(JournalContext.defaults(journal, AckListener.NONE), export, CdrFormat.CSV, 300, 2);
        assertThat(pipeline.recovery().lastSequence()).isZero();
        List<Thread> processors = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            CdrAssembler assembler = pipeline.newAssembler(new AssemblerContext("node-" + p, 5000, 0, 0, 1024));
            int processor = p;
            processors.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 500; i++) {
                    int h = assembler.open(processor * 1_000_000L + i, CdrFixtures.identity(i, "basic"), i);
                    assembler.onUsage(h, 10, 0, 3000, 3000, 2, 2, i, i + 1, 1); // volume limit: one partial
                    assembler.close(h, CauseForRecClosing.NORMAL_RELEASE, i + 2);
                }
                // ten sessions stay open until shutdown closes them
                for (int i = 500; i < 510; i++) {
                    assembler.open(processor * 1_000_000L + i, CdrFixtures.identity(i, "basic"), i);
                }
            }));
        }
        for (Thread t : processors) {
            t.join();
        }
        pipeline.close(CauseForRecClosing.MANAGEMENT_INTERVENTION, 10_000);

        assertThat(pipeline.writer().durableSequence()).isEqualTo(2 * (500 * 2 + 10));
        assertThat(pipeline.exportFailure()).isNull();
        List<ManifestEntry> manifest = JournalExporter.readManifest(export);
        assertThat(manifest).extracting(ManifestEntry::count).containsExactly(300L, 300L, 300L, 300L, 300L, 300L, 220L);
        assertThat(manifest.getLast().lastSequence()).isEqualTo(2020);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(CdrCommands.verify(journal, new PrintStream(out, true, StandardCharsets.UTF_8), System.err))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("records=2020 cdrs=2020");
    }
}

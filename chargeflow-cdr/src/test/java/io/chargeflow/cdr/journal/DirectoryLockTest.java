package io.chargeflow.cdr.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chargeflow.cdr.export.CdrFormat;
import io.chargeflow.cdr.export.JournalExporter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One writer per journal, one exporter per export directory: a second one, in this process or another, is refused
 * with the first one's pid; a killed owner leaves no lock behind.
 */
@Timeout(60)
class DirectoryLockTest {
    @TempDir
    Path dir;

    private static JournalWriter open(Path journal) {
        return JournalWriter.open(JournalContext.defaults(journal, AckListener.NONE));
    }

    @Test
    void shouldRefuseASecondWriterOfTheSameJournalInThisProcess() throws Exception {
        try (JournalWriter first = open(dir)) {
            assertThatThrownBy(() -> open(dir))
                    .isInstanceOf(DirectoryLock.InUseException.class)
                    .hasMessageContaining(dir + " is in use by another writer (pid="
                            + ProcessHandle.current().pid() + " journal writer since=");
        }
        // closed: the next writer opens it, and a failed open left nothing held
        try (JournalWriter again = open(dir)) {
            assertThat(again.durableSequence()).isZero();
        }
    }

    @Test
    void shouldRefuseAWriterWhileAnotherProcessHoldsTheJournalAndNotAfterItWasKilled() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LockHolderMain.class.getName(),
                        dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(reader.readLine()).isEqualTo("locked " + child.pid());
            assertThatThrownBy(() -> open(dir))
                    .isInstanceOf(DirectoryLock.InUseException.class)
                    .hasMessageContaining("(pid=" + child.pid() + " journal writer");
            // kill -9: the operating system releases its lock
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            try (JournalWriter after = open(dir)) {
                assertThat(after.recovery().lastSequence()).isZero();
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void shouldRefuseASecondExporterOfTheSameDirectory() throws Exception {
        Path journal = dir.resolve("journal");
        try (JournalWriter writer = open(journal)) {
            writer.sync();
        }
        Path out = dir.resolve("export");
        try (JournalExporter first = JournalExporter.open(journal, out, CdrFormat.CSV, 10)) {
            assertThatThrownBy(() -> JournalExporter.open(journal, out, CdrFormat.CSV, 10))
                    .isInstanceOf(DirectoryLock.InUseException.class)
                    .hasMessageContaining("CDR exporter");
            assertThat(first.position()).isZero();
        }
        try (JournalExporter again = JournalExporter.open(journal, out, CdrFormat.CSV, 10)) {
            assertThat(again.manifest()).isEqualTo(List.of());
        }
    }
}

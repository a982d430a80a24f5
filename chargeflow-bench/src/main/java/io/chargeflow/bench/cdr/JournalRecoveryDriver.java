package io.chargeflow.bench.cdr;

import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.journal.AckListener;
import io.chargeflow.cdr.journal.JournalCdrSink;
import io.chargeflow.cdr.journal.JournalContext;
import io.chargeflow.cdr.journal.JournalDescriptor;
import io.chargeflow.cdr.journal.JournalScanner;
import io.chargeflow.cdr.journal.JournalWriter;
import io.chargeflow.cdr.journal.RecoveryReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Recovery time of a large journal: writes {@code sizeMiB} (default 1024) of CDRs through the writer, appends a torn
 * frame to the tail (as a crash would leave it), then times {@link JournalWriter#open} (full scan: every header,
 * length, CRC32C and sequence; truncation of the tail) three times. A driver, not JMH, because one run rewrites a
 * gigabyte.
 *
 * <pre>java -cp chargeflow-bench/target/benchmarks.jar io.chargeflow.bench.cdr.JournalRecoveryDriver [sizeMiB] [dir]</pre>
 */
public final class JournalRecoveryDriver {
    private JournalRecoveryDriver() {}

    public static void main(String[] args) throws Exception {
        long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        Path base = Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(base, "journal-recovery-");
        try {
            long target = sizeMiB << 20;
            PgwRecord[] cdrs = BenchCdrs.generate(65_536, 100_000, 3);
            long start = System.nanoTime();
            long written = 0;
            try (JournalWriter writer = JournalWriter.open(JournalContext.defaults(dir, AckListener.NONE))) {
                JournalCdrSink sink = new JournalCdrSink(writer);
                long bytes = 0;
                while (bytes < target) {
                    for (int i = 0; i < 65_536; i++) {
                        sink.onCdr(cdrs[i]);
                    }
                    written += 65_536;
                    writer.sync();
                    bytes = 0;
                    for (Path p : JournalScanner.segments(dir)) {
                        bytes += Files.size(p);
                    }
                }
            }
            double writeSec = (System.nanoTime() - start) / 1e9;
            long total = 0;
            for (Path p : JournalScanner.segments(dir)) {
                total += Files.size(p);
            }
            System.out.printf(
                    "wrote records=%d bytes=%d segments=%d in %.1f s (%.0f records/s durable)%n",
                    written, total, JournalScanner.segments(dir).size(), writeSec, written / writeSec);
            Path last = JournalScanner.segments(dir).getLast();
            for (int run = 1; run <= 3; run++) {
                Files.write(
                        last,
                        new byte[] {(byte) (JournalDescriptor.FRAME_HEADER_LENGTH + 40), 0, 0, 0, 1, 2},
                        StandardOpenOption.APPEND);
                long t0 = System.nanoTime();
                RecoveryReport report;
                try (JournalWriter writer = JournalWriter.open(JournalContext.defaults(dir, AckListener.NONE))) {
                    report = writer.recovery();
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf(
                        "recovery run=%d %.0f ms (%.0f MiB/s): %s%n",
                        run, ms, total / 1048576.0 / (ms / 1000), report.describe());
            }
        } finally {
            BenchCdrs.deleteTree(dir);
        }
    }
}

package io.chargeflow.bench.cdr;

import io.chargeflow.cdr.CauseForRecClosing;
import io.chargeflow.cdr.ChargingSide;
import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.ServiceData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.SplittableRandom;

/** Realistic CDRs for the benchmarks (two or three rating groups each), and temp-dir cleanup. */
final class BenchCdrs {
    private BenchCdrs() {}

    static PgwRecord[] generate(int count, int subscribers, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        PgwRecord[] cdrs = new PgwRecord[count];
        long base = 1_795_000_000_000L;
        for (int i = 0; i < count; i++) {
            int sub = random.nextInt(subscribers);
            long time = base + random.nextLong(30L * 86_400_000L);
            int n = 2 + random.nextInt(2);
            ServiceData[] data = new ServiceData[n];
            for (int k = 0; k < n; k++) {
                data[k] = new ServiceData(
                        10 * (k + 1),
                        0,
                        random.nextLong(5_000_000),
                        random.nextLong(50_000_000),
                        random.nextInt(5000),
                        random.nextInt(50_000),
                        time + k,
                        time + 60_000,
                        random.nextLong(60_000),
                        ServiceData.SCC_SERVICE_STOP,
                        0);
            }
            cdrs[i] = new PgwRecord(
                    PgwRecord.PGW_RECORD,
                    "00101" + (1_000_000_000L + sub),
                    "4917" + sub,
                    "10." + (sub >> 16 & 255) + "." + (sub >> 8 & 255) + "." + (sub & 255),
                    i,
                    "pgw-bench-1",
                    time,
                    120_000,
                    CauseForRecClosing.NORMAL_RELEASE,
                    1,
                    0,
                    List.of(data),
                    ChargingSide.SUBSCRIBER,
                    0,
                    0x0A000000L + sub,
                    random.nextInt(10) == 0,
                    0,
                    0x0A000000L + random.nextInt(subscribers),
                    sub + 1,
                    "acct-" + sub,
                    sub % 3 == 0 ? "premium" : "basic");
        }
        return cdrs;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete dir=" + dir, e);
        }
    }
}

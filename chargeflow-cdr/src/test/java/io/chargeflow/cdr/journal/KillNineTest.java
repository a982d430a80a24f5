package io.chargeflow.cdr.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.export.CdrCommands;
import io.chargeflow.cdr.export.JournalExporter;
import io.chargeflow.cdr.export.ManifestEntry;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link KillNineDriver} in a child JVM, kills it with SIGKILL at random moments (seeded), restarts it, and
 * proves that every acknowledged CDR is in the journal exactly once with a continuous sequence, and that the export
 * holds every record exactly once, in order.
 */
class KillNineTest {
    private static final int ROUNDS = 20;
    private static final Pattern SEQ = Pattern.compile("^\\{\"localSequenceNumber\":(\\d+),");

    @TempDir
    Path tmp;

    private record Ack(long chargingId, int recordSequence) {}

    private final java.util.concurrent.atomic.AtomicInteger tornTails = new java.util.concurrent.atomic.AtomicInteger();

    @Test
    void shouldKeepEveryAcknowledgedCdrExactlyOnceWhenKilledRepeatedly() throws Exception {
        long seed = Long.getLong("killnine.seed", System.nanoTime());
        Random random = new Random(seed);
        Path base = System.getProperty("killnine.dir") != null ? Path.of(System.getProperty("killnine.dir")) : tmp;
        Path journal = base.resolve("journal");
        Path export = base.resolve("export");
        Map<Long, Ack> acked = new HashMap<>();
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                runAndKill(journal, export, round, random, acked);
            }
            Process last = start(journal, export, ROUNDS + 1, random.nextLong(), true);
            Map<Long, Ack> finalAcks = new HashMap<>();
            Thread reader = readAcks(last, finalAcks, new CountDownLatch(1));
            assertThat(last.waitFor(60, TimeUnit.SECONDS)).as("seed=%d", seed).isTrue();
            reader.join();
            assertThat(last.exitValue())
                    .as("seed=%d stderr=%s", seed, stderr(journal, ROUNDS + 1))
                    .isZero();
            acked.putAll(finalAcks);

            verifyJournal(journal, acked, seed);
            verifyExport(export, journal, seed);
            System.out.printf(
                    "kill -9: seed=%d rounds=%d acknowledged=%d recoveriesThatTruncatedATornTail=%d%n",
                    seed, ROUNDS, acked.size(), tornTails.get());
        } catch (AssertionError e) {
            throw new AssertionError(
                    "kill -9 test failed with seed=" + seed + " (rerun with -Dkillnine.seed=" + seed + "): "
                            + e.getMessage(),
                    e);
        }
    }

    private void runAndKill(Path journal, Path export, int round, Random random, Map<Long, Ack> acked)
            throws Exception {
        Process p = start(journal, export, round, random.nextLong(), false);
        CountDownLatch firstAck = new CountDownLatch(1);
        Map<Long, Ack> roundAcks = new HashMap<>();
        Thread reader = readAcks(p, roundAcks, firstAck);
        if (random.nextInt(4) > 0) {
            assertThat(firstAck.await(30, TimeUnit.SECONDS))
                    .as("round=%d produced no ack", round)
                    .isTrue();
            Thread.sleep(random.nextInt(20, 400));
        } else {
            Thread.sleep(random.nextInt(0, 600)); // may hit start-up and recovery
        }
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor(30, TimeUnit.SECONDS);
        reader.join();
        assertThat(p.isAlive()).isFalse();
        assertThat(stderr(journal, round)).as("round=%d child stderr", round).doesNotContain("Exception");
        acked.putAll(roundAcks);
    }

    private static Process start(Path journal, Path export, int round, long seed, boolean finish) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                KillNineDriver.class.getName(),
                journal.toString(),
                export.toString(),
                Integer.toString(round),
                Long.toString(seed)));
        if (finish) {
            cmd.add("finish");
        }
        return new ProcessBuilder(cmd)
                .redirectError(
                        journal.resolveSibling("stderr-" + round + ".txt").toFile())
                .start();
    }

    private static String stderr(Path journal, int round) throws Exception {
        Path file = journal.resolveSibling("stderr-" + round + ".txt");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private Thread readAcks(Process p, Map<Long, Ack> acks, CountDownLatch firstAck) {
        return Thread.ofPlatform().start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] f = line.split(" ");
                    // a line cut by the kill has fewer fields: it was never fully acknowledged to us
                    if (f.length == 3 && f[0].equals("R") && !f[1].equals("0")) {
                        tornTails.incrementAndGet();
                    }
                    if (f.length == 4 && f[0].equals("A")) {
                        acks.put(Long.parseLong(f[1]), new Ack(Long.parseLong(f[2]), Integer.parseInt(f[3])));
                        firstAck.countDown();
                    }
                }
            } catch (java.io.IOException e) {
                // destroyForcibly closes our end of the pipe: acks still in it were never received, so they do not
                // count as acknowledged (the journal may hold more than we saw, never less)
            }
        });
    }

    private static void verifyJournal(Path journal, Map<Long, Ack> acked, long seed) {
        Map<Long, Ack> journalled = new HashMap<>();
        Set<Ack> unique = new HashSet<>();
        long[] expected = {1};
        ScanReport report = JournalScanner.scan(journal, 1, false, (seq, type, payload, file, offset) -> {
            assertThat(seq).as("seed=%d continuous sequence", seed).isEqualTo(expected[0]++);
            PgwRecord cdr = CdrCodec.decode(payload, seq);
            Ack ack = new Ack(cdr.chargingID(), cdr.recordSequenceNumber());
            assertThat(unique.add(ack))
                    .as("seed=%d duplicate CDR %s", seed, ack)
                    .isTrue();
            journalled.put(seq, ack);
            return true;
        });
        assertThat(report.damages()).as("seed=%d", seed).isEmpty();
        assertThat(acked).as("seed=%d", seed).isNotEmpty();
        for (Map.Entry<Long, Ack> e : acked.entrySet()) {
            assertThat(journalled.get(e.getKey()))
                    .as("seed=%d acknowledged sequence=%d", seed, e.getKey())
                    .isEqualTo(e.getValue());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = CdrCommands.verify(journal, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(code).as("seed=%d verify: %s", seed, out).isZero();
    }

    private static void verifyExport(Path export, Path journal, long seed) throws Exception {
        long last =
                JournalScanner.scan(journal, 1, false, (s, t, p, f, o) -> true).lastSequence();
        List<Long> exported = new ArrayList<>();
        List<ManifestEntry> manifest = JournalExporter.readManifest(export);
        long previousLast = 0;
        for (ManifestEntry m : manifest) {
            Path file = export.resolve(m.file());
            assertThat(JournalExporter.sha256(file))
                    .as("seed=%d sha of %s", seed, m.file())
                    .isEqualTo(m.sha256());
            assertThat(m.firstSequence()).as("seed=%d manifest chain", seed).isEqualTo(previousLast + 1);
            previousLast = m.lastSequence();
            List<String> lines = Files.readAllLines(file);
            assertThat((long) lines.size())
                    .as("seed=%d count of %s", seed, m.file())
                    .isEqualTo(m.count());
            for (String line : lines) {
                Matcher matcher = SEQ.matcher(line);
                assertThat(matcher.find()).as("seed=%d line %s", seed, line).isTrue();
                exported.add(Long.parseLong(matcher.group(1)));
            }
        }
        try (Stream<Path> parts = Files.list(export)) {
            assertThat(parts.filter(p -> p.toString().endsWith(".part"))
                            .filter(p -> p.toFile().length() > 0))
                    .as("seed=%d open export files after finish", seed)
                    .isEmpty();
        }
        assertThat(exported)
                .as("seed=%d exported sequences", seed)
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, last).boxed().toList());
    }
}

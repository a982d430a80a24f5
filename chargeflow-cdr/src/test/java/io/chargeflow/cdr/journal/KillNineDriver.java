package io.chargeflow.cdr.journal;

import io.chargeflow.cdr.AssemblerContext;
import io.chargeflow.cdr.CauseForRecClosing;
import io.chargeflow.cdr.CdrAssembler;
import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.CdrFixtures;
import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.export.CdrFormat;
import io.chargeflow.cdr.export.JournalExporter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child JVM of {@link KillNineTest}: produces CDRs through the assembler, the journal and an exporter, and prints
 * one line {@code A <sequence> <chargingID> <recordSequenceNumber>} per CDR once it is acknowledged (after its
 * fsync). Runs until killed; with {@code finish} it produces a few more sessions, exports everything, closes the
 * export files into the manifest and exits 0.
 *
 * <p>Arguments: journalDir exportDir round seed [finish]
 */
public final class KillNineDriver {
    private KillNineDriver() {}

    public static void main(String[] args) throws Exception {
        Path journal = Path.of(args[0]);
        Path export = Path.of(args[1]);
        int round = Integer.parseInt(args[2]);
        Random random = new Random(Long.parseLong(args[3]));
        boolean finish = args.length > 4;
        FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
        AckListener printer = (seq, type, attachment) -> {
            // the journal sink's attachment is the payload the journal holds
            PgwRecord cdr = CdrCodec.decode(
                    java.nio.ByteBuffer.wrap((byte[]) attachment).order(java.nio.ByteOrder.LITTLE_ENDIAN), seq);
            String line = "A " + seq + " " + cdr.chargingID() + " " + cdr.recordSequenceNumber() + "\n";
            try {
                stdout.write(line.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        JournalContext context = JournalContext.defaults(journal, printer)
                .withSegmentSizeBytes(64 * 1024)
                .withCommitWindowNanos(random.nextBoolean() ? 0 : 200_000);
        JournalWriter writer = JournalWriter.open(context);
        stdout.write(("R " + writer.recovery().truncatedBytes() + " "
                        + writer.recovery().lastSequence() + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        JournalExporter exporter = JournalExporter.open(journal, export, CdrFormat.JSONL, 500);
        // stopped by a flag, never by interrupt: an interrupt closes the exporter's FileChannel mid-write
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        long pauseNs = 1_000_000L * random.nextInt(1, 8);
        Thread exportThread = Thread.ofPlatform().name("exporter").daemon(true).start(() -> {
            while (!stop.get()) {
                exporter.exportUpTo(writer.durableSequence());
                java.util.concurrent.locks.LockSupport.parkNanos(pauseNs);
            }
        });
        CdrAssembler assembler =
                new CdrAssembler(new AssemblerContext("node-k9", 20_000, 0, 3, 64), new JournalCdrSink(writer));
        int sessions = finish ? 50 : Integer.MAX_VALUE;
        for (int i = 0; i < sessions; i++) {
            long chargingId = round * 10_000_000L + i;
            int h = assembler.open(chargingId, CdrFixtures.identity(i % 100, "basic"), i * 10L);
            int usages = random.nextInt(1, 8);
            for (int u = 0; u < usages; u++) {
                assembler.onUsage(
                        h,
                        10 + random.nextInt(5),
                        0,
                        random.nextInt(8000),
                        random.nextInt(8000),
                        1,
                        1,
                        i * 10L + u,
                        i * 10L + u,
                        1);
            }
            assembler.close(h, CauseForRecClosing.NORMAL_RELEASE, i * 10L + usages);
            if (i % 16 == 15) {
                // the sink batches encoded records as it does for a processor, which flushes after each duty cycle
                assembler.flush();
            }
            if (i % 64 == 63) {
                Thread.sleep(1);
            }
        }
        assembler.flush();
        writer.sync();
        stop.set(true);
        exportThread.join();
        exporter.exportUpTo(writer.durableSequence());
        exporter.finish();
        exporter.close();
        writer.close();
        System.exit(0);
    }
}

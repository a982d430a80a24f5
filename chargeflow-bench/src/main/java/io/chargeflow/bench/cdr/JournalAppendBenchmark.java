package io.chargeflow.bench.cdr;

import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.journal.AckListener;
import io.chargeflow.cdr.journal.JournalCdrSink;
import io.chargeflow.cdr.journal.JournalContext;
import io.chargeflow.cdr.journal.JournalWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable CDR appends per second: the benchmark thread plays a processor (hands each CDR to the journal writer thread
 * through {@code JournalCdrSink}); each invocation appends {@value #BATCH} CDRs and waits until all are fsynced, so the
 * score counts only acknowledged records. {@code path=record}: a {@code PgwRecord} encoded and journalled at once
 * ({@code onCdr}); {@code path=encoded}: the processors' path, bytes an assembler wrote ({@code onEncoded}, encoded
 * here from the same records outside the timing), batched by the sink and flushed every 256 records as a processor's
 * duty cycle would. The journal lives in {@code -Djournal.bench.dir}
 * (default: the temp dir), on a real disk for a meaningful fsync.
 *
 * <pre>java -jar chargeflow-bench/target/benchmarks.jar JournalAppendBenchmark -f 1 -wi 2 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseCompactObjectHeaders")
public class JournalAppendBenchmark {
    static final int BATCH = 16_384;

    /** Group commit window in microseconds (0: fsync as soon as the queue is empty). */
    @Param({"0", "500"})
    long commitWindowMicros;

    @Param({"record", "encoded"})
    String path;

    private byte[][] encoded;

    private Path dir;
    private JournalWriter writer;
    private JournalCdrSink sink;
    private PgwRecord[] cdrs;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path base = Path.of(System.getProperty("journal.bench.dir", System.getProperty("java.io.tmpdir")));
        dir = Files.createTempDirectory(base, "journal-bench-");
        writer = JournalWriter.open(
                JournalContext.defaults(dir, AckListener.NONE).withCommitWindowNanos(commitWindowMicros * 1000));
        sink = new JournalCdrSink(writer);
        cdrs = BenchCdrs.generate(65_536, 100_000, 7);
        encoded = new byte[cdrs.length][];
        for (int i = 0; i < cdrs.length; i++) {
            encoded[i] = io.chargeflow.cdr.CdrCodec.encode(cdrs[i]);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        writer.close();
        System.out.printf(
                "%n[journal] batches (fsyncs)=%d durableSequence=%d mean records per fsync=%d%n",
                writer.batches(), writer.durableSequence(), writer.durableSequence() / Math.max(1, writer.batches()));
        BenchCdrs.deleteTree(dir);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long appendDurably() throws InterruptedException {
        if (path.equals("encoded")) {
            for (int i = 0; i < BATCH; i++) {
                byte[] payload = encoded[next++ & (encoded.length - 1)];
                sink.onEncoded(payload, payload.length);
                if ((i & 255) == 255) {
                    sink.flush();
                }
            }
            sink.flush();
        } else {
            for (int i = 0; i < BATCH; i++) {
                sink.onCdr(cdrs[next++ & (cdrs.length - 1)]);
            }
        }
        writer.sync();
        return writer.durableSequence();
    }
}

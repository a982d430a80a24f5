package io.chargeflow.bench.cdr;

import io.chargeflow.cdr.AssemblerContext;
import io.chargeflow.cdr.CauseForRecClosing;
import io.chargeflow.cdr.CdrAssembler;
import io.chargeflow.cdr.CdrSink;
import io.chargeflow.cdr.ChargingSide;
import io.chargeflow.cdr.EncodedCdrSink;
import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.SessionIdentity;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one session's record costs a processor when the session closes, without the journal's I/O: the assembler is told
 * the usage of five containers (as the flow side reports them at a close) and closes the session into a PGW-CDR. The
 * sessions' slots are taken round-robin over {@code sessions}, so their state is as cold as at the end of a run with
 * that many sessions. {@code sink=encoded} is the journal sink's path: the assembler writes the record's bytes
 * straight from its tables to an {@code EncodedCdrSink} (no record objects), copied into an exactly-sized array as the
 * journal sink copies them; {@code sink=record} hands a plain {@code CdrSink} the record decoded from those bytes.
 * End-to-end runs cannot resolve these fractions of a
 * microsecond; this benchmark can.
 *
 * <pre>java -jar chargeflow-bench/target/benchmarks.jar CdrRecordBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseCompactObjectHeaders")
public class CdrRecordBenchmark {
    private static final long T0 = 1_767_225_600_000L;
    private static final int[] RATING_GROUPS = {10, 11, 20, 100, 1};

    @Param({"1000", "100000"})
    int sessions;

    /**
     * {@code encoded}: the assembler encodes the record without objects, as for the journal sink; {@code record}: a
     * plain sink gets the record decoded from those bytes.
     */
    @Param({"encoded", "record"})
    String sink;

    private CdrAssembler assembler;
    private SessionIdentity[] identities;
    private long encodedBytes;
    /** The last record ({@code sink=record}): kept, so that making it is not optimised away. */
    private PgwRecord last;

    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        CdrSink target = switch (sink) {
            case "encoded" ->
                new EncodedCdrSink() {
                    @Override
                    public void onEncoded(byte[] payload, int length) {
                        encodedBytes += java.util.Arrays.copyOf(payload, length).length;
                    }

                    @Override
                    public void onCdr(PgwRecord cdr) {
                        throw new IllegalStateException("the assembler encodes records itself");
                    }
                };
            default -> cdr -> last = cdr;
        };
        assembler = new CdrAssembler(AssemblerContext.unlimited("chargeflow"), target);
        identities = new SessionIdentity[sessions];
        for (int i = 0; i < sessions; i++) {
            int address = 0x0A000000 + i;
            identities[i] = new SessionIdentity(
                    null,
                    null,
                    io.chargeflow.packet.AddressFormat.ipv4(address),
                    ChargingSide.SUBSCRIBER,
                    0,
                    0x0000_FFFF_0000_0000L | address,
                    0,
                    null,
                    null);
        }
        // every session open, as at the end of a run
        for (int i = 0; i < sessions; i++) {
            assembler.open(i, identities[i], T0);
        }
    }

    /** One session: five containers' usage, the close (final record, encoded), and the session opened again. */
    @Benchmark
    public long closeSession() {
        int handle = next;
        next = next + 1 == sessions ? 0 : next + 1;
        for (int k = 0; k < RATING_GROUPS.length; k++) {
            assembler.onUsage(
                    handle, RATING_GROUPS[k], k, 1000 + k, 20_000 + k, 3, 17, T0 + k, T0 + 60_000 + k, 55_000);
        }
        assembler.close(handle, CauseForRecClosing.NORMAL_RELEASE, T0 + 300_000);
        // the freed slot is the one taken next, so the same handle opens again
        assembler.open(handle, identities[handle], T0);
        return encodedBytes + (last == null ? 0 : last.chargingID());
    }
}

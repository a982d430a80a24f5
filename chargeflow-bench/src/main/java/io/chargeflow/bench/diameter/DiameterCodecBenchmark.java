package io.chargeflow.bench.diameter;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.codec.DiameterEncoder;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.codec.MessageValidator;
import io.chargeflow.diameter.dictionary.Avp;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode and decode of a Gy CCR-U with 3 Multiple-Services-Credit-Control AVPs on one thread. "decode" is what an
 * OCS stage does with a received CCR: validate it (frame every AVP, dictionary checks, required AVPs), then read
 * Session-Id, CC-Request-Type/Number and, per MSCC, Rating-Group and Used-Service-Unit/CC-Total-Octets. "frameOnly"
 * is the lazy path without validation. Target of issue 5: decode at least 2 million messages/s on one core.
 *
 * <pre>java -jar chargeflow-bench/target/benchmarks.jar DiameterCodecBenchmark -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseCompactObjectHeaders")
public class DiameterCodecBenchmark {
    private final ByteBuffer encoded = ByteBuffer.allocateDirect(4096);
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(4096);
    private final DiameterEncoder encoder = new DiameterEncoder();
    private final DiameterMessage message = new DiameterMessage();
    private final MessageValidator validator = new MessageValidator();
    private final DiameterAvp avp = new DiameterAvp();
    private final DiameterAvp child = new DiameterAvp();
    private final DiameterAvp grandChild = new DiameterAvp();
    private int length;
    private int counter;

    @Setup
    public void setUp() {
        length = GyCcr.message(encoder.wrap(encoded, 0), 1, 7);
        message.wrap(encoded, 0, length);
        if (validator.validate(message) != 2001) {
            throw new IllegalStateException("benchmark CCR-U does not validate: " + message);
        }
    }

    /** Size of the benchmarked message in bytes (printed once by the driver, not a benchmark). */
    public int length() {
        return length;
    }

    @Benchmark
    public int encodeCcrUpdate() {
        return GyCcr.message(encoder.wrap(scratch, 0), ++counter, counter);
    }

    @Benchmark
    public long decodeCcrUpdate() {
        message.wrap(encoded, 0, length);
        if (validator.validate(message) != 2001) {
            return -1;
        }
        return readFields();
    }

    @Benchmark
    public long frameOnlyCcrUpdate() {
        message.wrap(encoded, 0, length);
        return readFields();
    }

    /**
     * Reads what an OCS stage needs in one pass over the top-level AVPs (a stage switches on the code rather than
     * searching the message once per field): Session-Id, CC-Request-Type/Number, and per MSCC the Rating-Group and
     * Used-Service-Unit/CC-Total-Octets.
     */
    private static final int SESSION_ID = Avp.SESSION_ID.code();

    private static final int CC_REQUEST_TYPE = Avp.CC_REQUEST_TYPE.code();
    private static final int CC_REQUEST_NUMBER = Avp.CC_REQUEST_NUMBER.code();
    private static final int MSCC = Avp.MULTIPLE_SERVICES_CREDIT_CONTROL.code();

    private long readFields() {
        long sum = 0;
        boolean present = avp.first(message);
        while (present) {
            if (avp.vendorId() == 0) {
                int code = avp.code();
                if (code == SESSION_ID) {
                    sum += avp.dataLength();
                } else if (code == CC_REQUEST_TYPE) {
                    sum += avp.getInteger32();
                } else if (code == CC_REQUEST_NUMBER) {
                    sum += avp.getUnsigned32();
                } else if (code == MSCC) {
                    sum += readMscc();
                }
            }
            present = avp.next();
        }
        return sum;
    }

    private long readMscc() {
        long sum = 0;
        boolean present = child.firstChild(avp);
        while (present) {
            if (child.vendorId() == 0 && child.code() == Avp.RATING_GROUP.code()) {
                sum += child.getUnsigned32();
            } else if (child.vendorId() == 0
                    && child.code() == Avp.USED_SERVICE_UNIT.code()
                    && child.findChild(Avp.CC_TOTAL_OCTETS, grandChild)) {
                sum += grandChild.getInteger64();
            }
            present = child.next();
        }
        return sum;
    }
}

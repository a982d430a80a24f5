package io.chargeflow.bench.packet;

import io.chargeflow.packet.CaptureSource;
import io.chargeflow.packet.Captures;
import io.chargeflow.packet.DecodedPacket;
import io.chargeflow.packet.FrameHandler;
import io.chargeflow.packet.MalformedReason;
import io.chargeflow.packet.PacketDecoder;
import io.chargeflow.testsupport.CaptureBuilder;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
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
 * Reading a 200,000-frame pcap (about 120 MB, mixed 64-1400 byte Ethernet/IPv4 frames, a quarter of them in
 * GTP-U) from the page cache, streamed through the reader's window or memory-mapped: frames per second for the
 * reader alone, and for reader plus decoder. Each invocation opens, reads and closes the file. The file is written
 * once per trial to the system temp directory and read once before measuring, so it is cached.
 *
 * <pre>java -jar chargeflow-bench/target/benchmarks.jar PcapReadBenchmark -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseCompactObjectHeaders")
public class PcapReadBenchmark {
    static final int FRAMES = 200_000;

    /** {@code stream}: {@link Captures#open} (a reused window, the default); {@code mmap}: {@link Captures#openMapped}. */
    @Param({"stream", "mmap"})
    String io;

    private Path file;
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private long sink;
    private final FrameHandler countOnly =
            (MemorySegment data, long offset, int cap, int orig, long ts, int iface, int lt) -> sink += cap;
    private final FrameHandler decodeEach =
            (MemorySegment data, long offset, int cap, int orig, long ts, int iface, int lt) -> {
                if (decoder.decode(data, offset, cap, orig, lt, iface, packet) == MalformedReason.NONE) {
                    sink += packet.ipLength;
                }
            };

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("chargeflow-bench-", ".pcap");
        SplittableRandom random = new SplittableRandom(42);
        CaptureBuilder.Pcap pcap = CaptureBuilder.pcap();
        for (int i = 0; i < FRAMES; i++) {
            int payload = random.nextInt(4) == 0 ? 10 : 20 + random.nextInt(1300);
            CaptureBuilder.Frame frame = CaptureBuilder.frame().ethernet();
            if (random.nextInt(4) == 0) {
                frame.ipv4("192.0.2.1", "192.0.2.2").udp(2152, 2152).gtpu(i);
            }
            frame.ipv4("10.0." + (i & 0xFF) + ".1", "93.184.216.34")
                    .tcp(40000 + (i & 0xFFF), 443, 0x10)
                    .payload(payload);
            pcap.frame(1_700_000_000_000_000_000L + i * 1000L, frame.build());
        }
        pcap.write(file);
        readOnly();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long readOnly() throws IOException {
        return drain(countOnly);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long readAndDecode() throws IOException {
        return drain(decodeEach);
    }

    private long drain(FrameHandler handler) throws IOException {
        try (CaptureSource source = io.equals("mmap") ? Captures.openMapped(file) : Captures.open(file)) {
            while (source.read(handler, 1024) != CaptureSource.END_OF_INPUT) {
                // next batch
            }
            if (source.stats().frames != FRAMES) {
                throw new IllegalStateException("frames=" + source.stats().frames);
            }
        }
        return sink;
    }
}

package io.chargeflow.bench.packet;

import io.chargeflow.packet.DecodedPacket;
import io.chargeflow.packet.LinkType;
import io.chargeflow.packet.MalformedReason;
import io.chargeflow.packet.PacketDecoder;
import io.chargeflow.testsupport.CaptureBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * {@link PacketDecoder#decode} of one frame held in an off-heap segment (as a mapped capture would be): an
 * Ethernet/802.1Q/IPv4/TCP frame, and an Ethernet/IPv4/UDP/GTP-U (with a PDU session container)/IPv4/TCP frame.
 * Runs on the benchmark thread, as the reader thread would.
 *
 * <pre>java -jar chargeflow-bench/target/benchmarks.jar PacketDecodeBenchmark -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseCompactObjectHeaders")
public class PacketDecodeBenchmark {
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private MemorySegment vlanTcp;
    private int vlanTcpLength;
    private MemorySegment gtpu;
    private int gtpuLength;

    @Setup
    public void setUp() {
        byte[] tcp = CaptureBuilder.frame()
                .ethernet()
                .vlan(100)
                .ipv4("10.1.2.3", "93.184.216.34")
                .tcp(51000, 443, 0x18)
                .payload(1200)
                .build();
        byte[] tunnel = CaptureBuilder.frame()
                .ethernet()
                .ipv4("192.0.2.1", "192.0.2.2")
                .udp(2152, 2152)
                .gtpu(0x1234)
                .gtpuExtension(0x85, new byte[] {0x10, 0x05})
                .ipv4("100.64.0.9", "8.8.8.8")
                .tcp(40000, 443, 0x10)
                .payload(1200)
                .build();
        vlanTcp = Arena.ofAuto().allocate(tcp.length);
        vlanTcp.copyFrom(MemorySegment.ofArray(tcp));
        vlanTcpLength = tcp.length;
        gtpu = Arena.ofAuto().allocate(tunnel.length);
        gtpu.copyFrom(MemorySegment.ofArray(tunnel));
        gtpuLength = tunnel.length;
        if (decodeVlanTcp() != 1240 + 51000 || decodeGtpu() != 1240 + 40000 || !packet.gtp) {
            throw new IllegalStateException("benchmark frames do not decode: ipLength=" + packet.ipLength);
        }
    }

    @Benchmark
    public int decodeVlanTcp() {
        MalformedReason reason = decoder.decode(vlanTcp, 0, vlanTcpLength, vlanTcpLength, LinkType.ETHERNET, 0, packet);
        return reason == MalformedReason.NONE ? packet.ipLength + packet.srcPort : -1;
    }

    @Benchmark
    public int decodeGtpu() {
        MalformedReason reason = decoder.decode(gtpu, 0, gtpuLength, gtpuLength, LinkType.ETHERNET, 0, packet);
        return reason == MalformedReason.NONE ? packet.ipLength + packet.srcPort : -1;
    }
}

package io.chargeflow.app;

import io.chargeflow.flow.AddressPools;
import io.chargeflow.flow.FlowContext;
import io.chargeflow.flow.Side;
import io.chargeflow.flow.SideRules;
import io.chargeflow.packet.CaptureDirection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The metering options shared by {@code meter}, {@code demo} and {@code bench}: sides, keys, processors. */
final class MeterOptions {
    @Option(names = "--processors", paramLabel = "N", description = "Processor threads (default: available cores).")
    int processors = Runtime.getRuntime().availableProcessors();

    @Option(
            names = "--sub-vlan",
            paramLabel = "VLAN",
            description = "VLAN id (innermost tag) of the subscriber side; repeatable (default: 100).")
    List<Integer> subVlans = new ArrayList<>();

    @Option(
            names = "--net-vlan",
            paramLabel = "VLAN",
            description = "VLAN id (innermost tag) of the network side; repeatable (default: 200).")
    List<Integer> netVlans = new ArrayList<>();

    @Option(
            names = "--side-rule",
            paramLabel = "RULE",
            description = "Extra side rule: vlan:N=SIDE, outer-vlan:N=SIDE, iface:ID=SIDE, ifname:NAME=SIDE, "
                    + "ifindex:N=SIDE (the interface index of a capture on 'any'), gtpu=SIDE; repeatable. Interface"
                    + " rules win over GTP-U, then inner VLAN, then outer VLAN.")
    List<String> sideRules = new ArrayList<>();

    @Option(
            names = "--default-side",
            paramLabel = "SIDE",
            description = "Side of packets no rule matches: subscriber, network, both or ignore (default: ignore).")
    String defaultSide = "ignore";

    @Option(
            names = "--direction",
            paramLabel = "WHICH",
            description = "Frames metered: in (received), out (sent) or both (default). A meter on the gateway that"
                    + " captures both of its ports sees each forwarded packet twice: --direction in counts it once. Live,"
                    + " the kernel selects them; in files a frame's Linux cooked header (SLL, SLL2: a capture on 'any')"
                    + " or its pcapng block's flags say its direction, and frames that say neither are kept and"
                    + " counted.")
    String direction = "both";

    @Option(
            names = "--ipv6-prefix",
            paramLabel = "LEN",
            description = "IPv6 subscribers are keyed by this prefix length (default: 64; 128 = full address).")
    int ipv6Prefix = 64;

    @Option(
            names = "--subscriber-pool",
            paramLabel = "CIDR",
            description = "Subscriber address pool; traffic between two subscribers is peer-to-peer. Repeatable.")
    List<String> subscriberPools = new ArrayList<>();

    @Option(
            names = "--idle-timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "A session with no packet for this long (packet time) closes (default: 5m).")
    Duration idleTimeout = Duration.ofMinutes(5);

    @Option(names = "--gtpu-port", paramLabel = "PORT", description = "UDP port of GTP-U (default: 2152).")
    int gtpuPort = 2152;

    static final int DEFAULT_RING_CAPACITY = 1 << 15;

    @Option(
            names = "--ring-capacity",
            paramLabel = "RECORDS",
            description = "Records each processor's ring holds, a power of two (default: 32768).")
    int ringCapacity = DEFAULT_RING_CAPACITY;

    @Option(
            names = "--expected-subscribers",
            paramLabel = "N",
            description = "Presize session tables for this many subscribers (default: 262144; tables grow anyway).")
    // growing a table mid-run rehashes it and, the first time, sends the compiled packet path back to the JIT
    // (a deoptimisation and a recompile on a busy core); a quarter million keys cost 42 MB of start-up memory
    // without rating groups, 120 MB with them
    int expectedSubscribers = 1 << 18;

    /** {@link #direction}, parsed. */
    CaptureDirection captureDirection() {
        return CaptureDirection.parse(direction);
    }

    /** Builds the flow context; mistakes fail with name=value messages. */
    FlowContext toContext() {
        SideRules.Builder rules = SideRules.builder();
        (subVlans.isEmpty() ? List.of(100) : subVlans).forEach(rules::subscriberVlan);
        (netVlans.isEmpty() ? List.of(200) : netVlans).forEach(rules::networkVlan);
        sideRules.forEach(rules::parse);
        rules.defaultSide(Side.parse(defaultSide));
        return new FlowContext()
                .processors(processors)
                .ipv6PrefixLength(ipv6Prefix)
                .idleTimeout(idleTimeout)
                .gtpuPort(gtpuPort)
                .ringCapacity(ringCapacity)
                .expectedSubscribers(expectedSubscribers)
                .sideRules(rules.build())
                .captureDirection(captureDirection())
                .subscriberPools(AddressPools.of(subscriberPools));
    }
}

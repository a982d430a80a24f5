package io.chargeflow.packet.gen;

import java.time.Duration;
import java.time.Instant;

/**
 * What {@link TrafficGenerator} writes: size, mix and layout of one synthetic gateway-tap capture. Immutable; built
 * on the caller's thread (the CLI maps its options one to one onto the {@link Builder}), validated at construction
 * with {@code name=value} messages.
 *
 * <p>Options, as {@code chargeflow gen} names them, with their defaults:
 * <ul>
 *   <li>{@code --seed} (1): the same seed and options give byte-identical files.
 *   <li>{@code --packets} (1,000,000): exact number of frames written, 1 to 1,000,000,000.
 *   <li>{@code --subscribers} (10,000): user equipments, 1 to 1,000,000; IPv4 UEs hold one address out of three
 *       pools (10.0.0.0/9, 100.64.0.0/10, 172.16.0.0/12), IPv6 UEs a /64 and use one to four interface ids in it.
 *   <li>{@code --ipv6-share} (0.3): share of UEs that are IPv6.
 *   <li>{@code --gtp-share} (0.2): share of uplink packets carried inside GTP-U (eNB to gateway, UDP 2152).
 *   <li>{@code --qinq-share} (0.1): share of tagged frames with an 802.1ad service tag (3000+) outside the 802.1Q
 *       side tag.
 *   <li>{@code --p2p-share} (0.02): share of events that are a UE-to-UE packet seen twice (uplink on the subscriber
 *       VLAN, then downlink on the network VLAN).
 *   <li>{@code --malformed-share} (0.002): share of frames that are malformed, cycling through every reason in
 *       {@link TrafficGenerator#MALFORMED_REASONS}.
 *   <li>{@code --unclassified-share} (0.01): share of frames untagged or on another VLAN (not charged).
 *   <li>{@code --snaplen-cut-share} (0.02): share of ordinary frames captured short (96 bytes or the headers) but
 *       charged their full IP length.
 *   <li>{@code --fragment-share} (0.01): share of events that are a UDP datagram sent as two or three IP fragments.
 *   <li>{@code --gen-sub-vlan} (100), {@code --gen-net-vlan} (200): the side VLANs (innermost tag).
 *   <li>{@code --truth-ipv6-prefix} (64): how IPv6 subscriber keys in the truth are masked; 128 keys each address.
 *   <li>{@code --nanos} (false): nanosecond pcap timestamps (magic 0xa1b23c4d) instead of microseconds.
 *   <li>{@code --start} (2026-01-01T00:00:00Z), {@code --duration} (10 minutes): the span the timestamps cover.
 * </ul>
 * Shares are probabilities drawn per event, so the counts written are close to, not exactly, the shares; the
 * result and the truth sidecar give the exact counts.
 */
public record GeneratorConfig(
        long seed,
        long packets,
        int subscribers,
        double ipv6Share,
        double gtpShare,
        double qinqShare,
        double p2pShare,
        double malformedShare,
        double unclassifiedShare,
        double snaplenCutShare,
        double fragmentShare,
        int subVlan,
        int netVlan,
        int ipv6PrefixLength,
        boolean nanosecondTimestamps,
        Instant start,
        Duration duration) {

    public static final long MAX_PACKETS = 1_000_000_000L;
    public static final int MAX_SUBSCRIBERS = 1_000_000;

    public GeneratorConfig {
        if (packets < 1 || packets > MAX_PACKETS) {
            throw new IllegalArgumentException("packets=" + packets + " must be 1.." + MAX_PACKETS);
        }
        if (subscribers < 1 || subscribers > MAX_SUBSCRIBERS) {
            throw new IllegalArgumentException("subscribers=" + subscribers + " must be 1.." + MAX_SUBSCRIBERS);
        }
        checkShare("ipv6Share", ipv6Share);
        checkShare("gtpShare", gtpShare);
        checkShare("qinqShare", qinqShare);
        checkShare("p2pShare", p2pShare);
        checkShare("malformedShare", malformedShare);
        checkShare("unclassifiedShare", unclassifiedShare);
        checkShare("snaplenCutShare", snaplenCutShare);
        checkShare("fragmentShare", fragmentShare);
        double events = p2pShare + malformedShare + unclassifiedShare + fragmentShare;
        if (events > 1.0) {
            throw new IllegalArgumentException(
                    "p2pShare+malformedShare+unclassifiedShare+fragmentShare=" + events + " must be at most 1");
        }
        checkVlan("subVlan", subVlan);
        checkVlan("netVlan", netVlan);
        if (subVlan == netVlan) {
            throw new IllegalArgumentException("subVlan=" + subVlan + " must differ from netVlan=" + netVlan);
        }
        if (ipv6PrefixLength < 1 || ipv6PrefixLength > 128) {
            throw new IllegalArgumentException("ipv6PrefixLength=" + ipv6PrefixLength + " must be 1..128");
        }
        if (start == null) {
            throw new IllegalArgumentException("start=null must be an instant");
        }
        if (duration == null || duration.isNegative() || duration.isZero() || duration.toDays() > 3650) {
            throw new IllegalArgumentException("duration=" + duration + " must be positive and at most 3650 days");
        }
        if (start.getEpochSecond() < 0 || start.getEpochSecond() + duration.toSeconds() > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("start=" + start + " with duration=" + duration
                    + " must fit pcap's unsigned 32-bit seconds since 1970");
        }
    }

    /** The defaults listed above. */
    public static GeneratorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder preset to this configuration. */
    public Builder toBuilder() {
        return new Builder()
                .seed(seed)
                .packets(packets)
                .subscribers(subscribers)
                .ipv6Share(ipv6Share)
                .gtpShare(gtpShare)
                .qinqShare(qinqShare)
                .p2pShare(p2pShare)
                .malformedShare(malformedShare)
                .unclassifiedShare(unclassifiedShare)
                .snaplenCutShare(snaplenCutShare)
                .fragmentShare(fragmentShare)
                .subVlan(subVlan)
                .netVlan(netVlan)
                .ipv6PrefixLength(ipv6PrefixLength)
                .nanosecondTimestamps(nanosecondTimestamps)
                .start(start)
                .duration(duration);
    }

    private static void checkShare(String name, double share) {
        if (!(share >= 0.0 && share <= 1.0)) {
            throw new IllegalArgumentException(name + "=" + share + " must be within 0..1");
        }
    }

    private static void checkVlan(String name, int vlan) {
        if (vlan < 1 || vlan > 4094) {
            throw new IllegalArgumentException(name + "=" + vlan + " must be a VLAN id 1..4094");
        }
    }

    /** Mutable collector of options, starting from the defaults; {@link #build} validates. */
    public static final class Builder {
        private long seed = 1;
        private long packets = 1_000_000;
        private int subscribers = 10_000;
        private double ipv6Share = 0.3;
        private double gtpShare = 0.2;
        private double qinqShare = 0.1;
        private double p2pShare = 0.02;
        private double malformedShare = 0.002;
        private double unclassifiedShare = 0.01;
        private double snaplenCutShare = 0.02;
        private double fragmentShare = 0.01;
        private int subVlan = 100;
        private int netVlan = 200;
        private int ipv6PrefixLength = 64;
        private boolean nanosecondTimestamps;
        private Instant start = Instant.parse("2026-01-01T00:00:00Z");
        private Duration duration = Duration.ofMinutes(10);

        private Builder() {}

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder packets(long value) {
            packets = value;
            return this;
        }

        public Builder subscribers(int value) {
            subscribers = value;
            return this;
        }

        public Builder ipv6Share(double value) {
            ipv6Share = value;
            return this;
        }

        public Builder gtpShare(double value) {
            gtpShare = value;
            return this;
        }

        public Builder qinqShare(double value) {
            qinqShare = value;
            return this;
        }

        public Builder p2pShare(double value) {
            p2pShare = value;
            return this;
        }

        public Builder malformedShare(double value) {
            malformedShare = value;
            return this;
        }

        public Builder unclassifiedShare(double value) {
            unclassifiedShare = value;
            return this;
        }

        public Builder snaplenCutShare(double value) {
            snaplenCutShare = value;
            return this;
        }

        public Builder fragmentShare(double value) {
            fragmentShare = value;
            return this;
        }

        public Builder subVlan(int value) {
            subVlan = value;
            return this;
        }

        public Builder netVlan(int value) {
            netVlan = value;
            return this;
        }

        public Builder ipv6PrefixLength(int value) {
            ipv6PrefixLength = value;
            return this;
        }

        public Builder nanosecondTimestamps(boolean value) {
            nanosecondTimestamps = value;
            return this;
        }

        public Builder start(Instant value) {
            start = value;
            return this;
        }

        public Builder duration(Duration value) {
            duration = value;
            return this;
        }

        public GeneratorConfig build() {
            return new GeneratorConfig(
                    seed,
                    packets,
                    subscribers,
                    ipv6Share,
                    gtpShare,
                    qinqShare,
                    p2pShare,
                    malformedShare,
                    unclassifiedShare,
                    snaplenCutShare,
                    fragmentShare,
                    subVlan,
                    netVlan,
                    ipv6PrefixLength,
                    nanosecondTimestamps,
                    start,
                    duration);
        }
    }
}

package io.chargeflow.flow;

import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of a {@link FlowEngine}: processors, keying, timeouts, side rules, subscriber pools, the directory
 * and the listener of closed sessions. Built on the control thread before the engine starts; immutable afterwards.
 */
public final class FlowContext {
    private int processors = Runtime.getRuntime().availableProcessors();
    private int ipv6PrefixLength = 64;
    private Duration idleTimeout = Duration.ofMinutes(5);
    private int ringCapacity = 1 << 15;
    private int expectedSubscribers = 1 << 16;
    private SideRules sideRules = SideRules.defaults();
    private AddressPools subscriberPools = new AddressPools();
    private java.util.function.Supplier<BoundAddresses> boundAddresses;
    private SubscriberDirectory directory = SubscriberDirectory.NONE;
    private SessionListener sessionListener = SessionListener.NONE;
    private Duration lookupDrainTimeout = Duration.ofSeconds(30);
    private int gtpuPort = 2152;
    private io.chargeflow.packet.CaptureDirection captureDirection = io.chargeflow.packet.CaptureDirection.BOTH;
    private ServiceRules serviceRules;
    private java.util.function.IntFunction<SessionRecorder> sessionRecorders;
    private Duration flowIdleTimeout = Duration.ofMinutes(2);
    private Duration activityTimeout = Duration.ofSeconds(60);
    private int defaultRatingGroup = 1;
    private long recordVolumeLimit;
    private Duration recordTimeLimit = Duration.ZERO;
    private int recordMaxContainers;

    public FlowContext processors(int count) {
        if (count < 1 || count > 1024) {
            throw new IllegalArgumentException("processors=" + count + " must be 1..1024");
        }
        this.processors = count;
        return this;
    }

    public FlowContext ipv6PrefixLength(int length) {
        if (length < 1 || length > 128) {
            throw new IllegalArgumentException("ipv6-prefix=" + length + " must be 1..128");
        }
        this.ipv6PrefixLength = length;
        return this;
    }

    public FlowContext idleTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("idle-timeout=" + timeout + " must be positive");
        }
        this.idleTimeout = timeout;
        return this;
    }

    public FlowContext ringCapacity(int records) {
        if (records < 64 || Integer.bitCount(records) != 1) {
            throw new IllegalArgumentException("ring-capacity=" + records + " must be a power of two >= 64");
        }
        this.ringCapacity = records;
        return this;
    }

    public FlowContext expectedSubscribers(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("expected-subscribers=" + count + " must be positive");
        }
        this.expectedSubscribers = count;
        return this;
    }

    public FlowContext sideRules(SideRules rules) {
        this.sideRules = Objects.requireNonNull(rules, "sideRules");
        return this;
    }

    /**
     * Where the addresses bound to subscribers come from (a directory's bindings, kept current as they change): with
     * the pools, they tell the reader which packets' other ends are subscribers (peer-to-peer). The reader takes the
     * current set once per batch of frames. Null (the default): the pools alone.
     */
    public FlowContext boundAddresses(java.util.function.Supplier<BoundAddresses> source) {
        this.boundAddresses = source;
        return this;
    }

    public java.util.function.Supplier<BoundAddresses> boundAddresses() {
        return boundAddresses;
    }

    public FlowContext subscriberPools(AddressPools pools) {
        this.subscriberPools = Objects.requireNonNull(pools, "subscriberPools");
        return this;
    }

    public FlowContext directory(SubscriberDirectory directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    public FlowContext sessionListener(SessionListener listener) {
        this.sessionListener = Objects.requireNonNull(listener, "sessionListener");
        return this;
    }

    /** How long (wall time) the end of input waits for outstanding directory answers before closing sessions. */
    public FlowContext lookupDrainTimeout(Duration timeout) {
        this.lookupDrainTimeout = Objects.requireNonNull(timeout, "lookupDrainTimeout");
        return this;
    }

    public FlowContext gtpuPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("gtpu-port=" + port + " must be 1..65535");
        }
        this.gtpuPort = port;
        return this;
    }

    /**
     * The frames of a capture file metered by their direction (see {@link io.chargeflow.packet.CaptureDirection}):
     * frames of the other direction are counted and skipped; frames whose link header or pcapng block does not say
     * are kept. A live source selects its frames itself (the kernel does), so this applies to files only.
     */
    public FlowContext captureDirection(io.chargeflow.packet.CaptureDirection direction) {
        this.captureDirection = Objects.requireNonNull(direction, "captureDirection");
        return this;
    }

    public io.chargeflow.packet.CaptureDirection captureDirection() {
        return captureDirection;
    }

    /** Rating-group rules; null (the default) meters sessions without usage containers. */
    public FlowContext serviceRules(ServiceRules rules) {
        this.serviceRules = rules;
        return this;
    }

    /** A flow with no packet for this long (packet time) is forgotten; its next packet is decided anew. */
    public FlowContext flowIdleTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("flow-idle-timeout=" + timeout + " must be positive");
        }
        this.flowIdleTimeout = timeout;
        return this;
    }

    /** Gaps between packets up to this long count as active time of a usage container. */
    public FlowContext activityTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("activity-timeout=" + timeout + " must not be negative");
        }
        this.activityTimeout = timeout;
        return this;
    }

    /** Makes one {@link SessionRecorder} per processor (argument: the processor id); null records nothing. */
    public FlowContext sessionRecorders(java.util.function.IntFunction<SessionRecorder> factory) {
        this.sessionRecorders = factory;
        return this;
    }

    public java.util.function.IntFunction<SessionRecorder> sessionRecorders() {
        return sessionRecorders;
    }

    /**
     * Limits of one record of a session (with {@link #sessionRecorders}): a partial record is cut at the packet that
     * brings its octets to {@code volumeOctets}, at the first packet or sweep {@code time} after it opened (cut at the
     * limit's boundary), and before a container would be added beyond {@code maxContainers}. Zero means no limit.
     */
    public FlowContext recordLimits(long volumeOctets, Duration time, int maxContainers) {
        if (volumeOctets < 0 || time.isNegative() || maxContainers < 0 || maxContainers > 64) {
            throw new IllegalArgumentException("record limits volume=" + volumeOctets + " time=" + time + " containers="
                    + maxContainers + " must be >= 0 (containers at most 64)");
        }
        this.recordVolumeLimit = volumeOctets;
        this.recordTimeLimit = time;
        this.recordMaxContainers = maxContainers;
        return this;
    }

    public long recordVolumeLimit() {
        return recordVolumeLimit;
    }

    public Duration recordTimeLimit() {
        return recordTimeLimit;
    }

    public int recordMaxContainers() {
        return recordMaxContainers;
    }

    /** The rating group recorded for all usage when no service rules are set (default 1). */
    public FlowContext defaultRatingGroup(int ratingGroup) {
        if (ratingGroup < 0) {
            throw new IllegalArgumentException("default-rating-group=" + ratingGroup + " must be >= 0");
        }
        this.defaultRatingGroup = ratingGroup;
        return this;
    }

    public int defaultRatingGroup() {
        return defaultRatingGroup;
    }

    public ServiceRules serviceRules() {
        return serviceRules;
    }

    /**
     * The rules processors meter rating groups by: the configured ones; without them, when records are written, a
     * built-in rule that puts everything in the default rating group (records need containers); otherwise null, and
     * processors keep session totals only. The flow manager writes the record fields the rules read only when there
     * are rules.
     */
    public ServiceRules meteringRules() {
        if (serviceRules != null || sessionRecorders == null) {
            return serviceRules;
        }
        // made once and shared by the processors and the flow manager (each parse builds its port tables afresh)
        if (builtInRules == null || builtInRules.ratingGroup(builtInRules.size()) != defaultRatingGroup) {
            builtInRules =
                    ServiceRules.parse(java.util.List.of("default: rg=" + defaultRatingGroup + " sid=0"), "built-in");
        }
        return builtInRules;
    }

    /** The built-in rule of {@link #meteringRules}, once made (for the default rating group it names). */
    private ServiceRules builtInRules;

    public Duration flowIdleTimeout() {
        return flowIdleTimeout;
    }

    public Duration activityTimeout() {
        return activityTimeout;
    }

    public int processors() {
        return processors;
    }

    public int ipv6PrefixLength() {
        return ipv6PrefixLength;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public int ringCapacity() {
        return ringCapacity;
    }

    public int expectedSubscribers() {
        return expectedSubscribers;
    }

    public SideRules sideRules() {
        return sideRules;
    }

    public AddressPools subscriberPools() {
        return subscriberPools;
    }

    public SubscriberDirectory directory() {
        return directory;
    }

    public SessionListener sessionListener() {
        return sessionListener;
    }

    public Duration lookupDrainTimeout() {
        return lookupDrainTimeout;
    }

    public int gtpuPort() {
        return gtpuPort;
    }
}

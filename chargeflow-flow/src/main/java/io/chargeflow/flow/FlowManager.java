package io.chargeflow.flow;

import io.chargeflow.flow.internal.KeyIndex;
import io.chargeflow.flow.internal.NameSniffer;
import io.chargeflow.flow.internal.RecordLayout;
import io.chargeflow.flow.internal.RecordRing;
import io.chargeflow.packet.CaptureDirection;
import io.chargeflow.packet.DecodedPacket;
import io.chargeflow.packet.FrameHandler;
import io.chargeflow.packet.MalformedReason;
import io.chargeflow.packet.PacketDecoder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.LockSupport;

/**
 * The flow manager: decodes each captured frame in place, decides its side, picks the subscriber key (source IP on
 * the subscriber side, destination IP on the network side, both under {@link Side#BOTH}), picks the processor that
 * owns the key, and appends a compact record to that processor's ring.
 *
 * <p>Runs on the reader thread (one per capture source); allocates nothing per packet. Records are published to a
 * ring in batches; a full ring makes the reader wait (a file is read more slowly, nothing is dropped), counted in
 * {@link #backpressureWaits()}.
 */
public final class FlowManager implements FrameHandler {
    private static final int PUBLISH_BATCH = 256;
    private static final ValueLayout.OfInt INT_BE =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private static final MalformedReason[] REASONS = MalformedReason.values();

    private final PacketDecoder decoder;
    private final DecodedPacket packet = new DecodedPacket();
    private final SideRules sideRules;
    private final AddressPools pools;
    /** Whether a record's other end is tested against the pools and the bound addresses (either is there). */
    private final boolean checkPools;
    /** The directory's bound addresses, taken anew at each {@link #flush} (null without a directory). */
    private final java.util.function.Supplier<BoundAddresses> boundSource;

    private BoundAddresses bound = BoundAddresses.EMPTY;
    private final int ipv6PrefixLength;
    private final RecordRing[] rings;
    private final int[] unpublished;
    private final Processor[] processors;

    // rating-group hints: server names sniffed from payloads; the addresses of DNS answers go to the processors
    private final ServiceRules serviceRules;
    private final boolean sniffNames;
    /** Whether processors meter rating groups (rules, or CDRs with the default one): they read every record field. */
    private final boolean serviceFields;
    /** The run's seed of {@link #flowHash}. */
    private final long flowSeed = new java.util.SplittableRandom().nextLong();

    private final byte[] name = new byte[NameSniffer.MAX_NAME + 1];
    /** A payload the sniffer parses, copied out of the capture (a captured frame is at most 65,535 bytes). */
    private final byte[] payload = new byte[65_536];

    /** The rule mask of the question of the DNS answer being read. */
    private long answerMask;
    /** The subscriber key of the DNS answer being read (its receiver, as a record would key it). */
    private long answerKeyHi;

    private long answerKeyLo;
    private long answerTimeNs;
    private final NameSniffer.AnswerSink learnSink = this::appendLearn;
    private long namesSeen;
    private long learnRecords;

    // GTP-U tunnel endpoint pairs (outer IPv4 source, destination) seen carrying G-PDUs: a later fragment of an
    // outer datagram between them continues a subscriber packet already charged at its first fragment
    private static final int MAX_TUNNEL_PAIRS = 1 << 16;
    /** Seeded: the endpoints are the sender's to choose (see {@link KeyIndex#hash}). */
    private final KeyIndex tunnelPairs = new KeyIndex(64, new java.util.SplittableRandom().nextLong());

    private long tunnelContinuations;

    private long lastTimeNs = Long.MIN_VALUE;
    /** Set for {@link FlowEngine#readThenProcess}: a full ring is an error, not a wait. */
    private boolean isolated;

    // counters (reader thread)
    private long frames;
    private long frameBytes;
    private long chargedPackets;
    private long uplinkRecords;
    private long uplinkBytes;
    private long downlinkRecords;
    private long downlinkBytes;
    private long unclassifiedPackets;
    private long unclassifiedBytes;
    private long peerToPeerPackets;
    private long gtpPackets;
    private long snaplenTruncated;
    /** Frames of the other direction than the one metered (in a file), and their bytes on the wire. */
    private long otherDirectionFrames;

    private long otherDirectionBytes;
    /** Frames kept under a direction filter because neither their link header nor their pcapng block says it. */
    private long framesWithoutDirection;
    /** The direction of files' frames metered (see {@link FlowContext#captureDirection}). */
    private final CaptureDirection wantedDirection;

    private long backpressureWaits;
    private final long[] malformed = new long[REASONS.length];

    FlowManager(FlowContext context, RecordRing[] rings, Processor[] processors) {
        this.decoder = new PacketDecoder(context.gtpuPort(), true);
        this.sideRules = context.sideRules();
        this.wantedDirection = context.captureDirection();
        this.pools = context.subscriberPools();
        this.boundSource = context.boundAddresses();
        this.checkPools = !pools.isEmpty() || boundSource != null;
        this.ipv6PrefixLength = context.ipv6PrefixLength();
        this.rings = rings;
        this.unpublished = new int[rings.length];
        this.processors = processors;
        this.serviceRules = context.serviceRules();
        this.sniffNames = serviceRules != null && serviceRules.usesNames();
        this.serviceFields = context.meteringRules() != null;
    }

    @Override
    public void onFrame(
            MemorySegment data,
            long offset,
            int capturedLength,
            int originalLength,
            long timestampNs,
            int interfaceId,
            int linkType) {
        frames++;
        frameBytes += originalLength;
        MalformedReason reason =
                decoder.decode(data, offset, capturedLength, originalLength, linkType, interfaceId, packet);
        if (reason != MalformedReason.NONE) {
            malformed[reason.ordinal()]++;
            return;
        }
        if (timestampNs > lastTimeNs) {
            lastTimeNs = timestampNs;
        }
        DecodedPacket p = packet;
        if (p.gtp) {
            gtpPackets++;
            learnTunnel(p);
        } else if (p.fragment
                && !p.hasPorts
                && p.ipVersion == 4
                && p.protocol == 17
                && tunnelPairs.size() > 0
                && tunnelPairs.find(0, pair(p.srcV4, p.dstV4)) >= 0) {
            tunnelContinuations++;
            return;
        }
        if (p.truncatedBySnaplen) {
            snaplenTruncated++;
        }
        Side side = sideRules.classify(p);
        long nameMask = 0;
        if (sniffNames && side != Side.IGNORE && p.payloadCapturedLength > 0) {
            nameMask = sniff(data, p, timestampNs);
        }
        switch (side) {
            case SUBSCRIBER -> {
                chargedPackets++;
                chargeSource(p, timestampNs, nameMask);
            }
            case NETWORK -> {
                chargedPackets++;
                chargeDestination(p, timestampNs, nameMask);
            }
            case BOTH -> {
                chargedPackets++;
                chargeSource(p, timestampNs, nameMask);
                chargeDestination(p, timestampNs, nameMask);
            }
            case IGNORE -> {
                unclassifiedPackets++;
                unclassifiedBytes += p.ipLength;
            }
        }
    }

    /** Whether an IPv4 address lies in a subscriber pool or is bound to a subscriber in the directory. */
    private boolean subscriberV4(int address) {
        return pools.containsV4(address) || bound.containsV4(address);
    }

    /** Whether an IPv6 address lies in a subscriber pool or in a prefix bound to a subscriber. */
    private boolean subscriberV6(long hi, long lo) {
        return pools.containsV6(hi, lo) || bound.contains(hi, lo);
    }

    private void chargeSource(DecodedPacket p, long timeNs, long nameMask) {
        uplinkRecords++;
        uplinkBytes += p.ipLength;
        if (p.ipVersion == 4) {
            boolean peerIsSubscriber = checkPools && subscriberV4(p.dstV4);
            append(
                    0,
                    SubscriberKeys.ipv4Lo(p.srcV4),
                    0,
                    SubscriberKeys.ipv4Lo(p.dstV4),
                    timeNs,
                    p,
                    false,
                    peerIsSubscriber,
                    nameMask);
        } else {
            boolean peerIsSubscriber = checkPools && subscriberV6(p.dstHi, p.dstLo);
            append(
                    SubscriberKeys.maskHi(p.srcHi, ipv6PrefixLength),
                    SubscriberKeys.maskLo(p.srcLo, ipv6PrefixLength),
                    p.dstHi,
                    p.dstLo,
                    timeNs,
                    p,
                    false,
                    peerIsSubscriber,
                    nameMask);
        }
    }

    private void chargeDestination(DecodedPacket p, long timeNs, long nameMask) {
        downlinkRecords++;
        downlinkBytes += p.ipLength;
        if (p.ipVersion == 4) {
            boolean peerIsSubscriber = checkPools && subscriberV4(p.srcV4);
            append(
                    0,
                    SubscriberKeys.ipv4Lo(p.dstV4),
                    0,
                    SubscriberKeys.ipv4Lo(p.srcV4),
                    timeNs,
                    p,
                    true,
                    peerIsSubscriber,
                    nameMask);
        } else {
            boolean peerIsSubscriber = checkPools && subscriberV6(p.srcHi, p.srcLo);
            append(
                    SubscriberKeys.maskHi(p.dstHi, ipv6PrefixLength),
                    SubscriberKeys.maskLo(p.dstLo, ipv6PrefixLength),
                    p.srcHi,
                    p.srcLo,
                    timeNs,
                    p,
                    true,
                    peerIsSubscriber,
                    nameMask);
        }
    }

    /** Writes one record; the peer is the full address of the other end (the processor masks it when needed). */
    private void append(
            long keyHi,
            long keyLo,
            long peerHi,
            long peerLo,
            long timeNs,
            DecodedPacket p,
            boolean downlink,
            boolean peerIsSubscriber,
            long nameMask) {
        if (peerIsSubscriber) {
            peerToPeerPackets++;
        }
        int target = SubscriberKeys.processorOf(keyHi, keyLo, rings.length);
        RecordRing ring = rings[target];
        int offset = claim(target);
        long[] buffer = ring.buffer;
        buffer[offset + RecordLayout.KEY_HI] = keyHi;
        buffer[offset + RecordLayout.KEY_LO] = keyLo;
        buffer[offset + RecordLayout.TIME_NS] = timeNs;
        buffer[offset + RecordLayout.META] = RecordLayout.meta(
                p.ipLength,
                downlink,
                peerIsSubscriber,
                p.protocol,
                // only TCP flows under name rules are ever looked up by it (see ServiceMeter)
                sniffNames && p.protocol == 6 ? flowHash(p, flowSeed) : 0);
        // processors without rating groups read only the key, time and meta, and the peer of a peer-to-peer record
        if (serviceFields || peerIsSubscriber) {
            buffer[offset + RecordLayout.PEER_HI] = peerHi;
            buffer[offset + RecordLayout.PEER_LO] = peerLo;
        }
        if (serviceFields) {
            int subscriberPort = downlink ? p.dstPort : p.srcPort;
            int peerPort = downlink ? p.srcPort : p.dstPort;
            buffer[offset + RecordLayout.PORTS] =
                    (p.hasPorts ? RecordLayout.PORTS_KNOWN_BIT | ((long) peerPort << 16) | subscriberPort : 0)
                            | (p.payloadCapturedLength > 0 ? RecordLayout.PAYLOAD_BIT : 0)
                            | ((p.tcpFlags & 0x02) != 0 ? RecordLayout.SYN_BIT : 0);
            buffer[offset + RecordLayout.HINT] = nameMask;
        }
        commit(target);
    }

    /** A free slot in the ring of processor {@code target}, waiting for one when it is full. */
    private int claim(int target) {
        int offset = rings[target].claim();
        return offset >= 0 ? offset : awaitSpace(target);
    }

    /** Commits the claimed slot; publishes the ring's pending records every {@link #PUBLISH_BATCH}. */
    private void commit(int target) {
        rings[target].commit();
        if (++unpublished[target] >= PUBLISH_BATCH) {
            rings[target].publish();
            unpublished[target] = 0;
        }
    }

    /**
     * Rule mask of the server name this packet reveals (SNI, Host, DNS question); a DNS answer whose question matches
     * a rule sends its addresses to the receiver's processor ({@link #appendLearn}). A payload that may name its
     * server (a few bytes tell) is copied to {@link #payload} in one bulk copy and parsed there.
     */
    private long sniff(MemorySegment data, DecodedPacket p, long timeNs) {
        // an IP payload is under 64 KiB (jumbograms are rejected by the decoder); the bound keeps the copy safe anyway
        int len = Math.min(p.payloadCapturedLength, payload.length);
        long off = p.payloadOffset;
        int n;
        if (p.protocol == 6) {
            if (len < 16
                    || !NameSniffer.mayNameServer(
                            data.get(INT_BE, off), data.get(ValueLayout.JAVA_BYTE, off + 5) & 0xFF)) {
                return 0;
            }
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off, payload, 0, len);
            n = NameSniffer.tlsServerName(payload, 0, len, name);
            if (n == 0) {
                n = NameSniffer.httpHost(payload, 0, len, name);
            }
            if (n > 0) {
                namesSeen++;
                return serviceRules.matchName(name, n);
            }
        } else if (p.protocol == 17 && p.hasPorts && p.srcPort == 53 && len > 0) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off, payload, 0, len);
            n = NameSniffer.dnsQuestion(payload, 0, len, name);
            if (n > 0) {
                namesSeen++;
                answerMask = serviceRules.matchName(name, n);
                if (answerMask != 0) {
                    // the answer is the receiver's: keyed as the records of the destination are
                    if (p.ipVersion == 4) {
                        answerKeyHi = 0;
                        answerKeyLo = SubscriberKeys.ipv4Lo(p.dstV4);
                    } else {
                        answerKeyHi = SubscriberKeys.maskHi(p.dstHi, ipv6PrefixLength);
                        answerKeyLo = SubscriberKeys.maskLo(p.dstLo, ipv6PrefixLength);
                    }
                    answerTimeNs = timeNs;
                    NameSniffer.dnsAnswers(payload, 0, len, learnSink);
                }
            }
        }
        return 0;
    }

    /**
     * A learn record for one address of a DNS answer (see {@link RecordLayout#LEARN_BIT}): to the processor of the
     * answer's receiver, in order with that subscriber's packets, so the ones after the answer are looked up with it.
     * The processor keeps what its subscribers learned: the reader's part is the question and its match.
     */
    private void appendLearn(long hi, long lo) {
        learnRecords++;
        int target = SubscriberKeys.processorOf(answerKeyHi, answerKeyLo, rings.length);
        RecordRing ring = rings[target];
        int offset = claim(target);
        long[] buffer = ring.buffer;
        buffer[offset + RecordLayout.KEY_HI] = answerKeyHi;
        buffer[offset + RecordLayout.KEY_LO] = answerKeyLo;
        buffer[offset + RecordLayout.PEER_HI] = hi;
        buffer[offset + RecordLayout.PEER_LO] = lo;
        buffer[offset + RecordLayout.TIME_NS] = answerTimeNs;
        buffer[offset + RecordLayout.META] = RecordLayout.LEARN_BIT;
        buffer[offset + RecordLayout.PORTS] = 0;
        buffer[offset + RecordLayout.HINT] = answerMask;
        commit(target);
    }

    /** Learn records sent to the processors: addresses of DNS answers whose question matched a name rule. */
    public long learnRecords() {
        return learnRecords;
    }

    private void learnTunnel(DecodedPacket p) {
        if (p.tunnelSrcV4 == 0 && p.tunnelDstV4 == 0) {
            return;
        }
        long pair = pair(p.tunnelSrcV4, p.tunnelDstV4);
        if (tunnelPairs.find(0, pair) < 0) {
            if (tunnelPairs.size() >= MAX_TUNNEL_PAIRS) {
                tunnelPairs.clear();
            }
            tunnelPairs.insert(0, pair);
        }
    }

    private static long pair(int src, int dst) {
        return ((long) src << 32) | (dst & 0xFFFF_FFFFL);
    }

    /** Frames skipped for their direction (see {@link FlowContext#captureDirection}). */
    public long otherDirectionFrames() {
        return otherDirectionFrames;
    }

    /** Bytes on the wire of {@link #otherDirectionFrames}. */
    public long otherDirectionBytes() {
        return otherDirectionBytes;
    }

    /** Frames kept under a direction filter whose link header and pcapng block do not tell their direction. */
    public long framesWithoutDirection() {
        return framesWithoutDirection;
    }

    /**
     * Later fragments of outer IPv4 datagrams that carried GTP-U: part of a subscriber packet charged (inner IP
     * length) at the datagram's first fragment, so not charged again.
     */
    public long tunnelContinuations() {
        return tunnelContinuations;
    }

    /** Server names seen in payloads (SNI, Host, DNS questions). */
    public long namesSeen() {
        return namesSeen;
    }

    /**
     * The flow's hash, the same for both directions: the two ends (address and port) in a fixed order, with the
     * protocol and a seed of the run. The processors' flow table takes its slot from it and their flow filter its bits,
     * so flows must not be able to share it at will: an XOR of the two ends, the hash before, was the same for every
     * port pair with the same XOR (one client could crowd a slot's cluster with tens of thousands of handshakes), and
     * without the seed colliding tuples could be computed ahead. The seed changes nothing but placement: the table's
     * key is the whole flow.
     */
    static int flowHash(DecodedPacket p, long seed) {
        long h;
        if (p.ipVersion == 4) {
            long src = ((p.srcV4 & 0xFFFF_FFFFL) << 16) | p.srcPort;
            long dst = ((p.dstV4 & 0xFFFF_FFFFL) << 16) | p.dstPort;
            h = SubscriberKeys.hash(Math.min(src, dst) ^ seed, (Math.max(src, dst) << 8) | p.protocol);
        } else {
            int order = Long.compareUnsigned(p.srcHi, p.dstHi);
            if (order == 0) {
                order = Long.compareUnsigned(p.srcLo, p.dstLo);
            }
            if (order == 0) {
                order = Integer.compare(p.srcPort, p.dstPort);
            }
            boolean srcFirst = order <= 0;
            long firstHi = srcFirst ? p.srcHi : p.dstHi;
            long firstLo = srcFirst ? p.srcLo : p.dstLo;
            long secondHi = srcFirst ? p.dstHi : p.srcHi;
            long secondLo = srcFirst ? p.dstLo : p.srcLo;
            long ports = srcFirst ? ((long) p.srcPort << 16) | p.dstPort : ((long) p.dstPort << 16) | p.srcPort;
            h = SubscriberKeys.hash(
                    SubscriberKeys.hash(firstHi ^ seed, firstLo) ^ secondHi, secondLo ^ (ports << 8 | p.protocol));
        }
        return (int) (h ^ (h >>> 32));
    }

    /** No processor runs while the reader fills the rings (see {@link FlowEngine#readThenProcess}). */
    void isolate() {
        isolated = true;
    }

    private int awaitSpace(int target) {
        if (isolated) {
            throw new IllegalStateException("the ring of processor " + target + " is full: its capacity of "
                    + rings[target].capacity() + " records cannot hold the whole input of an isolated run");
        }
        flush();
        RecordRing ring = rings[target];
        int spins = 0;
        int offset;
        while ((offset = ring.claim()) < 0) {
            backpressureWaits++;
            Throwable failure = processors[target].failure();
            if (failure != null || processors[target].isFinished()) {
                throw new IllegalStateException("processor " + target + " stopped", failure);
            }
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                // a full ring holds milliseconds of work: back off up to 160 µs rather than wake the core every 10 µs
                LockSupport.parkNanos(10_000L << Math.min(4, (spins - 100) >> 2));
            }
        }
        return offset;
    }

    /**
     * Moves packet time on to {@code timeNs} without a packet (a live interface gone quiet: its frames are stamped by
     * the same clock); the next {@link #flush} publishes it, and the processors sweep idle sessions by it.
     */
    public void advanceTime(long timeNs) {
        if (timeNs > lastTimeNs) {
            lastTimeNs = timeNs;
        }
    }

    /** Publishes every pending record and the current packet time. Reader thread, at the end of each batch. */
    public void flush() {
        if (boundSource != null) {
            // the directory's bindings as they are now: the next batch's packets are tested against them
            bound = boundSource.get();
        }
        for (int i = 0; i < rings.length; i++) {
            if (unpublished[i] > 0) {
                rings[i].publish();
                unpublished[i] = 0;
            }
            if (lastTimeNs != Long.MIN_VALUE) {
                rings[i].watermark(lastTimeNs);
            }
        }
    }

    /**
     * Starts reading {@code source}; returns the handler its frames go to: this flow manager, or under a direction
     * filter on a file one that skips (and counts) the frames of the other direction first, so that the frames of a run
     * without one pay nothing for it. A live source hands over only the frames asked for (the kernel selects them).
     */
    FrameHandler onSource(io.chargeflow.packet.CaptureSource source) {
        sideRules.onSource(source::interfaceName, source::linkInterfaceName);
        if (boundSource != null) {
            bound = boundSource.get();
        }
        return source.isLive() || wantedDirection == CaptureDirection.BOTH ? this : new DirectionFilter(source);
    }

    /**
     * The frames of a file under {@code --direction}: a frame's Linux cooked header, or else its pcapng block, tells its
     * direction; the other direction's frames are counted and skipped, and frames that say neither are kept and
     * counted. Read before the decoder runs, so a skipped frame costs a look at two octets.
     */
    private final class DirectionFilter implements FrameHandler {
        private final io.chargeflow.packet.CaptureSource source;

        DirectionFilter(io.chargeflow.packet.CaptureSource source) {
            this.source = source;
        }

        @Override
        public void onFrame(
                MemorySegment data,
                long offset,
                int capturedLength,
                int originalLength,
                long timestampNs,
                int interfaceId,
                int linkType) {
            int d = CaptureDirection.ofLinkHeader(data, offset, capturedLength, linkType);
            if (d == CaptureDirection.FRAME_UNKNOWN) {
                d = source.frameDirection();
            }
            if (d == CaptureDirection.FRAME_UNKNOWN) {
                framesWithoutDirection++;
            } else if (!wantedDirection.keeps(d)) {
                otherDirectionFrames++;
                otherDirectionBytes += originalLength;
                return;
            }
            FlowManager.this.onFrame(data, offset, capturedLength, originalLength, timestampNs, interfaceId, linkType);
        }
    }

    public long frames() {
        return frames;
    }

    public long frameBytes() {
        return frameBytes;
    }

    public long chargedPackets() {
        return chargedPackets;
    }

    public long uplinkRecords() {
        return uplinkRecords;
    }

    public long uplinkBytes() {
        return uplinkBytes;
    }

    public long downlinkRecords() {
        return downlinkRecords;
    }

    public long downlinkBytes() {
        return downlinkBytes;
    }

    public long unclassifiedPackets() {
        return unclassifiedPackets;
    }

    public long unclassifiedBytes() {
        return unclassifiedBytes;
    }

    public long peerToPeerPackets() {
        return peerToPeerPackets;
    }

    public long gtpPackets() {
        return gtpPackets;
    }

    public long snaplenTruncated() {
        return snaplenTruncated;
    }

    public long backpressureWaits() {
        return backpressureWaits;
    }

    /** Malformed frames of one reason. */
    public long malformed(MalformedReason reason) {
        return malformed[reason.ordinal()];
    }

    public long malformedTotal() {
        long total = 0;
        for (long count : malformed) {
            total += count;
        }
        return total;
    }

    public long lastTimeNs() {
        return lastTimeNs;
    }
}

package io.chargeflow.flow;

import io.chargeflow.flow.internal.KeyIndex;
import io.chargeflow.flow.internal.NameSniffer;
import io.chargeflow.flow.internal.RecordLayout;
import io.chargeflow.flow.internal.RecordRing;
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
    private final boolean checkPools;
    private final int ipv6PrefixLength;
    private final RecordRing[] rings;
    private final int[] unpublished;
    private final Processor[] processors;

    // rating-group hints: server names sniffed from payloads, and addresses learned from DNS answers
    /** Entries a generation of the learned table holds (two generations: at most 2^20 entries in all). */
    private static final int MAX_LEARNED = 1 << 19;

    private final ServiceRules serviceRules;
    private final boolean sniffNames;
    /** Whether processors meter rating groups (rules, or CDRs with the default one): they read every record field. */
    private final boolean serviceFields;
    /** The run's seed of {@link #flowHash} and of the learned table's keys. */
    private final long flowSeed = new java.util.SplittableRandom().nextLong();

    private final byte[] name = new byte[NameSniffer.MAX_NAME + 1];
    /** A payload the sniffer parses, copied out of the capture (a captured frame is at most 65,535 bytes). */
    private final byte[] payload = new byte[65_536];

    /**
     * What DNS answers taught, per subscriber: keyed by a 128-bit hash of (the subscriber who received the answer,
     * the answer's address), so that one subscriber's lookup does not classify another's traffic to that address. Two
     * generations: answers go to the current one; when it is full it becomes the previous one and the one before is
     * dropped, so the most recent answers survive where clearing a full table forgot all of them at once.
     */
    private final KeyIndex[] learned = {new KeyIndex(1024), new KeyIndex(1024)};

    private final long[][] learnedMask = {new long[1024], new long[1024]};
    /** Per entry, the address's bit in {@link #learnedBits} (to rebuild the bits when a generation is dropped). */
    private final int[][] learnedAddressBit = {new int[1024], new int[1024]};

    private int currentGeneration;
    /** Entries per generation ({@link #MAX_LEARNED}; tests make it small). */
    private int learnedCapacity = MAX_LEARNED;
    /**
     * A bit per (address hash mod 2^16) of the addresses either generation holds: most packets' servers were never
     * learned, and one load from 8 KiB tells them so, where the index lookup hashed and probed a slot for every record.
     */
    private final long[] learnedBits = new long[1 << 10];
    /**
     * A bit per learned (subscriber, address) pair, its hash mod 2^20 (128 KiB): a record to an address some other
     * subscriber learned stops here instead of probing the table.
     */
    private final long[] learnedPairBits = new long[1 << 14];

    private long learnedGenerationsDropped;

    private long answerMask;
    /** The subscriber key of the DNS answer being learned (its receiver, as a record would key it). */
    private long answerKeyHi;

    private long answerKeyLo;
    private final NameSniffer.AnswerSink learnSink = this::learn;
    private long namesSeen;

    // GTP-U tunnel endpoint pairs (outer IPv4 source, destination) seen carrying G-PDUs: a later fragment of an
    // outer datagram between them continues a subscriber packet already charged at its first fragment
    private static final int MAX_TUNNEL_PAIRS = 1 << 16;
    private final KeyIndex tunnelPairs = new KeyIndex(64);
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
    private long backpressureWaits;
    private final long[] malformed = new long[REASONS.length];

    FlowManager(FlowContext context, RecordRing[] rings, Processor[] processors) {
        this.decoder = new PacketDecoder(context.gtpuPort(), true);
        this.sideRules = context.sideRules();
        this.pools = context.subscriberPools();
        this.checkPools = !pools.isEmpty();
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
            nameMask = sniff(data, p);
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

    private void chargeSource(DecodedPacket p, long timeNs, long nameMask) {
        uplinkRecords++;
        uplinkBytes += p.ipLength;
        if (p.ipVersion == 4) {
            boolean peerIsSubscriber = checkPools && pools.containsV4(p.dstV4);
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
            boolean peerIsSubscriber = checkPools && pools.containsV6(p.dstHi, p.dstLo);
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
            boolean peerIsSubscriber = checkPools && pools.containsV4(p.srcV4);
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
            boolean peerIsSubscriber = checkPools && pools.containsV6(p.srcHi, p.srcLo);
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
        if (sniffNames && isLearnedCandidate(peerHi, peerLo)) {
            long a = learnedKeyA(keyHi, keyLo, peerHi, peerLo);
            if ((learnedPairBits[pairWord(a)] & (1L << a)) != 0) {
                nameMask |= learnedMask(a, learnedKeyB(keyHi, keyLo, peerHi, peerLo));
            }
        }
        int target = SubscriberKeys.processorOf(keyHi, keyLo, rings.length);
        RecordRing ring = rings[target];
        int offset = ring.claim();
        if (offset < 0) {
            offset = awaitSpace(target);
        }
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
        ring.commit();
        if (++unpublished[target] >= PUBLISH_BATCH) {
            ring.publish();
            unpublished[target] = 0;
        }
    }

    /**
     * Rule mask of the server name this packet reveals (SNI, Host, DNS question); learns DNS answers. A payload that
     * may name its server (a few bytes tell) is copied to {@link #payload} in one bulk copy and parsed there.
     */
    private long sniff(MemorySegment data, DecodedPacket p) {
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
                    NameSniffer.dnsAnswers(payload, 0, len, learnSink);
                }
            }
        }
        return 0;
    }

    private void learn(long hi, long lo) {
        long a = learnedKeyA(answerKeyHi, answerKeyLo, hi, lo);
        long b = learnedKeyB(answerKeyHi, answerKeyLo, hi, lo);
        KeyIndex table = learned[currentGeneration];
        int row = table.find(a, b);
        if (row < 0) {
            if (table.size() >= learnedCapacity) {
                dropOldestGeneration();
                table = learned[currentGeneration];
            }
            int g = currentGeneration;
            row = table.insert(a, b);
            if (row >= learnedMask[g].length) {
                learnedMask[g] = java.util.Arrays.copyOf(learnedMask[g], table.capacity());
                learnedAddressBit[g] = java.util.Arrays.copyOf(learnedAddressBit[g], table.capacity());
            }
            int bit = learnedBit(hi, lo);
            learnedMask[g][row] = 0;
            learnedAddressBit[g][row] = bit;
            learnedBits[bit >>> 6] |= 1L << bit;
            learnedPairBits[pairWord(a)] |= 1L << a;
        }
        learnedMask[currentGeneration][row] |= answerMask;
    }

    /** The rule mask both generations hold for a (subscriber, address) pair's key. */
    private long learnedMask(long a, long b) {
        long mask = 0;
        for (int g = 0; g < 2; g++) {
            // until the first generation fills, the other one is empty: no hash and probe for it
            int row = learned[g].size() > 0 ? learned[g].find(a, b) : -1;
            if (row >= 0) {
                mask |= learnedMask[g][row];
            }
        }
        return mask;
    }

    /** The current generation becomes the previous one; the previous one is emptied and takes the new answers. */
    private void dropOldestGeneration() {
        int kept = currentGeneration;
        currentGeneration ^= 1;
        learned[currentGeneration].clear();
        learnedGenerationsDropped++;
        java.util.Arrays.fill(learnedBits, 0);
        java.util.Arrays.fill(learnedPairBits, 0);
        KeyIndex table = learned[kept];
        for (int row = 0; row < table.size(); row++) {
            int bit = learnedAddressBit[kept][row];
            learnedBits[bit >>> 6] |= 1L << bit;
            long a = table.hi(row);
            learnedPairBits[pairWord(a)] |= 1L << a;
        }
    }

    /** Sets the entries a generation of the learned table holds (tests). */
    void learnedCapacity(int entries) {
        learnedCapacity = entries;
    }

    /** Generations of the learned table dropped because the current one filled (each forgot the older answers). */
    public long learnedGenerationsDropped() {
        return learnedGenerationsDropped;
    }

    /** Whether a DNS answer may have taught this address (its bit is set; the index tells for sure). */
    private boolean isLearnedCandidate(long hi, long lo) {
        int bit = learnedBit(hi, lo);
        return (learnedBits[bit >>> 6] & (1L << bit)) != 0;
    }

    /**
     * Two independent 64-bit hashes of (subscriber key, address): the learned table's 128-bit key (a collision of both
     * needs about 2^64 entries, far beyond the table's 2^20). Seeded per run ({@link #flowSeed}): the addresses come
     * from DNS answers, which a client can choose, and the table's slots follow from the key, so unseeded hashes would
     * let answers be computed ahead that all crowd one cluster of slots.
     */
    private long learnedKeyA(long keyHi, long keyLo, long hi, long lo) {
        return SubscriberKeys.hash(keyHi ^ Long.rotateLeft(hi, 23) ^ flowSeed, keyLo * 0xC2B2_AE3D_27D4_EB4FL ^ lo);
    }

    private long learnedKeyB(long keyHi, long keyLo, long hi, long lo) {
        return SubscriberKeys.hash(
                hi * 0xD6E8_FEB8_6659_FD93L ^ Long.rotateLeft(keyLo, 31) ^ Long.rotateLeft(flowSeed, 29),
                lo ^ Long.rotateLeft(keyHi, 7) ^ 0x1656_67B1L);
    }

    /** The word of {@link #learnedPairBits} holding a pair's bit (bits 6..19 of its hash; the shift takes 0..5). */
    private static int pairWord(long a) {
        return (int) (a >>> 6) & ((1 << 14) - 1);
    }

    /** A 16-bit hash of an address for {@link #learnedBits} (a shift by it uses its low six bits). */
    private static int learnedBit(long hi, long lo) {
        return (int) ((lo ^ (lo >>> 32) ^ hi ^ (hi >>> 32)) * 0x9E37_79B9L) >>> 16;
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

    /** Publishes every pending record and the current packet time. Reader thread, at the end of each batch. */
    public void flush() {
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

    void onSource(io.chargeflow.packet.CaptureSource source) {
        sideRules.onSource(source::interfaceName);
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

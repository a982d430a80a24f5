package io.chargeflow.flow;

import io.chargeflow.flow.internal.KeyIndex;
import io.chargeflow.flow.internal.RecordLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-processor rating-group metering: the usage containers of each session per decision, and a flow table for the
 * flows whose decision is not a function of the packet alone. Owned by one {@link Processor} and called on its thread
 * only.
 *
 * <p><b>Decisions.</b> A packet's decision is {@link ServiceRules#decide} of its protocol, server port, server address
 * and the server names the reader attached (DNS answers seen for the server address, and the TLS SNI or HTTP Host the
 * packet itself carries). Most flows need no memory for that: every packet of a UDP flow, and of a TCP flow that
 * revealed no name, decides the same from its own record. Only two kinds of TCP flow are kept in the flow table
 * (5-tuple key, idle timeout on packet time): a flow whose decision used a server name (the ClientHello carries the
 * SNI once; later packets of the flow must keep its decision), and a flow that opened with a SYN and has carried no
 * payload yet: it stays provisional until its first payload packet, which decides it again, and the handshake's
 * usage moves to the container of the final decision, so a server name still counts from the first packet. A
 * filter over the reader's flow hash, two bits per flow in one of 2^14 words (a blocked Bloom filter), keeps the
 * table out of the way of every other packet (one load from 128 KiB instead of a probe into a large table). A flow
 * that leaves the table (most do at their first payload) cannot clear its bits, which other flows may share: the
 * filter is built afresh from the table's flows once the flows removed since the last build reach half the table (at
 * least 4,096), and at every sweep. Until then their bits let packets through to a probe that finds nothing, as do
 * bits other flows set.
 *
 * <p><b>Containers.</b> One per (session, decision), in two rows. The hot row, four longs (32 bytes), is all a packet
 * touches: packets and octets per direction packed in one long each (packets above bit 40; both move to the cold row
 * long before either field could overflow), last usage, and active time with a flag for "has usage in the current
 * record". The hot rows of a session's first five containers live inside the session's own row, next to the service
 * words (the decisions the session used and the first eight of them in order of first use, in the row's first line;
 * their container rows in its second), so most packets touch two lines of the session's row, the first and their
 * container's, at known addresses and prefetched with the row. Later
 * containers keep their hot rows in a table of their own; more than eight decisions go through an overflow index. The
 * cold row (eight longs, sixteen with records) holds the spilled counters and the first-usage times; it is touched when a container joins a
 * record, spills, moves or ends. Container rows never move; closed ones are reused.
 *
 * <p><b>Records.</b> With a {@link SessionRecorder}, containers also keep what was already reported in earlier records
 * (a baseline in the cold row's second line, touched only when a record is cut), and a container's first-usage time
 * is that of the current record: {@link #flush} reports each container's usage since the previous record.
 */
final class ServiceMeter {
    private static final int TCP = 6;
    // container row, four longs (half a cache line): what every packet touches
    /** Uplink packets (bits 40..63) and octets (bits 0..39), moved to the cold row before either can overflow. */
    private static final int C_UL = 0;

    private static final int C_DL = 1;
    private static final int C_LAST_NS = 2;
    /** Active time; bit 63 set while the container has usage in the current record. */
    private static final int C_ACTIVE_NS = 3;

    private static final long JOINED = Long.MIN_VALUE;
    /**
     * Bit 62 of the active time, set while a container is out of the current record because a move took all its
     * packets of it (see {@link #leave}): its next packet joins it without counting the gap since the moved packets.
     */
    private static final long LEFT = 1L << 62;
    /** The active time's own bits (below the two flags). */
    private static final long ACTIVE_BITS = LEFT - 1;

    private static final long OCTETS = (1L << 40) - 1;
    private static final long ONE_PACKET = 1L << 40;
    /** A packed counter is spilled once its packets reach 2^23 or its octets 2^39: far from either limit. */
    private static final long SPILL = (1L << 63) | (1L << 39);
    // cold row, eight longs, touched when a container joins a record, spills, moves or ends
    private static final int K_UL_PACKETS = 0;
    private static final int K_UL_BYTES = 1;
    private static final int K_DL_PACKETS = 2;
    private static final int K_DL_BYTES = 3;
    /** First usage in the current record. */
    private static final int K_FIRST_NS = 4;
    /** First usage of the session (over the records already reported). */
    private static final int K_SESSION_FIRST_NS = 5;
    /**
     * Records only: the cold row's second line is the baseline, what earlier records reported (columns 0..3 as in the
     * first line, then the active time), so a flush reads and writes one row of two adjacent lines.
     */
    private static final int BASE = 8;

    private static final int B_ACTIVE_NS = BASE + 4;
    static final long UNSET = Long.MAX_VALUE;
    /** Longs before container row 0, so that rows start on cache lines (see {@link Processor#ALIGN}). */
    private static final int ALIGN = Processor.ALIGN;

    // the session's service words, at an offset s the processor gives: s+0, s+1 in the line every packet touches,
    // s+6..s+9 in a line only container changes and record cuts touch, the fifth container's hot row at s+10..s+13
    // in that same line, the first four containers' hot rows from s+14. The words s+2..s+5 are the processor's.
    /** Bit per decision the session used. */
    static final int S_MASK = 0;
    /** The first eight decisions of the session in order of first use, a byte each. */
    static final int S_ORDER = 1;
    /** Container rows of those eight decisions, two ints per long (words 6..9). */
    static final int S_ROWS = 6;

    static final int INLINE = 8;
    /**
     * The first five containers of a session keep their hot row inside the session's row: the first four from
     * {@link #HOT} on (two lines, prefetched with the row), the fifth at {@link #HOT_FIFTH}, in the line of the
     * container rows. A packet then touches its session's first line and one line of known address. (A fifth
     * container outside the row cost its packets the long path: one packet in thirty on the generator's traffic.)
     */
    static final int INLINE_HOT = 5;
    /** Where the inline hot rows start, from the service words' start (a cache line boundary in the processor's row). */
    static final int HOT = 14;
    /** Where the fifth container's hot row starts, from the service words' start (after the container rows). */
    static final int HOT_FIFTH = 10;
    /** Longs the service meter's layout spans from the start of a session's service words. */
    static final int WORDS = HOT + 4 * 4;

    // flow row: sixteen longs (two cache lines, both prefetched with the row); a packet of a decided flow touches
    // the first six, a packet of a provisional flow the rest as well
    /** The flow's key: two independent 64-bit hashes of it (see {@link #flowHashA}). */
    private static final int F_KEY_A = 0;

    private static final int F_KEY_B = 1;
    private static final int F_SESSION = 2;
    private static final int F_LAST_NS = 3;
    private static final int F_DECISION = 4;
    /** Bit 0: provisional; bit 1: the slot holds a flow; bits 32..63: the reader's flow hash (its home slot). */
    private static final int F_STATE = 5;
    /** The usage of a provisional flow (to move if its decision changes): packets and octets per direction. */
    private static final int F_UL_PACKETS = 6;

    private static final int F_UL_BYTES = 7;
    private static final int F_DL_PACKETS = 8;
    private static final int F_DL_BYTES = 9;
    private static final int F_ACTIVE_NS = 10;
    private static final int F_FIRST_NS = 11;
    /** The session's record opening time when the flow's usage started (usage of an earlier record stays there). */
    private static final int F_RECORD_NS = 12;
    /**
     * The processor's count of partial records cut when {@link #F_RECORD_NS} was taken: while none has been cut since,
     * the flow's session is still in that record (so a handshake packet needs no look at the session's record).
     */
    private static final int F_EPOCH = 13;
    /** {@link #F_STATE}'s bit of a slot that holds a flow. */
    private static final long USED = 2;
    /** Columns a flow row uses (a row moved within the table copies them all). */
    private static final int F_COLUMNS = F_EPOCH + 1;
    /** log2 of a flow row's longs. */
    private static final int FLOW_SHIFT = 4;

    /** log2 of the flow filter's bits: 2^20 bits take 128 KiB (a level-2 cache holds them). */
    private static final int FILTER_BITS = 20;

    private static final int FILTER_MASK = (1 << FILTER_BITS) - 1;
    /** The fewest flows removed since the filter was built that make it be built again. */
    private static final int FILTER_REBUILD = 4096;

    private final ServiceRules rules;
    private final long flowIdleNs;
    private final long activityNs;
    private final boolean usesNames;
    /** Per decision: the smallest decision with the same rating group and service id (one CDR container). */
    private final int[] containerIdOf;

    private final Processor owner;
    private final boolean records;
    private final boolean reportJoins;

    /**
     * The flow table: open addressing over rows of {@code 1 << FLOW_SHIFT} longs from {@link #ALIGN} on (a row on two
     * whole cache lines once the table is large), each holding its key and its columns, linear probing from the slot
     * the reader's flow hash names, at most half full. A lookup is one row at an address the packet's record gives,
     * prefetched with the session; an index of slots, then keys, then rows was three dependent cache misses.
     */
    private long[] flow;
    /** Slots of {@link #flow} minus one (a power of two minus one). */
    private int flowMask;
    /** Flows in the table. */
    private int flowCount;
    /** Packet time of the next sweep of idle flows (see {@link #sweep}). */
    private long nextFlowSweepNs = Long.MIN_VALUE;
    /**
     * A bit per (flow hash mod 2^20), set for the flows in the table and for some that left it since the last build
     * (see the class comment). With tens of thousands of flows in the table, the byte-per-bucket counting filter over
     * 2^18 buckets it replaced let one TCP packet in nine through to a probe that found nothing, from 256 KiB.
     */
    private final long[] filter = new long[1 << (FILTER_BITS - 6)];
    /** Flows removed from the table since the filter was last built (their bits may still be set). */
    private int filterStale;

    /** Container rows beyond a session's first eight decisions: (session id, decision) to row. */
    private final KeyIndex overflow;

    private int[] overflowRow = new int[16];
    /** Hot rows of the containers that do not fit in their session's row, four longs each; rows are reused. */
    private long[] cont = new long[ALIGN + (1024 << 2)];

    private int[] freeExternal = new int[64];
    private int freeExternalCount;
    private int nextExternal;
    /** Cold container rows, eight longs each (see K_*), sixteen with records (the baseline follows, see BASE). */
    private long[] cold;
    /**
     * Where each container's hot row is: an index into the session rows (the processor's array, passed with every
     * call) when it is one of the session's first five containers, else {@code -1 - index} into {@link #cont}.
     */
    private int[] hotAt = new int[0];
    /**
     * The session totals of the last {@link #close}: uplink packets, uplink octets, downlink packets, downlink octets.
     * With rating groups the processor keeps no per-packet session totals of its own: they are these sums.
     */
    final long[] closedTotals = new long[4];

    /** The processor's session rows, as passed to the call in progress. */
    private long[] rowWords;
    // the hot row of the container the last container() call returned
    private long[] lastHot;
    private int lastAt;
    /** Container rows free for reuse (rows never move: the service words point at them). */
    private int[] freeRows = new int[64];

    private int freeCount;
    private int nextRow;
    /** log2 of a cold row's longs: 3, or 4 with records (the baseline). */
    private final int coldShift;

    /**
     * @param owner the processor; null when no records are kept
     * @param reportJoins whether the owner is told when a container joins the current record (it keeps which
     *     containers the record holds for the container and time limits)
     */
    ServiceMeter(
            ServiceRules rules,
            int expectedSessions,
            long flowIdleNs,
            long activityNs,
            Processor owner,
            boolean reportJoins) {
        if (rules.size() + 1 > 64) {
            throw new IllegalArgumentException("rules=" + rules.size() + " exceed 63");
        }
        this.rules = rules;
        this.flowIdleNs = flowIdleNs;
        this.activityNs = activityNs;
        this.usesNames = rules.usesNames();
        this.owner = owner;
        this.records = owner != null;
        this.reportJoins = owner != null && reportJoins;
        this.coldShift = records ? 4 : 3;
        this.containerIdOf = new int[rules.size() + 1];
        for (int d = 0; d <= rules.size(); d++) {
            int id = d;
            for (int e = 0; e < d; e++) {
                if (rules.ratingGroup(e) == rules.ratingGroup(d) && rules.serviceId(e) == rules.serviceId(d)) {
                    id = e;
                    break;
                }
            }
            containerIdOf[d] = id;
        }
        // under name rules, a row per two expected sessions: the TCP flows that open or were named at one time (the
        // generator's 100,000 subscribers on two processors peak between 2^14 and 2^15 each); growing from 1,024 rows
        // doubled a humongous array six times a run, each starting a concurrent GC cycle on the machine's cores
        int flowRows = usesNames ? Math.max(1024, Integer.highestOneBit(Math.max(1, expectedSessions)) >> 1) : 1024;
        flow = new long[flowAt(flowRows)];
        flowMask = flowRows - 1;
        overflow = new KeyIndex(64);
        growContainers(Math.max(1024, expectedSessions * 4));
    }

    /**
     * When the session's current record opened (0 without records). Read only for the flows the table follows: it
     * lies outside the session's hot row, and reading it for every packet was a cache miss per packet.
     */
    private long recordOpen(int sessionRow) {
        return records ? owner.recordOpenNs(sessionRow) : 0;
    }

    /**
     * Prefetching, stage one: the flow filter's count for a TCP packet under name rules (non-zero: the table may hold
     * its flow), else 0. See {@link Processor}'s group prefetching.
     */
    int flowFilter(long meta) {
        return RecordLayout.protocol(meta) == TCP && usesNames && inFilter(RecordLayout.flowHash(meta)) ? 1 : 0;
    }

    /**
     * Prefetching, stage two, for a packet {@link #flowFilter} let through: loads both lines of its flow's home slot
     * (where the flow almost always is).
     */
    long loadFlow(long meta) {
        int at = flowAt(RecordLayout.flowHash(meta) & flowMask);
        return flow[at + F_KEY_A] + flow[at + F_ACTIVE_NS];
    }

    /**
     * The common packet, counted without the call chain of {@link #onPacket}: its decision needs no change to the
     * flow table (not a TCP packet under name rules; a packet of a flow the table holds decided for this session,
     * which keeps that decision; a handshake packet of a provisional flow of this session, which keeps its decision
     * and adds to the flow's usage; or one whose flow the table does not hold and that neither names a server nor
     * opens a connection), and it goes to one of the session's first five containers that already has usage in the current
     * record and does not need spilling. Returns false, having changed nothing, for every other packet: {@link #onPacket} meters those.
     * Small on purpose, so that the JIT inlines it into the processor's packet loop.
     */
    boolean countCommon(
            long[] words,
            int s,
            long sessionId,
            long keyHi,
            long keyLo,
            long peerHi,
            long peerLo,
            long ports,
            long meta,
            long nameMask,
            long timeNs) {
        int protocol = RecordLayout.protocol(meta);
        int f = protocol == TCP && usesNames
                ? nameFlow(sessionId, keyHi, keyLo, peerHi, peerLo, ports, meta, nameMask, timeNs)
                : -1;
        if (f == -2) {
            return false;
        }
        int decision =
                f >= 0 ? (int) flow[flowAt(f) + F_DECISION] : rules.decide(protocol, ports, peerHi, peerLo, nameMask);
        if ((words[s + S_MASK] & (1L << decision)) == 0) {
            return false;
        }
        // the mask holds the decision, so it is in the order word unless the session has more than eight decisions
        int i = firstByte(words[s + S_ORDER], decision);
        if (i >= INLINE_HOT) {
            return false;
        }
        int at = s + inlineAt(i);
        int d = at + ((meta & RecordLayout.DOWNLINK_BIT) != 0 ? C_DL : C_UL);
        long v = words[d] + (ONE_PACKET | RecordLayout.bytes(meta));
        if (words[at + C_ACTIVE_NS] >= 0 || (v & SPILL) != 0) {
            return false;
        }
        words[d] = v;
        touch(words, at, timeNs);
        if (f >= 0) {
            int fa = flowAt(f);
            if ((flow[fa + F_STATE] & 1) != 0) {
                countProvisional(fa, meta, timeNs);
            }
            flow[fa + F_LAST_NS] = timeNs;
        }
        return true;
    }

    /**
     * A handshake packet of a provisional flow (row at {@code at}): its usage, which moves with the flow if its first
     * payload decides otherwise. Before the flow's last packet time is updated.
     */
    private void countProvisional(int at, long meta, long timeNs) {
        long gap = timeNs - flow[at + F_LAST_NS];
        if (gap > 0 && gap <= activityNs) {
            flow[at + F_ACTIVE_NS] += gap;
        }
        int bytes = RecordLayout.bytes(meta);
        if (RecordLayout.downlink(meta)) {
            flow[at + F_DL_PACKETS]++;
            flow[at + F_DL_BYTES] += bytes;
        } else {
            flow[at + F_UL_PACKETS]++;
            flow[at + F_UL_BYTES] += bytes;
        }
    }

    /**
     * Partial records the processor has cut (0 without records): see {@link #F_EPOCH}. (A session's opening starts its
     * first record too, but the flows of the row's earlier session carry another session id.)
     */
    private long recordsCut() {
        return records ? owner.recordsCut() : 0;
    }

    /**
     * For {@link #countCommon}, a TCP packet under name rules: the flow-table row of its flow when the table holds it
     * decided for this session (its packets keep that decision), or provisional and the packet is a handshake packet
     * (no payload, no name) of the record the flow's usage is in; -1 when the table does not hold the flow and the
     * packet decides on its own; -2 when the packet needs {@link #onPacket} (its flow is provisional and the packet
     * decides it, or the flow was another session's or is idle, or it names a server or opens a connection).
     */
    private int nameFlow(
            long sessionId,
            long keyHi,
            long keyLo,
            long peerHi,
            long peerLo,
            long ports,
            long meta,
            long nameMask,
            long timeNs) {
        int fh = RecordLayout.flowHash(meta);
        if (inFilter(fh)) {
            int f = findFlow(
                    fh,
                    flowHashA(keyHi, keyLo, peerHi, peerLo, ports, meta),
                    flowHashB(keyHi, keyLo, peerHi, peerLo, ports, meta));
            if (f >= 0) {
                int at = flowAt(f);
                // an idle flow the sweep has not removed yet goes the long way, which removes it
                if (flow[at + F_SESSION] != sessionId || timeNs - flow[at + F_LAST_NS] > flowIdleNs) {
                    return -2;
                }
                // a provisional flow keeps its decision for a handshake packet (no payload, no name) while its
                // session is still in the record the flow's usage belongs to
                return (flow[at + F_STATE] & 1) == 0
                                || ((ports & RecordLayout.PAYLOAD_BIT) == 0
                                        && nameMask == 0
                                        && flow[at + F_EPOCH] == recordsCut())
                        ? f
                        : -2;
            }
        }
        return nameMask != 0 || (ports & (RecordLayout.SYN_BIT | RecordLayout.PAYLOAD_BIT)) == RecordLayout.SYN_BIT
                ? -2
                : -1;
    }

    /**
     * Meters one packet of a session and returns its decision. {@code s} is the offset of the session's service words
     * in {@code words}.
     */
    int onPacket(
            long[] words,
            int s,
            int sessionRow,
            long sessionId,
            long keyHi,
            long keyLo,
            long peerHi,
            long peerLo,
            long ports,
            long meta,
            long nameMask,
            long timeNs) {
        rowWords = words;
        int protocol = RecordLayout.protocol(meta);
        boolean portKnown = (ports & RecordLayout.PORTS_KNOWN_BIT) != 0;
        int serverPort = (int) (ports >>> 16) & 0xFFFF;
        int bytes = RecordLayout.bytes(meta);
        boolean downlink = RecordLayout.downlink(meta);
        if (protocol != TCP || !usesNames) {
            int decision = rules.decide(protocol, serverPort, portKnown, peerHi, peerLo, nameMask);
            count(words, s, sessionRow, sessionId, decision, downlink, bytes, timeNs);
            return decision;
        }
        boolean payload = (ports & RecordLayout.PAYLOAD_BIT) != 0;
        int fh = RecordLayout.flowHash(meta);
        int f = -1;
        long fa = 0;
        long fb = 0;
        if (inFilter(fh)) {
            fa = flowHashA(keyHi, keyLo, peerHi, peerLo, ports, meta);
            fb = flowHashB(keyHi, keyLo, peerHi, peerLo, ports, meta);
            f = findFlow(fh, fa, fb);
            if (f >= 0 && timeNs - flow[flowAt(f) + F_LAST_NS] > flowIdleNs) {
                // idle past its timeout: gone, whether or not a sweep came since (sweeps follow the reader's
                // watermark, so leaving it would make the packet's decision depend on thread timing)
                removeFlow(f);
                f = -1;
            }
        }
        int decision;
        if (f >= 0) {
            int at = flowAt(f);
            if (flow[at + F_SESSION] != sessionId) {
                // the session closed and a new one started: the flow keeps its decision, counts afresh
                flow[at + F_SESSION] = sessionId;
                flow[at + F_STATE] &= ~1L;
                startFlowUsage(at, sessionRow, timeNs);
            } else if ((flow[at + F_STATE] & 1) != 0 && flow[at + F_RECORD_NS] != recordOpen(sessionRow)) {
                // a record was cut since the handshake's packets: they are reported there and stay there
                startFlowUsage(at, sessionRow, timeNs);
            }
            if ((flow[at + F_STATE] & 1) != 0 && (payload || nameMask != 0)) {
                flow[at + F_STATE] &= ~1L;
                int decided = rules.decide(protocol, serverPort, portKnown, peerHi, peerLo, nameMask);
                if (decided != (int) flow[at + F_DECISION]) {
                    moveFlowUsage(f, words, s, sessionRow, sessionId, decided);
                    flow[at + F_DECISION] = decided;
                }
                if (nameMask == 0) {
                    // decided without a name: its packets decide the same on their own from now on
                    removeFlow(f);
                    f = -1;
                    count(words, s, sessionRow, sessionId, decided, downlink, bytes, timeNs);
                    return decided;
                }
            }
            decision = (int) flow[at + F_DECISION];
        } else {
            decision = rules.decide(protocol, serverPort, portKnown, peerHi, peerLo, nameMask);
            boolean opening = (ports & RecordLayout.SYN_BIT) != 0 && !payload && nameMask == 0;
            if (nameMask != 0 || opening) {
                if (fa == 0 && fb == 0) {
                    fa = flowHashA(keyHi, keyLo, peerHi, peerLo, ports, meta);
                    fb = flowHashB(keyHi, keyLo, peerHi, peerLo, ports, meta);
                }
                f = insertFlow(fh, fa, fb);
                int at = flowAt(f);
                flow[at + F_SESSION] = sessionId;
                flow[at + F_DECISION] = decision;
                flow[at + F_STATE] = ((long) fh << 32) | USED | (opening ? 1 : 0);
                // a reused row holds the last packet time of the flow that had it: the first packet has no gap before
                // it
                flow[at + F_LAST_NS] = timeNs;
                startFlowUsage(at, sessionRow, timeNs);
                addToFilter(fh);
            }
        }
        count(words, s, sessionRow, sessionId, decision, downlink, bytes, timeNs);
        if (f >= 0) {
            int at = flowAt(f);
            if ((flow[at + F_STATE] & 1) != 0) {
                countProvisional(at, meta, timeNs);
            }
            flow[at + F_LAST_NS] = timeNs;
        }
        return decision;
    }

    /** Counts the packet in the session's container of {@code decision}. */
    private void count(
            long[] words,
            int s,
            int sessionRow,
            long sessionId,
            int decision,
            boolean downlink,
            int bytes,
            long timeNs) {
        int c = container(words, s, sessionRow, sessionId, decision, timeNs);
        // container() left where c's hot row is: saves looking it up again
        long[] a = lastHot;
        int at = lastAt;
        if (a[at + C_ACTIVE_NS] >= 0) {
            join(c, sessionRow, decision, timeNs);
        }
        int d = at + (downlink ? C_DL : C_UL);
        long v = a[d] + (ONE_PACKET | bytes);
        a[d] = v;
        if ((v & SPILL) != 0) {
            spill(c);
        }
        touch(a, at, timeNs);
    }

    /** A packet at {@code timeNs} in the container whose hot row is at {@code at}: last usage and active time. */
    private void touch(long[] a, int at, long timeNs) {
        long gap = timeNs - a[at + C_LAST_NS];
        if (gap > 0) {
            if (gap <= activityNs) {
                a[at + C_ACTIVE_NS] += gap;
            }
            a[at + C_LAST_NS] = timeNs;
        }
    }

    /** Where container {@code c}'s cold row starts. */
    private int coldAt(int c) {
        return ALIGN + (c << coldShift);
    }

    private long[] hotArray(int c) {
        return hotAt[c] >= 0 ? rowWords : cont;
    }

    private int hotIndex(int c) {
        int at = hotAt[c];
        return at >= 0 ? at : -1 - at;
    }

    /** Moves both packed counters of container {@code c} into its cold row. */
    private void spill(int c) {
        long[] a = hotArray(c);
        int at = hotIndex(c);
        int k = coldAt(c);
        long ul = a[at + C_UL];
        long dl = a[at + C_DL];
        cold[k + K_UL_PACKETS] += ul >>> 40;
        cold[k + K_UL_BYTES] += ul & OCTETS;
        cold[k + K_DL_PACKETS] += dl >>> 40;
        cold[k + K_DL_BYTES] += dl & OCTETS;
        a[at + C_UL] = 0;
        a[at + C_DL] = 0;
    }

    /** A whole counter of container {@code c} (column 0..3 as K_*): cold row plus packed part. */
    private long total(int c, int column) {
        long packed = hotArray(c)[hotIndex(c) + (column < 2 ? C_UL : C_DL)];
        return cold[coldAt(c) + column] + ((column & 1) == 0 ? packed >>> 40 : packed & OCTETS);
    }

    private long active(int c) {
        return hotArray(c)[hotIndex(c) + C_ACTIVE_NS] & ACTIVE_BITS;
    }

    private long last(int c) {
        return hotArray(c)[hotIndex(c) + C_LAST_NS];
    }

    private boolean joined(int c) {
        return hotArray(c)[hotIndex(c) + C_ACTIVE_NS] < 0;
    }

    /**
     * The container's first usage in the current record: the processor notes that the record has usage (it may cut
     * the record first, on the container limit).
     */
    private void join(int c, int sessionRow, int decision, long timeNs) {
        if (reportJoins) {
            owner.joinRecord(sessionRow, containerIdOf[decision], timeNs);
        }
        long[] a = hotArray(c);
        int at = hotIndex(c);
        if ((a[at + C_ACTIVE_NS] & LEFT) != 0) {
            // the gap since the packets that moved away is no activity of this container
            a[at + C_ACTIVE_NS] &= ~LEFT;
            a[at + C_LAST_NS] = Math.max(a[at + C_LAST_NS], timeNs);
        }
        a[at + C_ACTIVE_NS] |= JOINED;
        cold[coldAt(c) + K_FIRST_NS] = timeNs;
    }

    /** The container of (session, decision): found through the session's service words, created on first use. */
    private int container(long[] words, int s, int sessionRow, long sessionId, int decision, long timeNs) {
        long mask = words[s + S_MASK];
        if ((mask & (1L << decision)) != 0) {
            int i = inlineSlot(words[s + S_ORDER], Math.min(INLINE, Long.bitCount(mask)), decision);
            int c = rowOf(words, s, sessionId, i, decision);
            locate(words, s, i, c);
            return c;
        }
        int c;
        if (freeCount > 0) {
            c = freeRows[--freeCount];
        } else {
            c = nextRow++;
            if (coldAt(c + 1) > cold.length) {
                growContainers((c + 1) + ((c + 1) >> 1));
            }
        }
        int slot = Long.bitCount(mask);
        long[] a;
        int at;
        if (slot < INLINE_HOT) {
            a = words;
            at = s + inlineAt(slot);
            hotAt[c] = at;
        } else {
            at = ALIGN + (externalRow() << 2); // may grow the table: take the array after
            a = cont;
            hotAt[c] = -1 - at;
        }
        a[at + C_UL] = 0;
        a[at + C_DL] = 0;
        a[at + C_LAST_NS] = timeNs;
        a[at + C_ACTIVE_NS] = 0;
        lastHot = a;
        lastAt = at;
        int k = coldAt(c);
        Arrays.fill(cold, k, k + (1 << coldShift), 0);
        cold[k + K_FIRST_NS] = UNSET;
        cold[k + K_SESSION_FIRST_NS] = UNSET;
        int i = Long.bitCount(mask);
        if (i < INLINE) {
            words[s + S_ORDER] |= (long) decision << (i << 3);
            words[s + S_ROWS + (i >> 1)] |= (c & 0xFFFF_FFFFL) << ((i & 1) << 5);
        } else {
            int o = overflow.insert(sessionId, decision);
            if (o >= overflowRow.length) {
                overflowRow = Arrays.copyOf(overflowRow, overflow.capacity());
            }
            overflowRow[o] = c;
        }
        words[s + S_MASK] = mask | (1L << decision);
        return c;
    }

    /** A free hot row in {@link #cont}. */
    private int externalRow() {
        if (freeExternalCount > 0) {
            return freeExternal[--freeExternalCount];
        }
        int e = nextExternal++;
        if (ALIGN + ((e + 1) << 2) > cont.length) {
            cont = Arrays.copyOf(cont, ALIGN + ((e + 1 + (e >> 1)) << 2));
        }
        return e;
    }

    /** Where the hot row of the session's {@code i}-th container ({@code i < INLINE_HOT}) starts, from {@code s}. */
    private static int inlineAt(int i) {
        return i < 4 ? HOT + (i << 2) : HOT_FIFTH;
    }

    /** The slot of {@code decision} among the first {@code n} of the order word's bytes, or -1. */
    private static int inlineSlot(long order, int n, int decision) {
        int i = firstByte(order, decision);
        return i < n ? i : -1;
    }

    /**
     * The index (0..7) of the first byte of {@code order} equal to {@code decision}, 8 when none: a SWAR search of
     * the eight bytes at once. The slots in use come first and hold distinct decisions, so for a decision in use an
     * unused (zero) byte never comes before its own.
     */
    private static int firstByte(long order, int decision) {
        long x = order ^ (decision * 0x0101_0101_0101_0101L);
        return Long.numberOfTrailingZeros((x - 0x0101_0101_0101_0101L) & ~x & 0x8080_8080_8080_8080L) >>> 3;
    }

    /**
     * The container row of a decision the session has: from its row words when the decision is the session's
     * {@code i}-th (one of the first eight), from the overflow index when {@code i} is -1.
     */
    private int rowOf(long[] words, int s, long sessionId, int i, int decision) {
        return i >= 0 ? rowOf(words, s, i) : overflowRow[overflow.find(sessionId, decision)];
    }

    /** The container row of the session's {@code i}-th decision (one of the first eight), from its row words. */
    private static int rowOf(long[] words, int s, int i) {
        return (int) (words[s + S_ROWS + (i >> 1)] >>> ((i & 1) << 5));
    }

    /** Clears a session's service words (a new session of the row starts with no containers). */
    static void clearWords(long[] words, int s) {
        words[s + S_MASK] = 0;
        words[s + S_ORDER] = 0;
        words[s + S_ROWS] = 0;
        words[s + S_ROWS + 1] = 0;
        words[s + S_ROWS + 2] = 0;
        words[s + S_ROWS + 3] = 0;
    }

    /**
     * A provisional flow was decided again: its usage so far moves to the new decision's container. Only usage not
     * yet reported in an earlier record moves (the rest stays where that record put it).
     */
    private void moveFlowUsage(int f, long[] words, int s, int sessionRow, long sessionId, int decision) {
        int at = flowAt(f);
        int fromDecision = (int) flow[at + F_DECISION];
        long flowFirst = flow[at + F_FIRST_NS];
        int from = container(words, s, sessionRow, sessionId, fromDecision, flow[at + F_LAST_NS]);
        if (flow[at + F_UL_PACKETS] + flow[at + F_DL_PACKETS] == 0) {
            return;
        }
        int to = container(words, s, sessionRow, sessionId, decision, flowFirst);
        if (!joined(to)) {
            // may cut a record (container limit) first: what that record reported no longer moves
            join(to, sessionRow, decision, flowFirst);
        }
        spill(from);
        spill(to);
        long ulPackets = movable(from, K_UL_PACKETS, flow[at + F_UL_PACKETS]);
        long ulBytes = movable(from, K_UL_BYTES, flow[at + F_UL_BYTES]);
        long dlPackets = movable(from, K_DL_PACKETS, flow[at + F_DL_PACKETS]);
        long dlBytes = movable(from, K_DL_BYTES, flow[at + F_DL_BYTES]);
        long active = Math.max(
                0, Math.min(flow[at + F_ACTIVE_NS], active(from) - (records ? cold[coldAt(from) + B_ACTIVE_NS] : 0)));
        clearFlowUsage(at);
        int kf = coldAt(from);
        int kt = coldAt(to);
        cold[kf + K_UL_PACKETS] -= ulPackets;
        cold[kf + K_UL_BYTES] -= ulBytes;
        cold[kf + K_DL_PACKETS] -= dlPackets;
        cold[kf + K_DL_BYTES] -= dlBytes;
        cold[kt + K_UL_PACKETS] += ulPackets;
        cold[kt + K_UL_BYTES] += ulBytes;
        cold[kt + K_DL_PACKETS] += dlPackets;
        cold[kt + K_DL_BYTES] += dlBytes;
        hotArray(from)[hotIndex(from) + C_ACTIVE_NS] -= active;
        hotArray(to)[hotIndex(to) + C_ACTIVE_NS] += active;
        if (ulPackets + dlPackets > 0) {
            cold[kt + K_FIRST_NS] = Math.min(cold[kt + K_FIRST_NS], flowFirst);
            if (last(from) > last(to)) {
                hotArray(to)[hotIndex(to) + C_LAST_NS] = last(from);
            }
        }
        if (joined(from) && recordPackets(from) == 0) {
            leave(from, words, s, sessionRow, sessionId, fromDecision);
        }
    }

    /** Packets container {@code c} holds in the current record (all of them without records). */
    private long recordPackets(int c) {
        long packets = total(c, K_UL_PACKETS) + total(c, K_DL_PACKETS);
        return records
                ? packets - cold[coldAt(c) + BASE + K_UL_PACKETS] - cold[coldAt(c) + BASE + K_DL_PACKETS]
                : packets;
    }

    /**
     * Container {@code c} lost every packet of the current record to a move: it leaves the record, so that a later
     * packet joins it afresh (its first usage is that packet's, and the gap before it is no activity: see
     * {@link #LEFT}), the activity before the moved packets is not reported, and the record's container count (the
     * processor's, for the container limit) drops it unless another decision of the session that shares its container
     * has usage in the record.
     */
    private void leave(int c, long[] words, int s, int sessionRow, long sessionId, int decision) {
        hotArray(c)[hotIndex(c) + C_ACTIVE_NS] = (hotArray(c)[hotIndex(c) + C_ACTIVE_NS] & ACTIVE_BITS) | LEFT;
        cold[coldAt(c) + K_FIRST_NS] = UNSET;
        if (records) {
            cold[coldAt(c) + B_ACTIVE_NS] = active(c);
        }
        if (reportJoins && !sharerJoined(words, s, sessionId, decision)) {
            owner.leaveRecord(sessionRow, containerIdOf[decision]);
        }
    }

    /** Whether another decision of the session with {@code decision}'s container id has usage in the current record. */
    private boolean sharerJoined(long[] words, int s, long sessionId, int decision) {
        long mask = words[s + S_MASK];
        int inlineCount = Math.min(INLINE, Long.bitCount(mask));
        for (long bits = mask & ~(1L << decision); bits != 0; bits &= bits - 1) {
            int d = Long.numberOfTrailingZeros(bits);
            if (containerIdOf[d] == containerIdOf[decision]) {
                int c = rowOf(words, s, sessionId, inlineSlot(words[s + S_ORDER], inlineCount, d), d);
                if (joined(c)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** How much of a flow's usage in one column can leave container {@code c}: what it holds since the last record. */
    private long movable(int c, int column, long amount) {
        long held = total(c, column) - (records ? cold[coldAt(c) + BASE + column] : 0);
        return Math.max(0, Math.min(amount, held));
    }

    /**
     * The flow row at {@code at} starts counting usage at {@code timeNs} in its session's current record (a new flow,
     * a new session of the flow, or a record cut since its handshake's packets).
     */
    private void startFlowUsage(int at, int sessionRow, long timeNs) {
        flow[at + F_FIRST_NS] = timeNs;
        flow[at + F_RECORD_NS] = recordOpen(sessionRow);
        flow[at + F_EPOCH] = recordsCut();
        clearFlowUsage(at);
    }

    /** Clears the usage of the flow row at {@code at}. */
    private void clearFlowUsage(int at) {
        flow[at + F_UL_PACKETS] = 0;
        flow[at + F_UL_BYTES] = 0;
        flow[at + F_DL_PACKETS] = 0;
        flow[at + F_DL_BYTES] = 0;
        flow[at + F_ACTIVE_NS] = 0;
    }

    /** Where flow row {@code f} starts in {@link #flow}. */
    private static int flowAt(int f) {
        return ALIGN + (f << FLOW_SHIFT);
    }

    /**
     * Reports each container's usage since the previous record to {@code recorder} (in the session's order of first
     * use), and starts the next record. The processor calls it when it cuts a record and before a session closes.
     */
    void flush(long[] words, int s, long sessionId, SessionRecorder recorder, int handle) {
        rowWords = words;
        long mask = words[s + S_MASK];
        int n = Long.bitCount(mask);
        long order = words[s + S_ORDER];
        long inline = 0;
        for (int i = 0; i < Math.min(INLINE, n); i++) {
            int decision = (int) ((order >>> (i << 3)) & 0xFF);
            inline |= 1L << decision;
            int c = rowOf(words, s, i);
            locate(words, s, i, c);
            flushContainer(c, decision, recorder, handle, lastHot, lastAt);
        }
        for (long rest = mask & ~inline; rest != 0; rest &= rest - 1) {
            int decision = Long.numberOfTrailingZeros(rest);
            int c = overflowRow[overflow.find(sessionId, decision)];
            locate(words, s, -1, c);
            flushContainer(c, decision, recorder, handle, lastHot, lastAt);
        }
    }

    /**
     * Leaves where the hot row of container {@code c}, the session's {@code i}-th (-1 beyond the eighth), is in
     * {@link #lastHot} and {@link #lastAt}: an inline row's place follows from {@code i}, so a close reads no
     * {@link #hotAt} entry (a cache miss per container) for it.
     */
    private void locate(long[] words, int s, int i, int c) {
        if (i >= 0 && i < INLINE_HOT) {
            lastHot = words;
            lastAt = s + inlineAt(i);
        } else {
            lastHot = cont;
            lastAt = -1 - hotAt[c];
        }
    }

    /**
     * Reports container {@code c}'s usage since the last record, if it is in the record; its hot row is
     * {@code a[at..]}. (A container whose packets of this record all moved to another is out of it: see
     * {@link #leave}.)
     */
    private void flushContainer(int c, int decision, SessionRecorder recorder, int handle, long[] a, int at) {
        if (a[at + C_ACTIVE_NS] >= 0) {
            return;
        }
        int k = coldAt(c);
        long first = cold[k + K_FIRST_NS];
        long ul = a[at + C_UL];
        long dl = a[at + C_DL];
        long ulPackets = cold[k + K_UL_PACKETS] + (ul >>> 40);
        long ulBytes = cold[k + K_UL_BYTES] + (ul & OCTETS);
        long dlPackets = cold[k + K_DL_PACKETS] + (dl >>> 40);
        long dlBytes = cold[k + K_DL_BYTES] + (dl & OCTETS);
        long active = a[at + C_ACTIVE_NS] & ACTIVE_BITS;
        recorder.onUsage(
                handle,
                rules.ratingGroup(decision),
                rules.serviceId(decision),
                ulBytes - cold[k + BASE + K_UL_BYTES],
                dlBytes - cold[k + BASE + K_DL_BYTES],
                ulPackets - cold[k + BASE + K_UL_PACKETS],
                dlPackets - cold[k + BASE + K_DL_PACKETS],
                first,
                a[at + C_LAST_NS],
                active - cold[k + B_ACTIVE_NS]);
        cold[k + BASE + K_UL_PACKETS] = ulPackets;
        cold[k + BASE + K_UL_BYTES] = ulBytes;
        cold[k + BASE + K_DL_PACKETS] = dlPackets;
        cold[k + BASE + K_DL_BYTES] = dlBytes;
        cold[k + B_ACTIVE_NS] = active;
        cold[k + K_SESSION_FIRST_NS] = Math.min(cold[k + K_SESSION_FIRST_NS], first);
        cold[k + K_FIRST_NS] = UNSET;
        a[at + C_ACTIVE_NS] &= Long.MAX_VALUE;
    }

    /**
     * Adds the open session's usage so far (the sum of its containers, as {@link #close} takes it) to {@code out}:
     * uplink packets, uplink octets, downlink packets, downlink octets. Changes nothing (a usage snapshot while the run
     * goes on).
     */
    void sessionTotals(long[] words, int s, long sessionId, long[] out) {
        rowWords = words;
        long mask = words[s + S_MASK];
        int inlineCount = Math.min(INLINE, Long.bitCount(mask));
        long order = words[s + S_ORDER];
        for (long bits = mask; bits != 0; bits &= bits - 1) {
            int decision = Long.numberOfTrailingZeros(bits);
            int i = inlineSlot(order, inlineCount, decision);
            int c = i >= 0 ? rowOf(words, s, i) : overflowRow[overflow.find(sessionId, decision)];
            for (int column = K_UL_PACKETS; column <= K_DL_BYTES; column++) {
                out[column] += total(c, column);
            }
        }
    }

    /**
     * The containers of a closing session (its whole usage), in decision order; their rows are freed. Without
     * {@code collect} (nobody reads them) the rows are only freed and the list is empty. The session's totals (the sum
     * of its containers: every packet of the session is counted in exactly one) are left in {@link #closedTotals}.
     */
    List<ServiceUsage> close(long[] words, int s, long sessionId, boolean collect) {
        rowWords = words;
        long[] totals = closedTotals;
        totals[0] = 0;
        totals[1] = 0;
        totals[2] = 0;
        totals[3] = 0;
        long mask = words[s + S_MASK];
        if (mask == 0) {
            return List.of();
        }
        int inlineCount = Math.min(INLINE, Long.bitCount(mask));
        long order = words[s + S_ORDER];
        List<ServiceUsage> services = collect ? new ArrayList<>(Long.bitCount(mask)) : List.of();
        for (long bits = mask; bits != 0; bits &= bits - 1) {
            int decision = Long.numberOfTrailingZeros(bits);
            int i = inlineSlot(order, inlineCount, decision);
            int c;
            if (i >= 0) {
                c = rowOf(words, s, i);
            } else {
                int o = overflow.find(sessionId, decision);
                c = overflowRow[o];
                int moved = overflow.remove(o);
                if (moved >= 0) {
                    overflowRow[o] = overflowRow[moved];
                }
            }
            locate(words, s, i, c);
            long[] a = lastHot;
            int at = lastAt;
            int k = coldAt(c);
            long ul = a[at + C_UL];
            long dl = a[at + C_DL];
            long ulPackets = cold[k + K_UL_PACKETS] + (ul >>> 40);
            long ulBytes = cold[k + K_UL_BYTES] + (ul & OCTETS);
            long dlPackets = cold[k + K_DL_PACKETS] + (dl >>> 40);
            long dlBytes = cold[k + K_DL_BYTES] + (dl & OCTETS);
            totals[K_UL_PACKETS] += ulPackets;
            totals[K_UL_BYTES] += ulBytes;
            totals[K_DL_PACKETS] += dlPackets;
            totals[K_DL_BYTES] += dlBytes;
            if (collect && ulPackets + dlPackets > 0) {
                long first = cold[k + K_SESSION_FIRST_NS];
                if (a[at + C_ACTIVE_NS] < 0) {
                    first = Math.min(first, cold[k + K_FIRST_NS]);
                }
                long last = a[at + C_LAST_NS];
                services.add(new ServiceUsage(
                        rules.ratingGroup(decision),
                        rules.serviceId(decision),
                        rules.label(decision),
                        ulPackets,
                        ulBytes,
                        dlPackets,
                        dlBytes,
                        first == UNSET ? last : first,
                        last,
                        a[at + C_ACTIVE_NS] & ACTIVE_BITS));
            }
            if (a == cont) {
                if (freeExternalCount == freeExternal.length) {
                    freeExternal = Arrays.copyOf(freeExternal, freeExternal.length * 2);
                }
                freeExternal[freeExternalCount++] = (at - ALIGN) >> 2;
            }
            if (freeCount == freeRows.length) {
                freeRows = Arrays.copyOf(freeRows, freeRows.length * 2);
            }
            freeRows[freeCount++] = c;
        }
        clearWords(words, s);
        return services;
    }

    /**
     * Loads the cold rows (and hot rows outside the session's row) of a session's first eight containers, which a
     * close reads, and changes nothing: the processor calls it for the next session to close while it closes one.
     */
    long touchContainers(long[] words, int s) {
        int n = Math.min(INLINE, Long.bitCount(words[s + S_MASK]));
        long sum = 0;
        for (int i = 0; i < n; i++) {
            int c = rowOf(words, s, i);
            int k = coldAt(c);
            sum += cold[k];
            if (records) {
                sum += cold[k + BASE];
            }
            if (i >= INLINE_HOT) {
                sum += cont[-1 - hotAt[c]];
            }
        }
        return sum;
    }

    /** Forgets flows idle for longer than the flow idle timeout, and rebuilds the filter from the flows that stay. */
    void sweep(long nowNs) {
        if (nowNs < nextFlowSweepNs) {
            return;
        }
        // a flow idle past its timeout is gone for its next packet whether or not a sweep removed it (see onPacket):
        // sweeps only free slots and clear the filter, so an eighth of the idle timeout apart is often enough, where
        // every session sweep (a second or so of packet time) read the whole table
        nextFlowSweepNs = nowNs + Math.max(1, flowIdleNs >> 3);
        for (int slot = 0; slot <= flowMask; ) {
            int at = flowAt(slot);
            if ((flow[at + F_STATE] & USED) != 0 && nowNs - flow[at + F_LAST_NS] > flowIdleNs) {
                // a later flow of the same cluster may move into the slot: look at it again
                removeFlow(slot);
            } else {
                slot++;
            }
        }
        buildFilter();
    }

    /** Whether the flow filter lets a packet of flow hash {@code fh} through to the table (both its bits set). */
    private boolean inFilter(int fh) {
        long bits = filterBits(fh);
        return (filter[(fh & FILTER_MASK) >>> 6] & bits) == bits;
    }

    private void addToFilter(int fh) {
        filter[(fh & FILTER_MASK) >>> 6] |= filterBits(fh);
    }

    /**
     * A flow's two bits in its filter word: the hash's low six bits and its top six (the word index takes bits 6..19).
     * Two bits in one word cost the same single load as one and let fewer packets through to a probe that finds
     * nothing: on the 10M-frame generated capture (one processor), 170,000 of 5.75 million TCP packets whose flow the
     * table does not hold, against 310,000 with one bit.
     */
    private static long filterBits(int fh) {
        return (1L << fh) | (1L << (fh >>> 26));
    }

    /** Builds the filter afresh from the flows in the table: the bits of flows that left it are cleared. */
    private void buildFilter() {
        Arrays.fill(filter, 0);
        for (int slot = 0; slot <= flowMask; slot++) {
            long state = flow[flowAt(slot) + F_STATE];
            if ((state & USED) != 0) {
                addToFilter((int) (state >>> 32));
            }
        }
        filterStale = 0;
    }

    /** The slot of the flow with key ({@code a}, {@code b}) and reader's hash {@code fh}, or -1. */
    private int findFlow(int fh, long a, long b) {
        int slot = fh & flowMask;
        while (true) {
            int at = flowAt(slot);
            if ((flow[at + F_STATE] & USED) == 0) {
                return -1;
            }
            if (flow[at + F_KEY_A] == a && flow[at + F_KEY_B] == b) {
                return slot;
            }
            slot = (slot + 1) & flowMask;
        }
    }

    /**
     * Adds a flow known to be absent and returns its slot, with its key set and {@link #USED} in its state (the caller
     * sets the rest). Doubles the table first when it would be more than half full.
     */
    private int insertFlow(int fh, long a, long b) {
        if ((flowCount + 1) << 1 > flowMask + 1) {
            growFlows();
        }
        int slot = freeSlot(fh & flowMask);
        int at = flowAt(slot);
        flow[at + F_KEY_A] = a;
        flow[at + F_KEY_B] = b;
        flow[at + F_STATE] = ((long) fh << 32) | USED;
        flowCount++;
        return slot;
    }

    /**
     * Removes the flow in {@code slot}: backward-shift deletion, so that every probe sequence stays unbroken without
     * tombstones. A later flow of the cluster may move into {@code slot}.
     */
    private void removeFlow(int slot) {
        int hole = slot;
        int next = slot;
        while (true) {
            next = (next + 1) & flowMask;
            int at = flowAt(next);
            long state = flow[at + F_STATE];
            if ((state & USED) == 0) {
                break;
            }
            int home = (int) (state >>> 32) & flowMask;
            if (KeyIndex.shiftsBack(hole, next, home)) {
                System.arraycopy(flow, at, flow, flowAt(hole), F_COLUMNS);
                hole = next;
            }
        }
        flow[flowAt(hole) + F_STATE] = 0;
        flowCount--;
        if (++filterStale >= Math.max(FILTER_REBUILD, flowCount >> 1)) {
            buildFilter();
        }
    }

    /** Flows in the table (tests). */
    int flowCount() {
        return flowCount;
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        return h ^ (h >>> 33);
    }

    /**
     * Two independent 64-bit hashes of the flow (subscriber key, server address, ports, protocol, and the reader's
     * flow hash) form the flow table's 128-bit key: a collision of both needs about 2^64 flows, far beyond any table
     * here. The reader's hash covers the subscriber's full address where the session key may be a prefix (IPv6 by
     * /64): two hosts of one prefix using the same port towards the same server are two flows, and a flow's row is
     * always behind the filter bits of its packets' hash.
     */
    private static long flowHashA(long keyHi, long keyLo, long peerHi, long peerLo, long ports, long meta) {
        return mix(keyLo * 0x9E37_79B9_7F4A_7C15L
                ^ peerLo
                ^ Long.rotateLeft(keyHi ^ peerHi, 29)
                ^ ((ports & 0xFFFF_FFFFL) | ((long) RecordLayout.protocol(meta) << 40)) * 0xC2B2_AE3D_27D4_EB4FL
                ^ Long.rotateLeft(RecordLayout.flowHash(meta) & 0xFFFF_FFFFL, 47));
    }

    private static long flowHashB(long keyHi, long keyLo, long peerHi, long peerLo, long ports, long meta) {
        return mix(peerLo * 0xD6E8_FEB8_6659_FD93L
                ^ keyLo
                ^ Long.rotateLeft(peerHi * 0x1656_67B1_9E37_79F9L ^ keyHi, 17)
                ^ ((ports & 0xFFFF_FFFFL) | ((long) RecordLayout.protocol(meta) << 40))
                ^ (RecordLayout.flowHash(meta) & 0xFFFF_FFFFL) * 0x94D0_49BB_1331_11EBL);
    }

    /** Doubles the flow table: every flow goes to its place in the new one. */
    private void growFlows() {
        long[] old = flow;
        int oldSlots = flowMask + 1;
        flow = new long[flowAt(oldSlots << 1)];
        flowMask = (oldSlots << 1) - 1;
        for (int slot = 0; slot < oldSlots; slot++) {
            int from = flowAt(slot);
            long state = old[from + F_STATE];
            if ((state & USED) != 0) {
                System.arraycopy(old, from, flow, flowAt(freeSlot((int) (state >>> 32) & flowMask)), F_COLUMNS);
            }
        }
    }

    /** The first slot of the flow table from {@code slot} on (wrapping) that holds no flow: where a probe places one. */
    private int freeSlot(int slot) {
        while ((flow[flowAt(slot) + F_STATE] & USED) != 0) {
            slot = (slot + 1) & flowMask;
        }
        return slot;
    }

    private void growContainers(int rows) {
        hotAt = Arrays.copyOf(hotAt, rows);
        cold = Arrays.copyOf(cold == null ? new long[0] : cold, coldAt(rows));
    }
}

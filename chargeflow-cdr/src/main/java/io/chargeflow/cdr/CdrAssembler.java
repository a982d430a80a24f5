package io.chargeflow.cdr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Turns the life of each session into a gap-free chain of PGW-CDRs: partial records cut on the configured volume
 * limit, time limit and number of containers, and a final record, with the close cause, that ends the chain.
 * One assembler per processor, called only on that processor's thread (no locks). Session state lives in one
 * preallocated array, a cache line per session, and the containers of open records in a pool of reused rows, so usage
 * updates allocate nothing and touch a few lines; a record allocates only when it is cut.
 *
 * <p>Call sequence for the flow side:
 * <pre>
 *   int h = assembler.open(chargingID, identity, openTimeMs);        // session starts
 *   assembler.onUsage(h, rg, sid, ulOctets, dlOctets, ulPkts, dlPkts, firstMs, lastMs, activeMs); // any number
 *   assembler.onPeer(h, peerHi, peerLo);                              // optional, once known
 *   assembler.onTime(nowMs);                                          // optional: time-limit partials when idle
 *   assembler.close(h, CauseForRecClosing.NORMAL_RELEASE, closeTimeMs); // always yields the final record
 * </pre>
 * Usage may be reported per packet or as container deltas at any points (e.g. all at close): the volume and
 * container limits are checked on every call, the time limit on every call and in {@link #onTime}.
 */
public final class CdrAssembler {
    // per session (handle): eight longs in one array, a cache line each
    private static final int STRIDE = 8;
    private static final int S_CHARGING_ID = 0;
    private static final int S_OPENING_MS = 1;
    private static final int S_VOLUME = 2;
    private static final int S_PEER_HI = 3;
    private static final int S_PEER_LO = 4;
    /** Bit 0: open; bit 1: peer-to-peer; bits 32..63: the next record sequence number. */
    private static final int S_FLAGS = 5;
    /** First container row of the open record (low 32 bits, -1: none), last one (high 32 bits). */
    private static final int S_CHAIN = 6;

    private static final int S_CONTAINERS = 7;
    private static final long OPEN = 1;
    private static final long PEER_TO_PEER = 2;
    // per container row: eight longs
    private static final int C_SERVICE = 0;
    private static final int C_UL = 1;
    private static final int C_DL = 2;
    private static final int C_UL_PACKETS = 3;
    private static final int C_DL_PACKETS = 4;
    private static final int C_FIRST = 5;
    private static final int C_LAST = 6;
    private static final int C_ACTIVE = 7;
    /**
     * Longs before row 0 of each table: a large array starts at a G1 region boundary with its data 16 bytes in, so six
     * longs put every row on a cache-line boundary.
     */
    private static final int ALIGN = 6;

    private final AssemblerContext context;
    private final CdrSink sink;
    /** The sink when it takes encoded records (then no record objects are made), else null. */
    private final EncodedCdrSink encodedSink;
    /** Where records are encoded (see {@link #emit}); grows when a record needs more. */
    private byte[] scratch = new byte[1024];

    private long[] state;
    private SessionIdentity[] identities;
    private int[] freeSlots;
    private int freeCount;
    private int openCount;
    private long recordsCut;
    /**
     * Containers of open records, reused last-freed-first: a record's rows are freed when it is cut, so the next
     * record takes the same few rows back while they are still in the cache.
     */
    private long[] containers = new long[ALIGN + (64 << 3)];

    private int[] nextContainer = new int[64];
    private int freeContainer = -1;
    private int usedContainers;

    public CdrAssembler(AssemblerContext context, CdrSink sink) {
        this.context = context;
        this.sink = sink;
        this.encodedSink = sink instanceof EncodedCdrSink e ? e : null;
        int slots = context.maxSessions();
        this.state = new long[ALIGN + slots * STRIDE];
        this.identities = new SessionIdentity[slots];
        this.freeSlots = new int[slots];
        for (int i = 0; i < slots; i++) {
            freeSlots[i] = slots - 1 - i;
        }
        this.freeCount = slots;
    }

    /**
     * Opens a session and returns its handle. The table starts with {@link AssemblerContext#maxSessions()} slots and
     * doubles when they are all open (rarely: a processor's sessions grow with its subscribers), so a run with more
     * concurrent sessions than foreseen keeps charging instead of failing.
     */
    public int open(long chargingID, SessionIdentity identity, long openTimeMs) {
        java.util.Objects.requireNonNull(identity, "identity");
        if (freeCount == 0) {
            grow();
        }
        int handle = freeSlots[--freeCount];
        int at = at(handle);
        state[at + S_CHARGING_ID] = chargingID;
        state[at + S_OPENING_MS] = openTimeMs;
        state[at + S_VOLUME] = 0;
        state[at + S_PEER_HI] = 0;
        state[at + S_PEER_LO] = 0;
        state[at + S_FLAGS] = (1L << 32) | OPEN;
        state[at + S_CHAIN] = -1;
        state[at + S_CONTAINERS] = 0;
        identities[handle] = identity;
        openCount++;
        return handle;
    }

    private void grow() {
        int old = identities.length;
        int size = old * 2;
        state = Arrays.copyOf(state, ALIGN + size * STRIDE);
        identities = Arrays.copyOf(identities, size);
        freeSlots = Arrays.copyOf(freeSlots, size);
        for (int i = 0; i < size - old; i++) {
            freeSlots[freeCount++] = size - 1 - i;
        }
    }

    /** The identity records of the session are written with now. */
    public SessionIdentity identity(int handle) {
        session(handle);
        return identities[handle];
    }

    /**
     * Replaces the identity of an open session, when the directory names its subscriber after the session opened:
     * the open record and every later one carry the new identity.
     */
    public void identify(int handle, SessionIdentity identity) {
        session(handle);
        identities[handle] = java.util.Objects.requireNonNull(identity, "identity");
    }

    /** Records the peer subscriber of a peer-to-peer session (written into this and later records). */
    public void onPeer(int handle, long peerHi, long peerLo) {
        int at = session(handle);
        state[at + S_FLAGS] |= PEER_TO_PEER;
        state[at + S_PEER_HI] = peerHi;
        state[at + S_PEER_LO] = peerLo;
    }

    /**
     * Adds usage (deltas) to the session's container for {@code ratingGroup}/{@code serviceId}. May cut a partial
     * record first (time limit, container count) or after (volume limit).
     */
    public void onUsage(
            int handle,
            int ratingGroup,
            int serviceId,
            long ulOctets,
            long dlOctets,
            long ulPackets,
            long dlPackets,
            long firstUsageMs,
            long lastUsageMs,
            long activeMs) {
        int at = session(handle);
        long timeCut = timeLimitCut(at);
        if (firstUsageMs >= timeCut) {
            // usage from the record's boundary on belongs to the next record
            cut(handle, CauseForRecClosing.TIME_LIMIT, timeCut);
        }
        long service = service(ratingGroup, serviceId);
        int c = find(at, service);
        if (c < 0) {
            if (context.maxChangeConditions() > 0 && state[at + S_CONTAINERS] >= context.maxChangeConditions()) {
                cut(handle, CauseForRecClosing.MAX_CHANGE_COND, Math.max(state[at + S_OPENING_MS], firstUsageMs));
            }
            c = add(at, service, firstUsageMs);
        }
        int k = ALIGN + (c << 3);
        long[] rows = containers;
        rows[k + C_UL] += ulOctets;
        rows[k + C_DL] += dlOctets;
        rows[k + C_UL_PACKETS] += ulPackets;
        rows[k + C_DL_PACKETS] += dlPackets;
        rows[k + C_FIRST] = Math.min(rows[k + C_FIRST], firstUsageMs);
        rows[k + C_LAST] = Math.max(rows[k + C_LAST], lastUsageMs);
        rows[k + C_ACTIVE] += activeMs;
        state[at + S_VOLUME] += ulOctets + dlOctets;
        if (context.volumeLimitOctets() > 0 && state[at + S_VOLUME] >= context.volumeLimitOctets()) {
            cut(handle, CauseForRecClosing.VOLUME_LIMIT, Math.max(state[at + S_OPENING_MS], lastUsageMs));
        }
    }

    private static long service(int ratingGroup, int serviceId) {
        return ((long) ratingGroup << 32) | (serviceId & 0xFFFF_FFFFL);
    }

    /** The open record's container row of a service, or -1. */
    private int find(int at, long service) {
        for (int c = (int) state[at + S_CHAIN]; c >= 0; c = nextContainer[c]) {
            if (containers[ALIGN + (c << 3) + C_SERVICE] == service) {
                return c;
            }
        }
        return -1;
    }

    /** A new container at the end of the open record's list. */
    private int add(int at, long service, long firstUsageMs) {
        int c = freeContainer;
        if (c >= 0) {
            freeContainer = nextContainer[c];
        } else {
            c = usedContainers++;
            if (c == nextContainer.length) {
                nextContainer = Arrays.copyOf(nextContainer, c * 2);
                containers = Arrays.copyOf(containers, ALIGN + ((c * 2) << 3));
            }
        }
        int k = ALIGN + (c << 3);
        containers[k + C_SERVICE] = service;
        containers[k + C_UL] = 0;
        containers[k + C_DL] = 0;
        containers[k + C_UL_PACKETS] = 0;
        containers[k + C_DL_PACKETS] = 0;
        containers[k + C_FIRST] = firstUsageMs;
        containers[k + C_LAST] = firstUsageMs;
        containers[k + C_ACTIVE] = 0;
        nextContainer[c] = -1;
        long chain = state[at + S_CHAIN];
        int head = (int) chain;
        if (head < 0) {
            state[at + S_CHAIN] = ((long) c << 32) | c;
        } else {
            nextContainer[(int) (chain >>> 32)] = c;
            state[at + S_CHAIN] = ((long) c << 32) | (head & 0xFFFF_FFFFL);
        }
        state[at + S_CONTAINERS]++;
        return c;
    }

    /**
     * Cuts the time-limit partial record of every open session whose record is due at {@code nowMs}; returns how many
     * were cut. Call it from a duty cycle (any clock the usage times follow).
     */
    public int onTime(long nowMs) {
        if (context.timeLimitMs() == 0 || openCount == 0) {
            return 0;
        }
        int cut = 0;
        for (int handle = 0; handle < identities.length; handle++) {
            int at = at(handle);
            if ((state[at + S_FLAGS] & OPEN) == 0) {
                continue;
            }
            long timeCut = timeLimitCut(at);
            if (nowMs >= timeCut) {
                cut(handle, CauseForRecClosing.TIME_LIMIT, timeCut);
                cut++;
            }
        }
        return cut;
    }

    /**
     * Where the open record of the session at {@code at} is cut on the time limit: the first limit boundary (from the
     * record's opening) after its first usage; never ({@code Long.MAX_VALUE}) while it has no usage or there is no
     * limit. So a record is never cut empty, a session idle for several limits gets one longer record, and the chain
     * is the same however often {@link #onTime} runs.
     */
    private long timeLimitCut(int at) {
        long limit = context.timeLimitMs();
        if (limit <= 0 || state[at + S_CONTAINERS] == 0) {
            return Long.MAX_VALUE;
        }
        long first = Long.MAX_VALUE;
        for (int c = (int) state[at + S_CHAIN]; c >= 0; c = nextContainer[c]) {
            first = Math.min(first, containers[ALIGN + (c << 3) + C_FIRST]);
        }
        long opening = state[at + S_OPENING_MS];
        return opening + (Math.max(0, first - opening) / limit + 1) * limit;
    }

    /**
     * Cuts a partial record of the session now, for a caller that enforces the limits itself (the flow processors cut
     * at the exact packet): {@code cause} must be a partial-record cause (volumeLimit, timeLimit or maxChangeCond).
     */
    public void cut(int handle, CauseForRecClosing cause, long cutTimeMs) {
        if (cause.isFinal()) {
            throw new IllegalArgumentException("cause=" + cause + " closes the session; use close()");
        }
        int at = session(handle);
        emit(handle, cause, Math.max(cutTimeMs, state[at + S_OPENING_MS]));
    }

    /**
     * Closes the session with its final record (always emitted, even without usage) and frees the handle.
     * {@code cause} must be a final cause (not volumeLimit, timeLimit or maxChangeCond).
     */
    public void close(int handle, CauseForRecClosing cause, long closeTimeMs) {
        if (!cause.isFinal()) {
            throw new IllegalArgumentException("cause=" + cause + " is a partial-record cause, not a closing one");
        }
        int at = session(handle);
        long timeCut = timeLimitCut(at);
        if (closeTimeMs >= timeCut) {
            // a limit the record reached before the close is cut first, as onTime at that moment would have
            cut(handle, CauseForRecClosing.TIME_LIMIT, timeCut);
        }
        emit(handle, cause, Math.max(closeTimeMs, state[at + S_OPENING_MS]));
        state[at + S_FLAGS] = 0;
        identities[handle] = null;
        freeSlots[freeCount++] = handle;
        openCount--;
    }

    /**
     * Closes every open session with its final record (shutdown, end of input); returns how many were closed.
     */
    public int closeAll(CauseForRecClosing cause, long closeTimeMs) {
        int closed = 0;
        for (int handle = 0; handle < identities.length && openCount > 0; handle++) {
            if ((state[at(handle) + S_FLAGS] & OPEN) != 0) {
                close(handle, cause, closeTimeMs);
                closed++;
            }
        }
        return closed;
    }

    /** Hands on the records the sink holds back ({@link CdrSink#flush}): when the caller has no more for now. */
    public void flush() {
        sink.flush();
    }

    /** Sessions open now. */
    public int openSessions() {
        return openCount;
    }

    /** Records handed to the sink so far. */
    public long recordsCut() {
        return recordsCut;
    }

    /**
     * Ends the open record with {@code cause} at {@code cutTimeMs}: {@link CdrCodec#putHeader} and
     * {@link CdrCodec#putServiceData} write it straight from the session's state and container rows, then
     * {@link #next} opens the next record and the sink gets this one. An {@link EncodedCdrSink} takes the bytes (nothing
     * is allocated unless the scratch must grow); any other sink gets the record {@link CdrCodec#decode} reads back from
     * them, so there is one way from the rows to a record and every record a sink sees went through the bytes the
     * journal keeps.
     */
    private void emit(int handle, CauseForRecClosing cause, long cutTimeMs) {
        int at = at(handle);
        int scc = switch (cause) {
            case VOLUME_LIMIT -> ServiceData.SCC_VOLUME_LIMIT | ServiceData.SCC_RECORD_CLOSURE;
            case TIME_LIMIT -> ServiceData.SCC_TIME_LIMIT | ServiceData.SCC_RECORD_CLOSURE;
            case MANAGEMENT_INTERVENTION -> ServiceData.SCC_MANAGEMENT_INTERVENTION;
            case MAX_CHANGE_COND -> ServiceData.SCC_RECORD_CLOSURE;
            default -> ServiceData.SCC_SERVICE_STOP;
        };
        SessionIdentity id = identities[handle];
        String node = context.nodeID();
        int count = (int) state[at + S_CONTAINERS];
        int max = CdrCodec.maxHeaderSize(
                        id.servedIMSI(), id.servedMSISDN(), id.servedPDPPDNAddress(), node, id.account(), id.plan())
                + count * CdrCodec.SERVICE_DATA_MAX_SIZE;
        if (scratch.length < max) {
            scratch = new byte[Math.max(max, scratch.length * 2)];
        }
        byte[] out = scratch;
        long flags = state[at + S_FLAGS];
        long opening = state[at + S_OPENING_MS];
        int p = CdrCodec.putHeader(
                out,
                0,
                PgwRecord.PGW_RECORD,
                cause,
                id.chargingSide(),
                (flags & PEER_TO_PEER) != 0,
                id.subscriberKeyHi(),
                id.subscriberKeyLo(),
                state[at + S_PEER_HI],
                state[at + S_PEER_LO],
                state[at + S_CHARGING_ID],
                opening,
                cutTimeMs - opening,
                (int) (flags >>> 32),
                id.subscriberId(),
                id.servedIMSI(),
                id.servedMSISDN(),
                id.servedPDPPDNAddress(),
                node,
                id.account(),
                id.plan(),
                count);
        for (int c = (int) state[at + S_CHAIN]; c >= 0; c = nextContainer[c]) {
            int k = ALIGN + (c << 3);
            long service = containers[k + C_SERVICE];
            p = CdrCodec.putServiceData(
                    out,
                    p,
                    opening,
                    (int) (service >> 32),
                    (int) service,
                    containers[k + C_UL],
                    containers[k + C_DL],
                    containers[k + C_UL_PACKETS],
                    containers[k + C_DL_PACKETS],
                    containers[k + C_FIRST],
                    containers[k + C_LAST],
                    containers[k + C_ACTIVE],
                    scc,
                    0);
        }
        next(at, cutTimeMs);
        if (encodedSink != null) {
            encodedSink.onEncoded(out, p);
        } else {
            sink.onCdr(CdrCodec.decode(ByteBuffer.wrap(out, 0, p).order(ByteOrder.LITTLE_ENDIAN), 0));
        }
    }

    /**
     * After the open record went out: its container rows go back to the front of the free list, the first of them on
     * top, and the next record opens at {@code cutTimeMs} with the next sequence number.
     */
    private void next(int at, long cutTimeMs) {
        int first = (int) state[at + S_CHAIN];
        if (first >= 0) {
            nextContainer[(int) (state[at + S_CHAIN] >>> 32)] = freeContainer;
            freeContainer = first;
        }
        state[at + S_FLAGS] += 1L << 32;
        state[at + S_CHAIN] = -1;
        state[at + S_CONTAINERS] = 0;
        state[at + S_VOLUME] = 0;
        state[at + S_OPENING_MS] = cutTimeMs;
        recordsCut++;
    }

    private static int at(int handle) {
        return ALIGN + handle * STRIDE;
    }

    /** Where an open session's state starts. */
    private int session(int handle) {
        if (handle < 0 || handle >= identities.length || (state[at(handle) + S_FLAGS] & OPEN) == 0) {
            throw new IllegalStateException("handle=" + handle + " is not an open session");
        }
        return at(handle);
    }
}

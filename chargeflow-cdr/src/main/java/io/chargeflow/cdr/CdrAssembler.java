package io.chargeflow.cdr;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the life of each session into a gap-free chain of PGW-CDRs: partial records cut on the configured volume
 * limit, time limit and number of containers, and a final record, with the close cause, that ends the chain.
 * One assembler per processor, called only on that processor's thread (no locks); session state lives in a
 * preallocated table of reusable slots, so usage updates allocate nothing; a record allocates only when it is cut.
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
    private static final int INITIAL_CONTAINERS = 4;

    private final AssemblerContext context;
    private final CdrSink sink;
    private Session[] sessions;
    private int[] freeSlots;
    private int freeCount;
    private int openCount;
    private long recordsCut;

    public CdrAssembler(AssemblerContext context, CdrSink sink) {
        this.context = context;
        this.sink = sink;
        this.sessions = new Session[context.maxSessions()];
        this.freeSlots = new int[context.maxSessions()];
        for (int i = 0; i < sessions.length; i++) {
            sessions[i] = new Session();
            freeSlots[i] = sessions.length - 1 - i;
        }
        this.freeCount = sessions.length;
    }

    /**
     * Opens a session and returns its handle. The table starts with {@link AssemblerContext#maxSessions()} slots and
     * doubles when they are all open (rarely: a processor's sessions grow with its subscribers), so a run with more
     * concurrent sessions than foreseen keeps charging instead of failing.
     */
    public int open(long chargingID, SessionIdentity identity, long openTimeMs) {
        if (freeCount == 0) {
            grow();
        }
        int handle = freeSlots[--freeCount];
        Session s = sessions[handle];
        s.open = true;
        s.chargingID = chargingID;
        s.identity = identity;
        s.recordOpeningTimeMs = openTimeMs;
        s.nextRecordSequence = 1;
        s.containerCount = 0;
        s.recordVolume = 0;
        s.peerToPeer = false;
        s.peerHi = 0;
        s.peerLo = 0;
        openCount++;
        return handle;
    }

    private void grow() {
        int old = sessions.length;
        int size = old * 2;
        sessions = java.util.Arrays.copyOf(sessions, size);
        freeSlots = java.util.Arrays.copyOf(freeSlots, size);
        for (int i = old; i < size; i++) {
            sessions[i] = new Session();
        }
        for (int i = 0; i < size - old; i++) {
            freeSlots[freeCount++] = size - 1 - i;
        }
    }

    /** The identity records of the session are written with now. */
    public SessionIdentity identity(int handle) {
        return session(handle).identity;
    }

    /**
     * Replaces the identity of an open session, when the directory names its subscriber after the session opened:
     * the open record and every later one carry the new identity.
     */
    public void identify(int handle, SessionIdentity identity) {
        session(handle).identity = java.util.Objects.requireNonNull(identity, "identity");
    }

    /** Records the peer subscriber of a peer-to-peer session (written into this and later records). */
    public void onPeer(int handle, long peerHi, long peerLo) {
        Session s = session(handle);
        s.peerToPeer = true;
        s.peerHi = peerHi;
        s.peerLo = peerLo;
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
        Session s = session(handle);
        if (context.timeLimitMs() > 0 && lastUsageMs - s.recordOpeningTimeMs >= context.timeLimitMs()) {
            cutAtTimeLimit(s, lastUsageMs);
        }
        int c = s.find(ratingGroup, serviceId);
        if (c < 0) {
            if (context.maxChangeConditions() > 0 && s.containerCount >= context.maxChangeConditions()) {
                cut(s, CauseForRecClosing.MAX_CHANGE_COND, Math.max(s.recordOpeningTimeMs, firstUsageMs));
            }
            c = s.add(ratingGroup, serviceId, firstUsageMs);
        }
        s.ul[c] += ulOctets;
        s.dl[c] += dlOctets;
        s.ulPk[c] += ulPackets;
        s.dlPk[c] += dlPackets;
        s.first[c] = Math.min(s.first[c], firstUsageMs);
        s.last[c] = Math.max(s.last[c], lastUsageMs);
        s.active[c] += activeMs;
        s.recordVolume += ulOctets + dlOctets;
        if (context.volumeLimitOctets() > 0 && s.recordVolume >= context.volumeLimitOctets()) {
            cut(s, CauseForRecClosing.VOLUME_LIMIT, Math.max(s.recordOpeningTimeMs, lastUsageMs));
        }
    }

    /**
     * Cuts time-limit partial records of every open session whose record is older than the limit at
     * {@code nowMs}; returns how many were cut. Call it from the processor's duty cycle (packet time).
     */
    public int onTime(long nowMs) {
        if (context.timeLimitMs() == 0 || openCount == 0) {
            return 0;
        }
        int cut = 0;
        for (Session s : sessions) {
            if (s.open && nowMs - s.recordOpeningTimeMs >= context.timeLimitMs()) {
                cutAtTimeLimit(s, nowMs);
                cut++;
            }
        }
        return cut;
    }

    /**
     * One timeLimit record, closed at the last time-limit boundary at or before {@code nowMs}: a session idle for
     * several limits gets one longer record rather than a run of empty ones.
     */
    private void cutAtTimeLimit(Session s, long nowMs) {
        long limit = context.timeLimitMs();
        long boundary = s.recordOpeningTimeMs + (nowMs - s.recordOpeningTimeMs) / limit * limit;
        cut(s, CauseForRecClosing.TIME_LIMIT, boundary);
    }

    /**
     * Cuts a partial record of the session now, for a caller that enforces the limits itself (the flow processors cut
     * at the exact packet): {@code cause} must be a partial-record cause (volumeLimit, timeLimit or maxChangeCond).
     */
    public void cut(int handle, CauseForRecClosing cause, long cutTimeMs) {
        if (cause.isFinal()) {
            throw new IllegalArgumentException("cause=" + cause + " closes the session; use close()");
        }
        Session s = session(handle);
        cut(s, cause, Math.max(cutTimeMs, s.recordOpeningTimeMs));
    }

    /**
     * Closes the session with its final record (always emitted, even without usage) and frees the handle.
     * {@code cause} must be a final cause (not volumeLimit, timeLimit or maxChangeCond).
     */
    public void close(int handle, CauseForRecClosing cause, long closeTimeMs) {
        if (!cause.isFinal()) {
            throw new IllegalArgumentException("cause=" + cause + " is a partial-record cause, not a closing one");
        }
        Session s = session(handle);
        cut(s, cause, Math.max(closeTimeMs, s.recordOpeningTimeMs));
        s.open = false;
        s.identity = null;
        freeSlots[freeCount++] = handle;
        openCount--;
    }

    /**
     * Closes every open session with its final record (shutdown, end of input); returns how many were closed.
     */
    public int closeAll(CauseForRecClosing cause, long closeTimeMs) {
        int closed = 0;
        for (int handle = 0; handle < sessions.length && openCount > 0; handle++) {
            if (sessions[handle].open) {
                close(handle, cause, closeTimeMs);
                closed++;
            }
        }
        return closed;
    }

    /** Sessions open now. */
    public int openSessions() {
        return openCount;
    }

    /** Records handed to the sink so far. */
    public long recordsCut() {
        return recordsCut;
    }

    private void cut(Session s, CauseForRecClosing cause, long cutTimeMs) {
        int scc = switch (cause) {
            case VOLUME_LIMIT -> ServiceData.SCC_VOLUME_LIMIT | ServiceData.SCC_RECORD_CLOSURE;
            case TIME_LIMIT -> ServiceData.SCC_TIME_LIMIT | ServiceData.SCC_RECORD_CLOSURE;
            case MANAGEMENT_INTERVENTION -> ServiceData.SCC_MANAGEMENT_INTERVENTION;
            case MAX_CHANGE_COND -> ServiceData.SCC_RECORD_CLOSURE;
            default -> ServiceData.SCC_SERVICE_STOP;
        };
        List<ServiceData> list = new ArrayList<>(s.containerCount);
        for (int i = 0; i < s.containerCount; i++) {
            list.add(new ServiceData(
                    s.rg[i],
                    s.sid[i],
                    s.ul[i],
                    s.dl[i],
                    s.ulPk[i],
                    s.dlPk[i],
                    s.first[i],
                    s.last[i],
                    s.active[i],
                    scc,
                    0));
        }
        SessionIdentity id = s.identity;
        PgwRecord cdr = new PgwRecord(
                PgwRecord.PGW_RECORD,
                id.servedIMSI(),
                id.servedMSISDN(),
                id.servedPDPPDNAddress(),
                s.chargingID,
                context.nodeID(),
                s.recordOpeningTimeMs,
                cutTimeMs - s.recordOpeningTimeMs,
                cause,
                s.nextRecordSequence++,
                0,
                list,
                id.chargingSide(),
                id.subscriberKeyHi(),
                id.subscriberKeyLo(),
                s.peerToPeer,
                s.peerHi,
                s.peerLo,
                id.subscriberId(),
                id.account(),
                id.plan());
        s.containerCount = 0;
        s.recordVolume = 0;
        s.recordOpeningTimeMs = cutTimeMs;
        recordsCut++;
        sink.onCdr(cdr);
    }

    private Session session(int handle) {
        if (handle < 0 || handle >= sessions.length || !sessions[handle].open) {
            throw new IllegalStateException("handle=" + handle + " is not an open session");
        }
        return sessions[handle];
    }

    /** One reusable slot: the open record's containers as parallel arrays, grown rarely and kept. */
    private static final class Session {
        boolean open;
        long chargingID;
        SessionIdentity identity;
        long recordOpeningTimeMs;
        int nextRecordSequence;
        long recordVolume;
        boolean peerToPeer;
        long peerHi;
        long peerLo;
        int containerCount;
        int[] rg = new int[INITIAL_CONTAINERS];
        int[] sid = new int[INITIAL_CONTAINERS];
        long[] ul = new long[INITIAL_CONTAINERS];
        long[] dl = new long[INITIAL_CONTAINERS];
        long[] ulPk = new long[INITIAL_CONTAINERS];
        long[] dlPk = new long[INITIAL_CONTAINERS];
        long[] first = new long[INITIAL_CONTAINERS];
        long[] last = new long[INITIAL_CONTAINERS];
        long[] active = new long[INITIAL_CONTAINERS];

        int find(int ratingGroup, int serviceId) {
            for (int i = 0; i < containerCount; i++) {
                if (rg[i] == ratingGroup && sid[i] == serviceId) {
                    return i;
                }
            }
            return -1;
        }

        int add(int ratingGroup, int serviceId, long firstUsageMs) {
            if (containerCount == rg.length) {
                grow();
            }
            int i = containerCount++;
            rg[i] = ratingGroup;
            sid[i] = serviceId;
            ul[i] = 0;
            dl[i] = 0;
            ulPk[i] = 0;
            dlPk[i] = 0;
            first[i] = firstUsageMs;
            last[i] = firstUsageMs;
            active[i] = 0;
            return i;
        }

        private void grow() {
            int n = rg.length * 2;
            rg = Arrays.copyOf(rg, n);
            sid = Arrays.copyOf(sid, n);
            ul = Arrays.copyOf(ul, n);
            dl = Arrays.copyOf(dl, n);
            ulPk = Arrays.copyOf(ulPk, n);
            dlPk = Arrays.copyOf(dlPk, n);
            first = Arrays.copyOf(first, n);
            last = Arrays.copyOf(last, n);
            active = Arrays.copyOf(active, n);
        }
    }
}

package io.chargeflow.flow;

import io.chargeflow.flow.internal.KeyIndex;
import io.chargeflow.flow.internal.RecordLayout;
import io.chargeflow.flow.internal.RecordRing;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * One charging processor: a thread that owns the sessions of the subscribers whose keys hash to it. It drains its
 * {@link RecordRing} (packets from the flow manager) and its inbox (directory answers, binding changes), meters
 * uplink and downlink per session, closes sessions on idle timeout (packet time), binding change or end of input,
 * and hands every closed session to the {@link SessionListener}.
 *
 * <p>Nothing here is shared: the session table and the usage totals are touched by this thread alone (no locks on the
 * hot path); other threads talk to it only through the ring and the inbox. Sessions live in a struct-of-arrays table
 * (about 110 bytes a session), so a million concurrent sessions fit in well under 256 MiB.
 */
public final class Processor implements Runnable {
    static final int FLAG_PEER_TO_PEER = 1;
    static final int FLAG_LOOKUP_PENDING = 2;
    /** The key has a session now; without it the row only keeps the key's totals between sessions. */
    static final int FLAG_OPEN = 4;
    /** Some session of the key was peer-to-peer (for the totals). */
    static final int FLAG_EVER_PEER_TO_PEER = 8;

    private static final int MAX_BATCH = 4096;
    private static final long NANOS_PER_MS = 1_000_000L;

    private final int id;
    private final RecordRing ring;
    private final MpscUnboundedXaddArrayQueue<Object> inbox = new MpscUnboundedXaddArrayQueue<>(1024);
    private final SubscriberDirectory directory;
    private final boolean useDirectory;
    private final boolean useValidity;
    private final SessionListener listener;
    private final long idleTimeoutNs;
    private final long sweepIntervalNs;
    private final int ipv6PrefixLength;
    private final long lookupDrainTimeoutNs;
    private final SubscriberDirectory.LookupReply reply = this::onLookupResult;
    /** The thread inside {@link SubscriberDirectory#lookup} right now: an answer on it is applied at once. */
    private Thread lookupThread;

    private LookupAnswer immediateAnswer;

    // sessions: key columns in the index, the rest here, row-aligned. The fields every packet touches are
    // interleaved in one array, eight longs (one cache line) per row; the rest are columns of their own.
    private static final int H_SESSION_ID = 0;
    private static final int H_LAST_NS = 1;
    private static final int H_UL_PACKETS = 2;
    private static final int H_UL_BYTES = 3;
    private static final int H_DL_PACKETS = 4;
    private static final int H_DL_BYTES = 5;
    private static final int H_FLAGS = 6;
    private static final int H_VALID_UNTIL_NS = 7;
    private long[] hot;
    private final KeyIndex sessions;
    private long[] peerHi;
    private long[] peerLo;
    private long[] firstNs;
    private Subscriber[] subscriber;
    /** The directory's holder of the session's peer-to-peer peer, once asked and answered. */
    private Subscriber[] peerSubscriber;

    private long[] totalUlPackets;
    private long[] totalUlBytes;
    private long[] totalDlPackets;
    private long[] totalDlBytes;
    private int[] sessionCount;
    private int openCount;
    private final ServiceMeter services;
    private long[] serviceMask;
    private final SessionRecorder recorder;
    private final int defaultRatingGroup;
    private final long activityNs;
    private int[] recorderHandle;

    private long nowNs = Long.MIN_VALUE;
    private long nextSweepNs = Long.MIN_VALUE;
    private long nextSessionSequence;
    private int pendingLookups;
    private volatile Throwable failure;
    private volatile boolean finished;

    // counters: written by this thread, read by others after join (or approximately while running)
    private long records;
    private long chargedBytes;
    private long sessionsOpened;
    private long sessionsClosed;
    private long lookups;
    private long lookupAnswers;
    private long staleAnswers;
    private long straddlingAnswers;
    private int peakSessions;
    private long idleLoops;

    Processor(int id, RecordRing ring, FlowContext context) {
        this.id = id;
        this.ring = ring;
        this.directory = context.directory();
        this.useDirectory = context.directory() != SubscriberDirectory.NONE;
        this.listener = context.sessionListener();
        this.idleTimeoutNs = context.idleTimeout().toNanos();
        this.sweepIntervalNs = Math.max(idleTimeoutNs / 8, TimeUnit.SECONDS.toNanos(1));
        this.ipv6PrefixLength = context.ipv6PrefixLength();
        this.lookupDrainTimeoutNs = context.lookupDrainTimeout().toNanos();
        int expected = Math.max(16, context.expectedSubscribers() / context.processors());
        this.sessions = new KeyIndex(expected);
        this.useValidity = useDirectory;
        this.services = context.serviceRules() == null
                ? null
                : new ServiceMeter(
                        context.serviceRules(),
                        expected,
                        context.flowIdleTimeout().toNanos(),
                        context.activityTimeout().toNanos());
        this.recorder = context.sessionRecorders() == null
                ? null
                : context.sessionRecorders().apply(id);
        this.defaultRatingGroup = context.defaultRatingGroup();
        this.activityNs = context.activityTimeout().toNanos();
        allocateColumns(sessions.capacity());
    }

    public int id() {
        return id;
    }

    /** Posts a control message (any thread). */
    void post(Object message) {
        inbox.offer(message);
    }

    @Override
    public void run() {
        try {
            runLoop();
        } catch (Throwable t) {
            failure = t;
        } finally {
            finished = true;
        }
    }

    private void runLoop() {
        int idle = 0;
        while (true) {
            int work = doWork();
            if (work > 0) {
                idle = 0;
                continue;
            }
            if (ring.isProducerDone() && ring.available() == 0) {
                finishInput();
                return;
            }
            idle = idle(idle);
        }
    }

    /**
     * One duty cycle: inbox, then a bounded batch of records, then a sweep if packet time moved on. Called by the
     * processor's own thread; public so that a benchmark can drive a processor that was never started.
     */
    public int doWork() {
        int work = drainInbox();
        long watermark = ring.watermarkNs();
        int available = ring.available();
        int batch = Math.min(available, MAX_BATCH);
        long[] buffer = ring.buffer;
        for (int i = 0; i < batch; i++) {
            onRecord(buffer, ring.offsetOf(i));
        }
        if (batch > 0) {
            ring.release(batch);
            records += batch;
            work += batch;
        }
        if (batch == available && watermark > nowNs) {
            // every record up to the watermark was published before it, and all of them are processed now
            nowNs = watermark;
        }
        if (nowNs >= nextSweepNs) {
            sweep();
        }
        return work;
    }

    /**
     * Backs off when the ring is empty: a few spins, then parking that grows to a millisecond. Processors must not
     * yield-spin: on a machine with as many cores as threads they would take the reader's core, and the ring (tens of
     * thousands of records) absorbs a millisecond of input at line rate.
     */
    private int idle(int idle) {
        idleLoops++;
        if (idle < 16) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(Math.min(1_000_000L, 20_000L << Math.min(6, (idle - 16) >> 2)));
        }
        return idle + 1;
    }

    private void onRecord(long[] buffer, int offset) {
        long keyHi = buffer[offset + RecordLayout.KEY_HI];
        long keyLo = buffer[offset + RecordLayout.KEY_LO];
        long timeNs = buffer[offset + RecordLayout.TIME_NS];
        long meta = buffer[offset + RecordLayout.META];
        if (timeNs > nowNs) {
            nowNs = timeNs;
        }
        int row = sessions.find(keyHi, keyLo);
        if (row >= 0 && (hot[(row << 3) + H_FLAGS] & FLAG_OPEN) != 0) {
            if (useValidity && timeNs >= hot[(row << 3) + H_VALID_UNTIL_NS]) {
                closeRow(row, CloseCause.BINDING_CHANGE, hot[(row << 3) + H_VALID_UNTIL_NS]);
            } else if (timeNs - hot[(row << 3) + H_LAST_NS] > idleTimeoutNs) {
                closeRow(row, CloseCause.IDLE_TIMEOUT, hot[(row << 3) + H_LAST_NS] + idleTimeoutNs);
            }
        }
        if (row < 0) {
            row = sessions.insert(keyHi, keyLo);
            if (row << 3 >= hot.length) {
                allocateColumns(sessions.capacity());
            }
            hot[(row << 3) + H_FLAGS] = 0;
            totalUlPackets[row] = 0;
            totalUlBytes[row] = 0;
            totalDlPackets[row] = 0;
            totalDlBytes[row] = 0;
            sessionCount[row] = 0;
            peerHi[row] = 0;
            peerLo[row] = 0;
        }
        if ((hot[(row << 3) + H_FLAGS] & FLAG_OPEN) == 0) {
            openSession(row, keyHi, keyLo, timeNs, RecordLayout.downlink(meta));
        }
        int bytes = RecordLayout.bytes(meta);
        if (RecordLayout.downlink(meta)) {
            hot[(row << 3) + H_DL_PACKETS]++;
            hot[(row << 3) + H_DL_BYTES] += bytes;
        } else {
            hot[(row << 3) + H_UL_PACKETS]++;
            hot[(row << 3) + H_UL_BYTES] += bytes;
        }
        chargedBytes += bytes;
        long gap = timeNs - hot[(row << 3) + H_LAST_NS];
        if (timeNs > hot[(row << 3) + H_LAST_NS]) {
            hot[(row << 3) + H_LAST_NS] = timeNs;
        }
        if (RecordLayout.peerIsSubscriber(meta)) {
            long hi = buffer[offset + RecordLayout.PEER_HI];
            long lo = buffer[offset + RecordLayout.PEER_LO];
            boolean v4 = SubscriberKeys.isIpv4(hi, lo);
            hi = v4 ? hi : SubscriberKeys.maskHi(hi, ipv6PrefixLength);
            lo = v4 ? lo : SubscriberKeys.maskLo(lo, ipv6PrefixLength);
            if ((hot[(row << 3) + H_FLAGS] & FLAG_PEER_TO_PEER) == 0 || peerHi[row] != hi || peerLo[row] != lo) {
                onNewPeer(row, keyHi, keyLo, hi, lo, timeNs);
            }
            hot[(row << 3) + H_FLAGS] |= FLAG_PEER_TO_PEER | FLAG_EVER_PEER_TO_PEER;
            peerHi[row] = hi;
            peerLo[row] = lo;
        }
        boolean downlink = RecordLayout.downlink(meta);
        if (services != null) {
            int decision = services.onPacket(
                    row,
                    hot[(row << 3) + H_SESSION_ID],
                    keyHi,
                    keyLo,
                    buffer[offset + RecordLayout.PEER_HI],
                    buffer[offset + RecordLayout.PEER_LO],
                    buffer[offset + RecordLayout.PORTS],
                    meta,
                    buffer[offset + RecordLayout.HINT],
                    timeNs);
            serviceMask[row] |= 1L << decision;
            if (recorder != null) {
                ServiceRules rules = services.rules();
                if (services.moved()) {
                    recordMove(row, rules, decision);
                }
                recorder.onUsage(
                        recorderHandle[row],
                        rules.ratingGroup(decision),
                        rules.serviceId(decision),
                        downlink ? 0 : bytes,
                        downlink ? bytes : 0,
                        downlink ? 0 : 1,
                        downlink ? 1 : 0,
                        timeNs,
                        timeNs,
                        services.lastActiveDelta());
            }
        } else if (recorder != null) {
            recorder.onUsage(
                    recorderHandle[row],
                    defaultRatingGroup,
                    0,
                    downlink ? 0 : bytes,
                    downlink ? bytes : 0,
                    downlink ? 0 : 1,
                    downlink ? 1 : 0,
                    timeNs,
                    timeNs,
                    gap > 0 && gap <= activityNs ? gap : 0);
        }
    }

    /** A session met a (new) peer subscriber: tell the recorder, and ask the directory who the peer is. */
    private void onNewPeer(int row, long keyHi, long keyLo, long peerKeyHi, long peerKeyLo, long timeNs) {
        if (recorder != null) {
            recorder.onPeer(recorderHandle[row], peerKeyHi, peerKeyLo);
        }
        peerSubscriber[row] = null;
        if (useDirectory) {
            lookups++;
            directory.lookup(
                    peerKeyHi,
                    peerKeyLo,
                    ipv6PrefixLength,
                    timeNs / NANOS_PER_MS,
                    (hi, lo, atMs, holder, fromMs, untilMs) ->
                            inbox.offer(new PeerAnswer(keyHi, keyLo, hi, lo, holder)));
        }
    }

    private void onPeerAnswer(PeerAnswer answer) {
        lookupAnswers++;
        int row = sessions.find(answer.keyHi(), answer.keyLo());
        if (row >= 0
                && (hot[(row << 3) + H_FLAGS] & FLAG_PEER_TO_PEER) != 0
                && peerHi[row] == answer.peerHi()
                && peerLo[row] == answer.peerLo()) {
            peerSubscriber[row] = answer.subscriber();
        } else {
            staleAnswers++;
        }
    }

    /** Tells the recorder that a flow's earlier usage moved from one rating group to another. */
    private void recordMove(int row, ServiceRules rules, int decision) {
        int from = services.movedFrom();
        recorder.onUsage(
                recorderHandle[row],
                rules.ratingGroup(from),
                rules.serviceId(from),
                -services.movedUlBytes(),
                -services.movedDlBytes(),
                -services.movedUlPackets(),
                -services.movedDlPackets(),
                Long.MAX_VALUE,
                Long.MIN_VALUE,
                -services.movedActiveNs());
        recorder.onUsage(
                recorderHandle[row],
                rules.ratingGroup(decision),
                rules.serviceId(decision),
                services.movedUlBytes(),
                services.movedDlBytes(),
                services.movedUlPackets(),
                services.movedDlPackets(),
                services.movedFirstNs(),
                services.movedFirstNs(),
                services.movedActiveNs());
    }

    private void openSession(int row, long keyHi, long keyLo, long timeNs, boolean downlink) {
        hot[(row << 3) + H_SESSION_ID] = ((long) id << 48) | nextSessionSequence++;
        firstNs[row] = timeNs;
        hot[(row << 3) + H_LAST_NS] = timeNs;
        hot[(row << 3) + H_UL_PACKETS] = 0;
        hot[(row << 3) + H_UL_BYTES] = 0;
        hot[(row << 3) + H_DL_PACKETS] = 0;
        hot[(row << 3) + H_DL_BYTES] = 0;
        if (useValidity) {
            hot[(row << 3) + H_VALID_UNTIL_NS] = Long.MAX_VALUE;
        }
        if (services != null) {
            serviceMask[row] = 0;
        }
        hot[(row << 3) + H_FLAGS] = (hot[(row << 3) + H_FLAGS] & FLAG_EVER_PEER_TO_PEER) | FLAG_OPEN;
        openCount++;
        if (recorder != null) {
            recorderHandle[row] = recorder.onOpen(hot[(row << 3) + H_SESSION_ID], keyHi, keyLo, downlink, timeNs);
        }
        subscriber[row] = null;
        sessionsOpened++;
        if (openCount > peakSessions) {
            peakSessions = openCount;
        }
        if (useDirectory) {
            hot[(row << 3) + H_FLAGS] |= FLAG_LOOKUP_PENDING;
            pendingLookups++;
            lookups++;
            lookupThread = Thread.currentThread();
            try {
                directory.lookup(keyHi, keyLo, ipv6PrefixLength, timeNs / NANOS_PER_MS, reply);
            } finally {
                lookupThread = null;
            }
            if (immediateAnswer != null) {
                // a cached answer: the packet that opened the session is already attributed to its holder
                LookupAnswer answer = immediateAnswer;
                immediateAnswer = null;
                onLookupAnswer(answer, true);
            }
        }
    }

    /** Directory answer, on any thread: becomes a message on this processor's own queue. */
    private void onLookupResult(
            long keyHi, long keyLo, long atTimeMs, Subscriber holder, long validFromMs, long validUntilMs) {
        LookupAnswer answer = new LookupAnswer(keyHi, keyLo, atTimeMs, holder, validFromMs, validUntilMs);
        if (Thread.currentThread() == lookupThread) {
            immediateAnswer = answer;
        } else {
            inbox.offer(answer);
        }
    }

    private int drainInbox() {
        int drained = 0;
        Object message;
        while (drained < MAX_BATCH && (message = inbox.poll()) != null) {
            drained++;
            switch (message) {
                case LookupAnswer answer -> onLookupAnswer(answer);
                case PeerAnswer answer -> onPeerAnswer(answer);
                case CloseRequest request -> onCloseRequest(request);
                default -> throw new IllegalStateException("message=" + message + " is not a processor message");
            }
        }
        return drained;
    }

    private void onLookupAnswer(LookupAnswer answer) {
        onLookupAnswer(answer, false);
    }

    /** {@code immediate}: answered inside the lookup, before the opening packet was counted. */
    private void onLookupAnswer(LookupAnswer answer, boolean immediate) {
        lookupAnswers++;
        int row = sessions.find(answer.keyHi(), answer.keyLo());
        if (row < 0
                || (hot[(row << 3) + H_FLAGS] & (FLAG_LOOKUP_PENDING | FLAG_OPEN)) != (FLAG_LOOKUP_PENDING | FLAG_OPEN)
                || firstNs[row] / NANOS_PER_MS != answer.atTimeMs()) {
            // the session that asked is gone (its close already settled the pending count)
            staleAnswers++;
            return;
        }
        pendingLookups--;
        hot[(row << 3) + H_FLAGS] &= ~FLAG_LOOKUP_PENDING;
        subscriber[row] = answer.subscriber();
        if (recorder != null && answer.subscriber() != null) {
            recorder.onSubscriber(recorderHandle[row], answer.subscriber());
        }
        hot[(row << 3) + H_VALID_UNTIL_NS] = answer.validUntilMs() >= Long.MAX_VALUE / NANOS_PER_MS
                ? Long.MAX_VALUE
                : answer.validUntilMs() * NANOS_PER_MS;
        if (!immediate && hot[(row << 3) + H_LAST_NS] >= hot[(row << 3) + H_VALID_UNTIL_NS]) {
            // a late answer (directory miss) for a binding that ended while its packets were metered: the session
            // ends at the binding's end; packets metered in between stay with it and are counted as straddling
            straddlingAnswers++;
            closeRow(row, CloseCause.BINDING_CHANGE, hot[(row << 3) + H_VALID_UNTIL_NS]);
        }
    }

    private void onCloseRequest(CloseRequest request) {
        if (request.prefixLength() >= 128 || SubscriberKeys.isIpv4(request.keyHi(), request.keyLo())) {
            closeIfOpen(sessions.find(request.keyHi(), request.keyLo()), request);
            return;
        }
        // a prefix shorter than the keys: every open key inside it (rare, control plane)
        long maskHi = SubscriberKeys.maskHi(-1L, request.prefixLength());
        long maskLo = SubscriberKeys.maskLo(-1L, request.prefixLength());
        for (int row = sessions.size() - 1; row >= 0; row--) {
            if ((sessions.hi(row) & maskHi) == request.keyHi()
                    && (sessions.lo(row) & maskLo) == request.keyLo()
                    && !SubscriberKeys.isIpv4(sessions.hi(row), sessions.lo(row))) {
                closeIfOpen(row, request);
            }
        }
    }

    private void closeIfOpen(int row, CloseRequest request) {
        if (row >= 0 && (hot[(row << 3) + H_FLAGS] & FLAG_OPEN) != 0) {
            closeRow(row, request.cause(), Math.max(hot[(row << 3) + H_LAST_NS], request.atTimeMs() * NANOS_PER_MS));
        }
    }

    private void sweep() {
        long now = nowNs;
        for (int row = sessions.size() - 1; row >= 0; row--) {
            if ((hot[(row << 3) + H_FLAGS] & FLAG_OPEN) != 0 && now - hot[(row << 3) + H_LAST_NS] > idleTimeoutNs) {
                closeRow(row, CloseCause.IDLE_TIMEOUT, hot[(row << 3) + H_LAST_NS] + idleTimeoutNs);
            }
        }
        if (services != null) {
            services.sweep(now);
        }
        if (recorder != null) {
            recorder.onTime(now);
        }
        nextSweepNs = now + sweepIntervalNs;
    }

    private void finishInput() {
        long deadline = System.nanoTime() + lookupDrainTimeoutNs;
        while (pendingLookups > 0 && System.nanoTime() < deadline) {
            if (drainInbox() == 0) {
                LockSupport.parkNanos(100_000);
            }
        }
        drainInbox();
        for (int row = sessions.size() - 1; row >= 0; row--) {
            if ((hot[(row << 3) + H_FLAGS] & FLAG_OPEN) != 0) {
                closeRow(row, CloseCause.END_OF_INPUT, hot[(row << 3) + H_LAST_NS]);
            }
        }
    }

    private void closeRow(int row, CloseCause cause, long closeTimeNs) {
        boolean p2p = (hot[(row << 3) + H_FLAGS] & FLAG_PEER_TO_PEER) != 0;
        if ((hot[(row << 3) + H_FLAGS] & FLAG_LOOKUP_PENDING) != 0) {
            // the answer, if it comes, finds no pending session and is counted as stale
            pendingLookups--;
        }
        ClosedSession closed = new ClosedSession(
                hot[(row << 3) + H_SESSION_ID],
                id,
                sessions.hi(row),
                sessions.lo(row),
                subscriber[row],
                firstNs[row],
                hot[(row << 3) + H_LAST_NS],
                hot[(row << 3) + H_UL_PACKETS],
                hot[(row << 3) + H_UL_BYTES],
                hot[(row << 3) + H_DL_PACKETS],
                hot[(row << 3) + H_DL_BYTES],
                p2p,
                peerHi[row],
                peerLo[row],
                p2p ? peerSubscriber[row] : null,
                cause,
                closeTimeNs,
                services == null
                        ? java.util.List.of()
                        : services.close(hot[(row << 3) + H_SESSION_ID], serviceMask[row]));
        // the row stays: it keeps the key's totals and last identity until the next session of the key
        totalUlPackets[row] += hot[(row << 3) + H_UL_PACKETS];
        totalUlBytes[row] += hot[(row << 3) + H_UL_BYTES];
        totalDlPackets[row] += hot[(row << 3) + H_DL_PACKETS];
        totalDlBytes[row] += hot[(row << 3) + H_DL_BYTES];
        sessionCount[row]++;
        hot[(row << 3) + H_FLAGS] &= ~(FLAG_OPEN | FLAG_PEER_TO_PEER | FLAG_LOOKUP_PENDING);
        openCount--;
        sessionsClosed++;
        if (recorder != null) {
            recorder.onClose(recorderHandle[row], closed);
        }
        listener.onSessionClosed(closed);
    }

    private void allocateColumns(int rows) {
        hot = hot == null ? new long[rows << 3] : Arrays.copyOf(hot, rows << 3);
        peerHi = grow(peerHi, rows);
        peerLo = grow(peerLo, rows);
        firstNs = grow(firstNs, rows);
        serviceMask = services != null ? grow(serviceMask, rows) : null;
        recorderHandle = recorder != null
                ? (recorderHandle == null ? new int[rows] : Arrays.copyOf(recorderHandle, rows))
                : null;
        totalUlPackets = grow(totalUlPackets, rows);
        totalUlBytes = grow(totalUlBytes, rows);
        totalDlPackets = grow(totalDlPackets, rows);
        totalDlBytes = grow(totalDlBytes, rows);
        sessionCount = sessionCount == null ? new int[rows] : Arrays.copyOf(sessionCount, rows);
        subscriber = subscriber == null ? new Subscriber[rows] : Arrays.copyOf(subscriber, rows);
        peerSubscriber = peerSubscriber == null ? new Subscriber[rows] : Arrays.copyOf(peerSubscriber, rows);
    }

    private static long[] grow(long[] column, int rows) {
        return column == null ? new long[rows] : Arrays.copyOf(column, rows);
    }

    // ---- results, read after the thread finished ----

    /**
     * Calls {@code visitor} for every subscriber key this processor saw, in key order (IPv4 keys first, then IPv6,
     * each by address), with the key's totals over all its sessions. After the processor finished.
     */
    public void forEachKey(KeyVisitor visitor) {
        for (int row : sortedRows()) {
            visitRow(row, visitor);
        }
    }

    void visitRow(int row, KeyVisitor visitor) {
        visitor.visit(
                sessions.hi(row),
                sessions.lo(row),
                totalUlPackets[row],
                totalUlBytes[row],
                totalDlPackets[row],
                totalDlBytes[row],
                sessionCount[row],
                (hot[(row << 3) + H_FLAGS] & FLAG_EVER_PEER_TO_PEER) != 0,
                peerHi[row],
                peerLo[row],
                subscriber[row]);
    }

    int compareRows(int row, Processor other, int otherRow) {
        return compareKeys(
                sessions.hi(row), sessions.lo(row), other.sessions.hi(otherRow), other.sessions.lo(otherRow));
    }

    /** The rows in key order; allocation of one int array, no boxing. */
    int[] sortedRows() {
        int[] order = new int[sessions.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        it.unimi.dsi.fastutil.ints.IntArrays.quickSort(
                order, (a, b) -> compareKeys(sessions.hi(a), sessions.lo(a), sessions.hi(b), sessions.lo(b)));
        return order;
    }

    /** Key order of reports: IPv4 keys first, then IPv6, each by unsigned address. */
    public static int compareKeys(long hiA, long loA, long hiB, long loB) {
        boolean v4a = SubscriberKeys.isIpv4(hiA, loA);
        boolean v4b = SubscriberKeys.isIpv4(hiB, loB);
        if (v4a != v4b) {
            return v4a ? -1 : 1;
        }
        int c = Long.compareUnsigned(hiA, hiB);
        return c != 0 ? c : Long.compareUnsigned(loA, loB);
    }

    /** Number of subscriber keys this processor saw. */
    public int keys() {
        return sessions.size();
    }

    /** One key's totals over the run. */
    @FunctionalInterface
    public interface KeyVisitor {
        void visit(
                long keyHi,
                long keyLo,
                long ulPackets,
                long ulBytes,
                long dlPackets,
                long dlBytes,
                long sessions,
                boolean peerToPeer,
                long peerHi,
                long peerLo,
                Subscriber subscriber);
    }

    Throwable failure() {
        return failure;
    }

    boolean isFinished() {
        return finished;
    }

    public long records() {
        return records;
    }

    public long chargedBytes() {
        return chargedBytes;
    }

    public long sessionsOpened() {
        return sessionsOpened;
    }

    public long sessionsClosed() {
        return sessionsClosed;
    }

    public int openSessions() {
        return openCount;
    }

    public int peakSessions() {
        return peakSessions;
    }

    public long lookups() {
        return lookups;
    }

    public long lookupAnswers() {
        return lookupAnswers;
    }

    public long staleAnswers() {
        return staleAnswers;
    }

    /** Late directory answers whose binding ended before packets already metered in the session. */
    public long straddlingAnswers() {
        return straddlingAnswers;
    }

    public long idleLoops() {
        return idleLoops;
    }

    /** A directory answer on its way to the processor that asked. */
    /** The directory's answer about a session's peer-to-peer peer. */
    record PeerAnswer(long keyHi, long keyLo, long peerHi, long peerLo, Subscriber subscriber) {}

    record LookupAnswer(
            long keyHi, long keyLo, long atTimeMs, Subscriber subscriber, long validFromMs, long validUntilMs) {}

    /** A request to close a subscriber's session (binding changed, access node stopped it, management). */
    record CloseRequest(long keyHi, long keyLo, int prefixLength, CloseCause cause, long atTimeMs) {}
}

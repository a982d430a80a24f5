package io.chargeflow.flow;

import io.chargeflow.flow.internal.KeyIndex;
import io.chargeflow.flow.internal.LearnedAddresses;
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
 * hot path); other threads talk to it only through the ring and the inbox. Sessions live in rows behind a key index
 * (a hot row and a cold row of a cache line each, about 150 bytes a session without rating groups), so a million
 * concurrent sessions fit in 256 MiB.
 */
public final class Processor implements Runnable, KeyTable {
    static final int FLAG_PEER_TO_PEER = 1;
    static final int FLAG_LOOKUP_PENDING = 2;
    /** The key has a session now; without it the row only keeps the key's totals between sessions. */
    static final int FLAG_OPEN = 4;
    /** Some session of the key was peer-to-peer (for the totals). */
    static final int FLAG_EVER_PEER_TO_PEER = 8;

    private static final int MAX_BATCH = 4096;

    static {
        // the close causes are initialised with this class: the first idle timeout of a run otherwise met an
        // uninitialised class in the JIT-compiled packet path and sent it back to the interpreter for a recompile
        CloseCause.values();
    }
    /**
     * Longs before row 0 of {@link #hot}: a large array starts at a G1 region boundary with its data 16 bytes in, so
     * six longs put every row on a cache-line boundary and a row's hot fields in one line instead of two.
     */
    static final int ALIGN = 6;
    /** Records metered together after their memory was prefetched (see {@link #prefetch}). */
    private static final int GROUP = 64;

    private final int[] groupEntries = new int[GROUP];
    /** The group's session-key hashes, taken once for the probe and the lookup. */
    private final int[] groupHashes = new int[GROUP];
    /** With rules: 1 for the group's packets whose flow the flow table may follow (the filter let them through). */
    private final int[] groupFlows = new int[GROUP];
    /** Sum of the prefetch loads (kept only so that they are not optimised away). */
    private long prefetched;

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
    /**
     * log2 of a session's longs in {@link #hot}: 3 (one cache line), or 5 with a ServiceMeter: four cache lines, of
     * which a packet touches two. With rating groups the first line holds, instead of the session's octet and packet
     * totals (the sum of its containers, taken at the close), the service meter's decision words and the record
     * limits; the second line the container rows (touched when a container starts, a record is cut or the session
     * closes) and the fifth container's hot row; the third and fourth the hot rows of the first four containers.
     */
    private final int shift;
    /** Where a session's service words start in its hot row (over the totals, which rating groups do not keep). */
    private static final int SERVICE_WORDS = 2;
    /** With rating groups: octets the current record may still take before a volume-limit record is cut. */
    private static final int S_VOLUME_LEFT = SERVICE_WORDS + 2;
    /** With rating groups: packet time at which the next time-limit record is cut (MAX_VALUE: never). */
    private static final int S_NEXT_CUT_NS = SERVICE_WORDS + 3;
    /** Where the hot rows of a session's first containers start (the third line of its row). */
    private static final int INLINE_CONTAINERS = SERVICE_WORDS + ServiceMeter.HOT;

    private final KeyIndex sessions;
    /**
     * What a key's sessions need only when they open, close, meet a peer or cut a record, and the key's totals over
     * its closed sessions: one row a key, a cache line (two with records), where ten columns of their own were ten
     * cache misses for every new key and every close.
     */
    private long[] cold;
    /** log2 of a row's longs in {@link #cold}: 3, or 4 with records. */
    private final int coldShift;

    private static final int K_UL_PACKETS = 0;
    private static final int K_UL_BYTES = 1;
    private static final int K_DL_PACKETS = 2;
    private static final int K_DL_BYTES = 3;
    /** Packet time of the open session's first packet. */
    private static final int K_FIRST_NS = 4;
    /** The last peer subscriber's key. */
    private static final int K_PEER_HI = 5;

    private static final int K_PEER_LO = 6;
    /** Sessions the key had (low 32 bits); the recorder's handle of the open session (high 32 bits). */
    private static final int K_COUNT_HANDLE = 7;
    /** Records only: when the session's current record opened. */
    private static final int K_RECORD_OPEN_NS = 8;
    /** Records only: bit per container id with usage in the current record. */
    private static final int K_RECORD_CONTAINERS = 9;
    /** The directory's holder of the session (null without a directory: the column is never made). */
    private Subscriber[] subscriber;
    /** The directory's holder of the session's peer-to-peer peer, once asked and answered (with a directory). */
    private Subscriber[] peerSubscriber;

    private int openCount;
    private final ServiceMeter services;
    /**
     * Entries a generation of {@link #learned} holds, over all processors (each holds its share: at most 2^20
     * entries in all).
     */
    private static final int MAX_LEARNED = 1 << 19;
    /** With name rules: what DNS answers taught this processor's subscribers (from learn records in the ring). */
    private final LearnedAddresses learned;

    private final SessionRecorder recorder;
    // records (with a recorder): limits, and per session the opening time and container ids of the current record
    private final long recordVolumeLimit;
    private final long recordTimeLimitNs;
    private final int recordMaxContainers;
    private long recordsCut;
    /** Octets of the packet being metered while a record may be cut inside it (they belong to the next record). */
    private int inFlightBytes;

    private long nowNs = Long.MIN_VALUE;
    private long nextSweepNs = Long.MIN_VALUE;
    private long nextSessionSequence;
    private int pendingLookups;
    private volatile Throwable failure;
    private volatile boolean finished;
    private volatile long cpuNanos = -1;

    // counters: written by this thread, read by others after join (or approximately while running)
    private long records;
    private long learnRecords;
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
        // seeded: subscriber keys come from traffic (a network-side packet's destination), and a slot hash known
        // ahead would let a sender pick addresses that all probe one cluster of the session table
        this.sessions = new KeyIndex(expected, new java.util.SplittableRandom().nextLong());
        this.useValidity = useDirectory;
        this.recorder = context.sessionRecorders() == null
                ? null
                : context.sessionRecorders().apply(id);
        this.recordVolumeLimit = context.recordVolumeLimit();
        this.recordTimeLimitNs = context.recordTimeLimit().toNanos();
        this.recordMaxContainers = context.recordMaxContainers();
        ServiceRules rules = context.meteringRules();
        this.services = rules == null
                ? null
                : new ServiceMeter(
                        rules,
                        expected,
                        context.flowIdleTimeout().toNanos(),
                        context.activityTimeout().toNanos(),
                        recorder == null ? null : this,
                        recordMaxContainers > 0 || recordTimeLimitNs > 0);
        this.learned = rules != null && rules.usesNames()
                ? new LearnedAddresses(
                        new java.util.SplittableRandom().nextLong(),
                        Math.max(1 << 12, MAX_LEARNED / context.processors()))
                : null;
        this.shift = services == null ? 3 : 5;
        this.coldShift = recorder == null ? 3 : 4;
        allocateColumns(sessions.capacity());
    }

    public int id() {
        return id;
    }

    /** Posts a control message (any thread). */
    void post(Object message) {
        inbox.offer(message);
        ring.wakeConsumer();
    }

    @Override
    public void run() {
        ring.consumer(Thread.currentThread());
        try {
            runLoop();
        } catch (Throwable t) {
            failure = t;
        } finally {
            cpuNanos = threadCpuNanos();
            finished = true;
        }
    }

    /** CPU time of the calling thread in nanoseconds, or -1 where the JVM cannot tell. */
    public static long threadCpuNanos() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        return bean.isCurrentThreadCpuTimeSupported() ? bean.getCurrentThreadCpuTime() : -1;
    }

    /** CPU time this processor's thread used, once it finished (-1 before, or where the JVM cannot tell). */
    public long cpuNanos() {
        return cpuNanos;
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
        work += drainRing();
        boolean swept = nowNs >= nextSweepNs;
        if (swept) {
            sweep();
        }
        if (recorder != null && (work > 0 || swept)) {
            // the records this cycle cut go on now (the journal's sink batches them): a cycle is at most a few
            // thousand packets, and an idle processor would otherwise hold them back
            recorder.flush();
        }
        return work;
    }

    /** Meters a bounded batch of the records in the ring; returns how many. */
    private int drainRing() {
        long watermark = ring.watermarkNs();
        int available = ring.available();
        int batch = Math.min(available, MAX_BATCH);
        long[] buffer = ring.buffer;
        for (int g = 0; g < batch; g += GROUP) {
            int n = Math.min(GROUP, batch - g);
            prefetch(buffer, g, n);
            for (int i = g; i < g + n; i++) {
                onRecord(buffer, ring.offsetOf(i), groupHashes[i - g]);
            }
        }
        if (batch > 0) {
            ring.release(batch);
            records += batch;
        }
        if (batch == available && watermark > nowNs) {
            // every record up to the watermark was published before it, and all of them are processed now
            nowNs = watermark;
        }
        return batch;
    }

    /**
     * Group prefetching: before a group of records is metered, the memory they will touch is loaded in stages, each a
     * loop of independent loads over the whole group, so the cache misses of a group overlap instead of being paid one
     * after the other per packet: index slots (with rules also the flow filter's bit); then keys and every cache line
     * of the session rows, which with rules hold the first containers too, or for a key the index does not hold the row
     * it will take (with rules also the flow-table rows of the packets the filter lets through, at the slot their
     * record's flow hash names). Each stage tests only what an earlier stage loaded, so no test waits on a miss. The loads
     * change nothing; their sum goes to a field so that the compiler keeps them. Measured by processor CPU on a
     * 2M-frame, 100k-subscriber capture with rules: 0.27-0.29 s with it, 0.34-0.39 s without.
     */
    private void prefetch(long[] buffer, int first, int n) {
        int[] entries = groupEntries;
        int[] hashes = groupHashes;
        int[] flowEntries = groupFlows;
        for (int i = 0; i < n; i++) {
            int o = ring.offsetOf(first + i);
            int hash = sessions.hash(buffer[o + RecordLayout.KEY_HI], buffer[o + RecordLayout.KEY_LO]);
            hashes[i] = hash;
            entries[i] = sessions.probe(hash);
            if (services != null) {
                // the flow filter's bit, loaded here so that the next stage's test of it does not wait
                flowEntries[i] = services.flowFilter(buffer[o + RecordLayout.META]);
            }
        }
        long sink = 0;
        int fresh = sessions.size();
        for (int i = 0; i < n; i++) {
            int row = entries[i] - 1;
            if (row < 0 && rowAt(fresh + 1) <= hot.length) {
                // a key the index does not hold (almost always): it will take the next free row, untouched since
                // the table was made, and its cold row
                row = fresh++;
                sink += cold[coldAt(row)];
            } else if (row >= 0) {
                sink += sessions.lo(row);
            }
            if (row >= 0) {
                sink += hot[rowAt(row)];
                if (services != null) {
                    // the first containers' hot rows (the decision words share the first line)
                    int at = rowAt(row) + INLINE_CONTAINERS;
                    sink += hot[at] + hot[at + 8];
                }
            }
            if (services != null && flowEntries[i] != 0) {
                sink += services.loadFlow(buffer[ring.offsetOf(first + i) + RecordLayout.META]);
            }
        }
        prefetched += sink;
    }

    /**
     * Backs off when the ring is empty: a few spins, then parking that grows from 20 us to 320 us, then sleep until
     * the reader publishes records or a message is posted ({@link RecordRing#sleep}; at most {@link #SLEEP_NS}, so
     * that sweeps still follow packet time). Processors must not yield-spin: on a machine with as many cores as threads
     * they would take the reader's core, and the ring (tens of thousands of records) absorbs milliseconds of input at
     * line rate. Parking on a timer for good, as before the sleep, woke an idle processor a thousand times a second.
     */
    private int idle(int idle) {
        idleLoops++;
        if (idle < 16) {
            Thread.onSpinWait();
        } else if (idle < 32 && !liveInput) {
            LockSupport.parkNanos(20_000L << ((idle - 16) >> 2));
        } else {
            ring.sleep(SLEEP_NS, messagesWaiting);
        }
        return idle + 1;
    }

    /**
     * Whether the input is a live interface: records come in bursts (the kernel's blocks) milliseconds apart, so an
     * idle processor sleeps until woken right after its spins instead of parking on timers in between.
     */
    private volatile boolean liveInput;

    /** The input is a live interface (see {@link #liveInput}); any thread. */
    void liveInput(boolean live) {
        liveInput = live;
    }

    /** The longest an idle processor sleeps without being woken. */
    private static final long SLEEP_NS = 50_000_000L;

    /** Whether the inbox holds a message (an idle processor does not sleep on one). */
    private final java.util.function.BooleanSupplier messagesWaiting = () -> !inbox.isEmpty();

    /** Meters one record; {@code hash} is its key's (see {@link KeyIndex#find(int, long, long)}). */
    private void onRecord(long[] buffer, int offset, int hash) {
        long keyHi = buffer[offset + RecordLayout.KEY_HI];
        long keyLo = buffer[offset + RecordLayout.KEY_LO];
        long timeNs = buffer[offset + RecordLayout.TIME_NS];
        long meta = buffer[offset + RecordLayout.META];
        if (RecordLayout.isLearn(meta)) {
            // not a packet: the answer's own record follows it
            learnRecords++;
            learned.learn(
                    keyHi,
                    keyLo,
                    buffer[offset + RecordLayout.PEER_HI],
                    buffer[offset + RecordLayout.PEER_LO],
                    buffer[offset + RecordLayout.HINT]);
            return;
        }
        if (timeNs > nowNs) {
            nowNs = timeNs;
        }
        int row = sessions.find(hash, keyHi, keyLo);
        if (row >= 0 && (hot[rowAt(row) + H_FLAGS] & FLAG_OPEN) != 0) {
            if (useValidity && timeNs >= hot[rowAt(row) + H_VALID_UNTIL_NS]) {
                closeRow(row, CloseCause.BINDING_CHANGE, hot[rowAt(row) + H_VALID_UNTIL_NS]);
            } else if (timeNs - hot[rowAt(row) + H_LAST_NS] > idleTimeoutNs) {
                closeRow(row, CloseCause.IDLE_TIMEOUT, hot[rowAt(row) + H_LAST_NS] + idleTimeoutNs);
            }
        }
        if (row < 0) {
            row = sessions.insert(keyHi, keyLo);
            if (rowAt(row + 1) > hot.length) {
                allocateColumns(sessions.capacity());
            }
            hot[rowAt(row) + H_FLAGS] = 0;
            int k = coldAt(row);
            cold[k + K_UL_PACKETS] = 0;
            cold[k + K_UL_BYTES] = 0;
            cold[k + K_DL_PACKETS] = 0;
            cold[k + K_DL_BYTES] = 0;
            cold[k + K_COUNT_HANDLE] = 0;
            cold[k + K_PEER_HI] = 0;
            cold[k + K_PEER_LO] = 0;
        }
        if ((hot[rowAt(row) + H_FLAGS] & FLAG_OPEN) == 0) {
            openSession(row, keyHi, keyLo, timeNs, RecordLayout.downlink(meta));
        }
        if (services != null && timeNs >= hot[rowAt(row) + S_NEXT_CUT_NS]) {
            cutAtTimeLimit(row, timeNs);
        }
        int bytes = RecordLayout.bytes(meta);
        if (services != null) {
            // the totals are the containers' (see shift); the record's volume left goes down before the packet is
            // metered, so that a record cut while it is metered gives the packet to the next record
            hot[rowAt(row) + S_VOLUME_LEFT] -= bytes;
        } else if (RecordLayout.downlink(meta)) {
            hot[rowAt(row) + H_DL_PACKETS]++;
            hot[rowAt(row) + H_DL_BYTES] += bytes;
        } else {
            hot[rowAt(row) + H_UL_PACKETS]++;
            hot[rowAt(row) + H_UL_BYTES] += bytes;
        }
        chargedBytes += bytes;
        if (timeNs > hot[rowAt(row) + H_LAST_NS]) {
            hot[rowAt(row) + H_LAST_NS] = timeNs;
        }
        if (RecordLayout.peerIsSubscriber(meta)) {
            long hi = buffer[offset + RecordLayout.PEER_HI];
            long lo = buffer[offset + RecordLayout.PEER_LO];
            boolean v4 = SubscriberKeys.isIpv4(hi, lo);
            hi = v4 ? hi : SubscriberKeys.maskHi(hi, ipv6PrefixLength);
            lo = v4 ? lo : SubscriberKeys.maskLo(lo, ipv6PrefixLength);
            int k = coldAt(row);
            if ((hot[rowAt(row) + H_FLAGS] & FLAG_PEER_TO_PEER) == 0
                    || cold[k + K_PEER_HI] != hi
                    || cold[k + K_PEER_LO] != lo) {
                onNewPeer(row, keyHi, keyLo, hi, lo, timeNs);
            }
            hot[rowAt(row) + H_FLAGS] |= FLAG_PEER_TO_PEER | FLAG_EVER_PEER_TO_PEER;
            cold[k + K_PEER_HI] = hi;
            cold[k + K_PEER_LO] = lo;
        }
        if (services != null) {
            int words = rowAt(row) + SERVICE_WORDS;
            long peerHi = buffer[offset + RecordLayout.PEER_HI];
            long peerLo = buffer[offset + RecordLayout.PEER_LO];
            long nameMask = buffer[offset + RecordLayout.HINT];
            if (learned != null) {
                nameMask |= learned.mask(keyHi, keyLo, peerHi, peerLo);
            }
            inFlightBytes = bytes;
            if (!services.countCommon(
                    hot,
                    words,
                    hot[rowAt(row) + H_SESSION_ID],
                    keyHi,
                    keyLo,
                    peerHi,
                    peerLo,
                    buffer[offset + RecordLayout.PORTS],
                    meta,
                    nameMask,
                    timeNs)) {
                meterService(row, words, keyHi, keyLo, buffer, offset, meta, nameMask, timeNs);
            }
            inFlightBytes = 0;
            if (hot[rowAt(row) + S_VOLUME_LEFT] <= 0) {
                cutRecord(row, RecordCut.VOLUME_LIMIT, Math.max(recordOpenNs(row), timeNs));
            }
        }
    }

    /** The packets {@link ServiceMeter#countCommon} leaves: new containers, flows the table follows, spills. */
    private void meterService(
            int row,
            int words,
            long keyHi,
            long keyLo,
            long[] buffer,
            int offset,
            long meta,
            long nameMask,
            long timeNs) {
        services.onPacket(
                hot,
                words,
                row,
                hot[rowAt(row) + H_SESSION_ID],
                keyHi,
                keyLo,
                buffer[offset + RecordLayout.PEER_HI],
                buffer[offset + RecordLayout.PEER_LO],
                buffer[offset + RecordLayout.PORTS],
                meta,
                nameMask,
                timeNs);
    }

    /**
     * The record's time limit is due at {@code nowNs} (a packet at or after it, a sweep, or a close). A record with
     * usage is cut at its boundary; an empty one is not emitted: it stays open and its cut moves to the first boundary
     * after {@code nowNs}. So a record ends at the first boundary after its first usage, and the records of a session
     * idle for several limits are one longer record, not a run of empty ones. That is the same whenever the check comes:
     * a packet at or after the boundary makes it before it is metered, and a sweep only after every packet up to its
     * time was metered; sweeps follow the reader's watermark, so records that depended on them differed between runs.
     */
    private void cutAtTimeLimit(int row, long nowNs) {
        if (cold[coldAt(row) + K_RECORD_CONTAINERS] != 0) {
            cutRecord(row, RecordCut.TIME_LIMIT, hot[rowAt(row) + S_NEXT_CUT_NS]);
        }
        if (nowNs >= hot[rowAt(row) + S_NEXT_CUT_NS]) {
            long open = recordOpenNs(row);
            hot[rowAt(row) + S_NEXT_CUT_NS] = open + ((nowNs - open) / recordTimeLimitNs + 1) * recordTimeLimitNs;
        }
    }

    /**
     * A container of the session lost every packet of the current record to another (a moved handshake): it no longer
     * counts towards the container limit. Called by the service meter (processor thread).
     */
    void leaveRecord(int row, int containerId) {
        cold[coldAt(row) + K_RECORD_CONTAINERS] &= ~(1L << containerId);
    }

    /**
     * A container of the session gets its first usage in the current record: cut the record first when that would
     * exceed the container limit. Called by the service meter (processor thread).
     */
    void joinRecord(int row, int containerId, long timeNs) {
        long bit = 1L << containerId;
        if ((cold[coldAt(row) + K_RECORD_CONTAINERS] & bit) == 0) {
            if (recordMaxContainers > 0
                    && Long.bitCount(cold[coldAt(row) + K_RECORD_CONTAINERS]) >= recordMaxContainers) {
                cutRecord(row, RecordCut.MAX_CONTAINERS, Math.max(recordOpenNs(row), timeNs));
            }
            cold[coldAt(row) + K_RECORD_CONTAINERS] |= bit;
        }
    }

    /** Cuts a partial record of an open session: its containers' usage since the last record, then the cut. */
    private void cutRecord(int row, RecordCut cause, long atNs) {
        services.flush(hot, rowAt(row) + SERVICE_WORDS, hot[rowAt(row) + H_SESSION_ID], recorder, handle(row));
        recorder.onCut(handle(row), cause, atNs);
        recordsCut++;
        startRecord(row, atNs);
    }

    private void startRecord(int row, long atNs) {
        cold[coldAt(row) + K_RECORD_OPEN_NS] = atNs;
        cold[coldAt(row) + K_RECORD_CONTAINERS] = 0;
        hot[rowAt(row) + S_NEXT_CUT_NS] = recordTimeLimitNs > 0 ? atNs + recordTimeLimitNs : Long.MAX_VALUE;
        // a packet being metered now was already taken off: it belongs to the new record
        hot[rowAt(row) + S_VOLUME_LEFT] = recordVolumeLimit > 0 ? recordVolumeLimit - inFlightBytes : Long.MAX_VALUE;
    }

    /** A session met a (new) peer subscriber: tell the recorder, and ask the directory who the peer is. */
    private void onNewPeer(int row, long keyHi, long keyLo, long peerKeyHi, long peerKeyLo, long timeNs) {
        if (recorder != null) {
            recorder.onPeer(handle(row), peerKeyHi, peerKeyLo);
        }
        if (useDirectory) {
            peerSubscriber[row] = null;
            lookups++;
            directory.lookup(
                    peerKeyHi,
                    peerKeyLo,
                    ipv6PrefixLength,
                    timeNs / NANOS_PER_MS,
                    (hi, lo, atMs, holder, fromMs, untilMs) -> post(new PeerAnswer(keyHi, keyLo, hi, lo, holder)));
        }
    }

    private void onPeerAnswer(PeerAnswer answer) {
        lookupAnswers++;
        int row = sessions.find(answer.keyHi(), answer.keyLo());
        if (row >= 0
                && (hot[rowAt(row) + H_FLAGS] & FLAG_PEER_TO_PEER) != 0
                && cold[coldAt(row) + K_PEER_HI] == answer.peerHi()
                && cold[coldAt(row) + K_PEER_LO] == answer.peerLo()) {
            peerSubscriber[row] = answer.subscriber();
        } else {
            staleAnswers++;
        }
    }

    private void openSession(int row, long keyHi, long keyLo, long timeNs, boolean downlink) {
        hot[rowAt(row) + H_SESSION_ID] = ((long) id << 48) | nextSessionSequence++;
        cold[coldAt(row) + K_FIRST_NS] = timeNs;
        hot[rowAt(row) + H_LAST_NS] = timeNs;
        if (services == null) {
            hot[rowAt(row) + H_UL_PACKETS] = 0;
            hot[rowAt(row) + H_UL_BYTES] = 0;
            hot[rowAt(row) + H_DL_PACKETS] = 0;
            hot[rowAt(row) + H_DL_BYTES] = 0;
        }
        if (useValidity) {
            hot[rowAt(row) + H_VALID_UNTIL_NS] = Long.MAX_VALUE;
        }
        hot[rowAt(row) + H_FLAGS] = (hot[rowAt(row) + H_FLAGS] & FLAG_EVER_PEER_TO_PEER) | FLAG_OPEN;
        openCount++;
        if (services != null) {
            ServiceMeter.clearWords(hot, rowAt(row) + SERVICE_WORDS);
            hot[rowAt(row) + S_NEXT_CUT_NS] = Long.MAX_VALUE;
            hot[rowAt(row) + S_VOLUME_LEFT] = Long.MAX_VALUE;
        }
        if (recorder != null) {
            long handle = recorder.onOpen(hot[rowAt(row) + H_SESSION_ID], keyHi, keyLo, downlink, timeNs);
            int k = coldAt(row);
            cold[k + K_COUNT_HANDLE] = (cold[k + K_COUNT_HANDLE] & 0xFFFF_FFFFL) | (handle << 32);
            startRecord(row, timeNs);
        }
        if (useDirectory) {
            subscriber[row] = null;
        }
        sessionsOpened++;
        if (openCount > peakSessions) {
            peakSessions = openCount;
        }
        if (useDirectory) {
            hot[rowAt(row) + H_FLAGS] |= FLAG_LOOKUP_PENDING;
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
            post(answer);
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
                case UsageRequest request -> request.reply().complete(usagePart());
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
                || (hot[rowAt(row) + H_FLAGS] & (FLAG_LOOKUP_PENDING | FLAG_OPEN)) != (FLAG_LOOKUP_PENDING | FLAG_OPEN)
                || cold[coldAt(row) + K_FIRST_NS] / NANOS_PER_MS != answer.atTimeMs()) {
            // the session that asked is gone (its close already settled the pending count)
            staleAnswers++;
            return;
        }
        pendingLookups--;
        hot[rowAt(row) + H_FLAGS] &= ~FLAG_LOOKUP_PENDING;
        subscriber[row] = answer.subscriber();
        if (recorder != null && answer.subscriber() != null) {
            recorder.onSubscriber(handle(row), answer.subscriber());
        }
        hot[rowAt(row) + H_VALID_UNTIL_NS] = answer.validUntilMs() >= Long.MAX_VALUE / NANOS_PER_MS
                ? Long.MAX_VALUE
                : answer.validUntilMs() * NANOS_PER_MS;
        if (!immediate && hot[rowAt(row) + H_LAST_NS] >= hot[rowAt(row) + H_VALID_UNTIL_NS]) {
            // a late answer (directory miss) for a binding that ended while its packets were metered: the session
            // ends at the binding's end; packets metered in between stay with it and are counted as straddling
            straddlingAnswers++;
            closeRow(row, CloseCause.BINDING_CHANGE, hot[rowAt(row) + H_VALID_UNTIL_NS]);
        }
    }

    private void onCloseRequest(CloseRequest request) {
        // the packets read before the request was posted are in the ring already: they belong to the sessions it closes
        while (drainRing() > 0) {
            // metered
        }
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
        if (row >= 0 && (hot[rowAt(row) + H_FLAGS] & FLAG_OPEN) != 0) {
            closeRow(row, request.cause(), Math.max(hot[rowAt(row) + H_LAST_NS], request.atTimeMs() * NANOS_PER_MS));
        }
    }

    private void sweep() {
        long now = nowNs;
        for (int row = sessions.size() - 1; row >= 0; row--) {
            if ((hot[rowAt(row) + H_FLAGS] & FLAG_OPEN) == 0) {
                continue;
            }
            if (now - hot[rowAt(row) + H_LAST_NS] > idleTimeoutNs) {
                closeRow(row, CloseCause.IDLE_TIMEOUT, hot[rowAt(row) + H_LAST_NS] + idleTimeoutNs);
            } else if (recorder != null && now >= hot[rowAt(row) + S_NEXT_CUT_NS]) {
                cutAtTimeLimit(row, now);
            }
        }
        if (services != null) {
            services.sweep(now);
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
        // a last sweep at the input's last packet time: a session idle past its timeout by then closes as idle in
        // every run of the same input, where it depended on whether a sweep had come since (sweeps follow the
        // reader's watermark, which a processor takes when its ring happens to be empty)
        long watermark = ring.watermarkNs();
        if (watermark > nowNs) {
            nowNs = watermark;
        }
        sweep();
        // a close takes microseconds, so loading what the next closes will read, two rows ahead (and the containers
        // of the next row, whose row words the previous step loaded), hides their cache misses behind this one
        long sink = 0;
        for (int row = sessions.size() - 1; row >= 0; row--) {
            if (row >= 2) {
                sink += touchRow(row - 2);
            }
            if (row >= 1 && services != null && (hot[rowAt(row - 1) + H_FLAGS] & FLAG_OPEN) != 0) {
                sink += services.touchContainers(hot, rowAt(row - 1) + SERVICE_WORDS);
            }
            if ((hot[rowAt(row) + H_FLAGS] & FLAG_OPEN) != 0) {
                closeRow(row, CloseCause.END_OF_INPUT, hot[rowAt(row) + H_LAST_NS]);
            }
        }
        prefetched += sink;
        if (recorder != null) {
            recorder.flush();
        }
    }

    /** Loads every line of a session's row and its key's cold row (see {@link #finishInput}); changes nothing. */
    private long touchRow(int row) {
        long sum = 0;
        for (int at = rowAt(row), end = rowAt(row + 1); at < end; at += 8) {
            sum += hot[at];
        }
        for (int k = coldAt(row), end = coldAt(row + 1); k < end; k += 8) {
            sum += cold[k];
        }
        return sum;
    }

    private void closeRow(int row, CloseCause cause, long closeTimeNs) {
        if (recorder != null && closeTimeNs >= hot[rowAt(row) + S_NEXT_CUT_NS]) {
            // a limit the record reached before the close is cut first, as a sweep before the close would have
            cutAtTimeLimit(row, closeTimeNs);
        }
        boolean p2p = (hot[rowAt(row) + H_FLAGS] & FLAG_PEER_TO_PEER) != 0;
        if ((hot[rowAt(row) + H_FLAGS] & FLAG_LOOKUP_PENDING) != 0) {
            // the answer, if it comes, finds no pending session and is counted as stale
            pendingLookups--;
        }
        int k = coldAt(row);
        java.util.List<ServiceUsage> usage = closeServices(row);
        long ulPackets;
        long ulBytes;
        long dlPackets;
        long dlBytes;
        if (services != null) {
            long[] totals = services.closedTotals;
            ulPackets = totals[0];
            ulBytes = totals[1];
            dlPackets = totals[2];
            dlBytes = totals[3];
        } else {
            ulPackets = hot[rowAt(row) + H_UL_PACKETS];
            ulBytes = hot[rowAt(row) + H_UL_BYTES];
            dlPackets = hot[rowAt(row) + H_DL_PACKETS];
            dlBytes = hot[rowAt(row) + H_DL_BYTES];
        }
        // the row stays: it keeps the key's totals and last identity until the next session of the key
        cold[k + K_UL_PACKETS] += ulPackets;
        cold[k + K_UL_BYTES] += ulBytes;
        cold[k + K_DL_PACKETS] += dlPackets;
        cold[k + K_DL_BYTES] += dlBytes;
        cold[k + K_COUNT_HANDLE]++;
        hot[rowAt(row) + H_FLAGS] &= ~(FLAG_OPEN | FLAG_PEER_TO_PEER | FLAG_LOOKUP_PENDING);
        openCount--;
        sessionsClosed++;
        if (recorder != null) {
            recorder.onClose(handle(row), cause, closeTimeNs);
        }
        if (listener != SessionListener.NONE) {
            // the closed session as an object only for a listener (a recorder is told the cause and the time)
            listener.onSessionClosed(new ClosedSession(
                    hot[rowAt(row) + H_SESSION_ID],
                    id,
                    sessions.hi(row),
                    sessions.lo(row),
                    subscriberOf(row),
                    cold[k + K_FIRST_NS],
                    hot[rowAt(row) + H_LAST_NS],
                    ulPackets,
                    ulBytes,
                    dlPackets,
                    dlBytes,
                    p2p,
                    cold[k + K_PEER_HI],
                    cold[k + K_PEER_LO],
                    p2p && useDirectory ? peerSubscriber[row] : null,
                    cause,
                    closeTimeNs,
                    usage));
        }
    }

    /** The session's containers: the last record's usage to the recorder, the whole session's for the listener. */
    private java.util.List<ServiceUsage> closeServices(int row) {
        if (services == null) {
            return java.util.List.of();
        }
        int words = rowAt(row) + SERVICE_WORDS;
        long sessionId = hot[rowAt(row) + H_SESSION_ID];
        if (recorder != null) {
            services.flush(hot, words, sessionId, recorder, handle(row));
        }
        return services.close(hot, words, sessionId, listener != SessionListener.NONE);
    }

    /** Where session row {@code row} starts in {@link #hot}. */
    private int rowAt(int row) {
        return ALIGN + (row << shift);
    }

    /** Where a key's row starts in {@link #cold}. */
    private int coldAt(int row) {
        return ALIGN + (row << coldShift);
    }

    /** The recorder's handle of the open session of {@code row} (with records). */
    private int handle(int row) {
        return (int) (cold[coldAt(row) + K_COUNT_HANDLE] >>> 32);
    }

    /** When the current record of the open session of {@code row} opened (with records). */
    long recordOpenNs(int row) {
        return cold[coldAt(row) + K_RECORD_OPEN_NS];
    }

    private Subscriber subscriberOf(int row) {
        return useDirectory ? subscriber[row] : null;
    }

    private void allocateColumns(int rows) {
        hot = hot == null ? new long[rowAt(rows)] : Arrays.copyOf(hot, rowAt(rows));
        cold = cold == null ? new long[coldAt(rows)] : Arrays.copyOf(cold, coldAt(rows));
        if (useDirectory) {
            subscriber = subscriber == null ? new Subscriber[rows] : Arrays.copyOf(subscriber, rows);
            peerSubscriber = peerSubscriber == null ? new Subscriber[rows] : Arrays.copyOf(peerSubscriber, rows);
        }
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

    @Override
    public long keyHi(int row) {
        return sessions.hi(row);
    }

    @Override
    public long keyLo(int row) {
        return sessions.lo(row);
    }

    @Override
    public void visitRow(int row, KeyVisitor visitor) {
        visitor.visit(
                sessions.hi(row),
                sessions.lo(row),
                cold[coldAt(row) + K_UL_PACKETS],
                cold[coldAt(row) + K_UL_BYTES],
                cold[coldAt(row) + K_DL_PACKETS],
                cold[coldAt(row) + K_DL_BYTES],
                (int) cold[coldAt(row) + K_COUNT_HANDLE],
                (hot[rowAt(row) + H_FLAGS] & FLAG_EVER_PEER_TO_PEER) != 0,
                cold[coldAt(row) + K_PEER_HI],
                cold[coldAt(row) + K_PEER_LO],
                subscriberOf(row));
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
    @Override
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

    /** Packet records metered (learn records are not counted). */
    public long records() {
        return records - learnRecords;
    }

    /** Learn records taken: addresses of DNS answers for this processor's subscribers (see {@link RecordLayout}). */
    public long learnRecords() {
        return learnRecords;
    }

    /** Generations of the DNS-learned table dropped because the current one filled (0 without name rules). */
    public long learnedGenerationsDropped() {
        return learned == null ? 0 : learned.generationsDropped();
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

    /** Partial records cut on the volume, time and container limits. */
    public long recordsCut() {
        return recordsCut;
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

    /** Asks for a copy of the per-key totals as of now (see {@link FlowEngine#snapshotUsage}). */
    record UsageRequest(java.util.concurrent.CompletableFuture<UsageSnapshot.Part> reply) {}

    /**
     * Every key's totals as of now, on this processor's thread between two records: the closed sessions' (what
     * {@link #visitRow} gives) plus the open session's usage so far (its packet counters, or with rating groups the
     * sum of its containers). A copy: the run goes on while it is written out.
     */
    private UsageSnapshot.Part usagePart() {
        int size = sessions.size();
        UsageSnapshot.Part part = new UsageSnapshot.Part(size, useDirectory);
        long[] open = new long[4];
        for (int row = 0; row < size; row++) {
            int k = coldAt(row);
            long sessionsOfKey = (int) cold[k + K_COUNT_HANDLE];
            open[0] = 0;
            open[1] = 0;
            open[2] = 0;
            open[3] = 0;
            long flags = hot[rowAt(row) + H_FLAGS];
            if ((flags & FLAG_OPEN) != 0) {
                sessionsOfKey++;
                if (services != null) {
                    services.sessionTotals(hot, rowAt(row) + SERVICE_WORDS, hot[rowAt(row) + H_SESSION_ID], open);
                } else {
                    open[0] = hot[rowAt(row) + H_UL_PACKETS];
                    open[1] = hot[rowAt(row) + H_UL_BYTES];
                    open[2] = hot[rowAt(row) + H_DL_PACKETS];
                    open[3] = hot[rowAt(row) + H_DL_BYTES];
                }
            }
            part.set(
                    row,
                    sessions.hi(row),
                    sessions.lo(row),
                    cold[k + K_UL_PACKETS] + open[0],
                    cold[k + K_UL_BYTES] + open[1],
                    cold[k + K_DL_PACKETS] + open[2],
                    cold[k + K_DL_BYTES] + open[3],
                    sessionsOfKey,
                    (flags & FLAG_EVER_PEER_TO_PEER) != 0,
                    cold[k + K_PEER_HI],
                    cold[k + K_PEER_LO],
                    subscriberOf(row));
        }
        return part;
    }
}

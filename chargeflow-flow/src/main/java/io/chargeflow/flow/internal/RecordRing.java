package io.chargeflow.flow.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded single-producer/single-consumer ring of fixed-size records of eight {@code long}s (one cache line each):
 * the hand-off from the reader thread (the flow manager) to one processor. Hand-written because the records are
 * primitives written in place: JCTools' SPSC queues carry object references, which would mean a copy or an object
 * per packet.
 *
 * <p>Producer: {@link #claim} a slot, write {@link #buffer} at the returned offset, {@link #commit}, and
 * {@link #publish} at the end of a batch (one release store per batch). Consumer: {@link #available} (one acquire
 * load), read the records in place, then {@link #release}. A full ring is reported to the producer by
 * {@link #claim} returning -1: the producer decides to wait; nothing is dropped here.
 *
 * <p>Record layout (indexes into the record): see {@link RecordLayout}.
 */
public final class RecordRing extends RingConsumerFields {
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final VarHandle DONE;
    private static final VarHandle WATERMARK;
    private static final VarHandle SLEEPING;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(RingPublishedFields.class, "publishedTail", long.class);
            HEAD = lookup.findVarHandle(RingConsumerFields.class, "publishedHead", long.class);
            DONE = lookup.findVarHandle(RingConsumerFields.class, "producerDone", boolean.class);
            WATERMARK = lookup.findVarHandle(RingPublishedFields.class, "watermarkNs", long.class);
            SLEEPING = lookup.findVarHandle(RingPublishedFields.class, "consumerSleeping", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public static final int RECORD_LONGS = 8;
    private static final int RECORD_SHIFT = 3;

    /** The records: record {@code i} occupies {@code [(i & mask) << 3, +8)}. */
    public final long[] buffer;

    private final int capacity;
    private final int mask;

    public RecordRing(int capacityRecords) {
        if (capacityRecords < 2 || Integer.bitCount(capacityRecords) != 1) {
            throw new IllegalArgumentException("ringCapacity=" + capacityRecords + " must be a power of two >= 2");
        }
        this.capacity = capacityRecords;
        this.mask = capacityRecords - 1;
        this.buffer = new long[capacityRecords << RECORD_SHIFT];
    }

    public int capacity() {
        return capacity;
    }

    // ---- producer side (reader thread) ----

    /** The buffer offset of the next free record, or -1 when the ring is full. */
    public int claim() {
        long t = tail;
        if (t - cachedHead >= capacity) {
            cachedHead = (long) HEAD.getAcquire(this);
            if (t - cachedHead >= capacity) {
                return -1;
            }
        }
        return (int) (t & mask) << RECORD_SHIFT;
    }

    /** Makes the claimed record part of the next {@link #publish}. */
    public void commit() {
        tail++;
    }

    /** Records committed but not yet published. */
    public long unpublished() {
        return tail - (long) TAIL.getOpaque(this);
    }

    /**
     * Makes every committed record visible to the consumer, and wakes it if it went to sleep on an empty ring (see
     * {@link #sleep}). The store and the look at the consumer's flag are ordered (a volatile store, then a volatile
     * load), as the consumer's are the other way round, so a consumer that saw no record is always woken.
     */
    public void publish() {
        TAIL.setVolatile(this, tail);
        wakeConsumer();
    }

    /** Unparks the consumer if it sleeps (any thread: a message for it was posted). */
    public void wakeConsumer() {
        if ((boolean) SLEEPING.getVolatile(this)) {
            Thread t = consumer;
            if (t != null) {
                java.util.concurrent.locks.LockSupport.unpark(t);
            }
        }
    }

    /** The producer's latest packet time, so an idle processor can still expire sessions on packet time. */
    public void watermark(long timeNs) {
        WATERMARK.setRelease(this, timeNs);
    }

    /** Marks the end of input: after the consumer drains what was published, no more records come. */
    public void producerDone() {
        TAIL.setVolatile(this, tail);
        DONE.setVolatile(this, true);
        wakeConsumer();
    }

    // ---- consumer side (processor thread) ----

    /** Number of published records the consumer has not released yet. */
    public int available() {
        return (int) ((long) TAIL.getAcquire(this) - head);
    }

    /** The buffer offset of the record {@code i} positions after the consumer's head. */
    public int offsetOf(int i) {
        return (int) ((head + i) & mask) << RECORD_SHIFT;
    }

    /** Hands {@code count} records back to the producer. */
    public void release(int count) {
        head += count;
        HEAD.setRelease(this, head);
    }

    public boolean isProducerDone() {
        return (boolean) DONE.getAcquire(this);
    }

    public long watermarkNs() {
        return (long) WATERMARK.getAcquire(this);
    }

    /** The consumer's thread, woken by {@link #publish} when it sleeps. */
    public void consumer(Thread thread) {
        consumer = thread;
    }

    /**
     * The consumer goes to sleep for at most {@code maxNanos} unless a record, or whatever {@code awake} tells of, is
     * there already: it raises its flag first and looks after (a volatile store, then volatile loads), so a producer
     * publishing meanwhile sees the flag and unparks it. The timeout bounds what a missed wake could cost.
     */
    public void sleep(long maxNanos, java.util.function.BooleanSupplier awake) {
        SLEEPING.setVolatile(this, true);
        if (available() == 0 && !isProducerDone() && !awake.getAsBoolean()) {
            java.util.concurrent.locks.LockSupport.parkNanos(maxNanos);
        }
        SLEEPING.setVolatile(this, false);
    }
}

/**
 * Padding keeps three groups of fields on cache lines of their own (two lines apart, so that the adjacent-line
 * prefetcher does not pair them): the producer's own ({@code tail}, written for every record), what the producer
 * publishes and the consumer polls, and the consumer's. With {@code tail} on the line the consumer polls, every poll
 * took the line away from the producer and its next record's {@code tail++} waited for it to come back.
 */
abstract class RingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

abstract class RingProducerFields extends RingPad0 {
    long tail;
    long cachedHead;
}

abstract class RingPad1 extends RingProducerFields {
    long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

abstract class RingPublishedFields extends RingPad1 {
    volatile long publishedTail;
    volatile long watermarkNs;
    /** Set while the consumer sleeps on an empty ring (see RecordRing.sleep); read by the producer after publishing. */
    volatile boolean consumerSleeping;
    /** The consumer's thread (set before it starts). */
    volatile Thread consumer;
}

abstract class RingPad2 extends RingPublishedFields {
    long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
}

abstract class RingConsumerFields extends RingPad2 {
    long head;
    volatile long publishedHead;
    volatile boolean producerDone;
    long p30, p31, p32, p33, p34, p35, p36, p37, p38, p39, p3a, p3b, p3c, p3d, p3e, p3f;
}

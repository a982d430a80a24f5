package io.chargeflow.subscriber;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous, never-blocking binding lookup that processors use: "who held this key at this packet time?".
 * A hit in the bounded cache answers on the calling processor thread before {@link #resolve} returns, without
 * locks or allocation; a miss queues a database query on a small executor and returns at once, and the callback
 * runs later on a lookup thread (the app routes it to the processor's own queue). "Nobody" answers are cached with
 * a cool-down, so an unknown address is not looked up for every packet. While the database is unavailable a lookup
 * is retried with doubling backoff until it succeeds; nothing is lost. {@link #preload} fills the cache with every
 * current binding at start; committed changes from the store drop the stale entries (the resolver registers itself
 * as a {@link BindingListener}). {@link #resolve} is called from any number of processor threads.
 */
public final class BindingResolver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BindingResolver.class);

    /** The answer to one {@link #resolve}, the same shape as the flow side's {@code LookupReply}. */
    @FunctionalInterface
    public interface LookupCallback {
        /**
         * @param subscriber the holder, or null when nobody held the key at {@code atTimeMs}
         * @param validFromMs start of the binding or of the unbound gap, inclusive
         * @param validUntilMs end, exclusive; {@link Long#MAX_VALUE} while open; ask again for later times
         */
        void onLookupResult(
                long keyHi,
                long keyLo,
                long atTimeMs,
                SubscriberRecord subscriber,
                long validFromMs,
                long validUntilMs);
    }

    private final SubscriberStore store;
    private final BindingCache cache;
    private final ScheduledThreadPoolExecutor executor;
    private final LongSupplier nanoClock;
    private final long negativeCoolDownNs;
    private final int maxPending;
    private final long retryInitialMs;
    private final long retryMaxMs;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean outage = new AtomicBoolean();
    private final java.util.Set<Lookup> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ThreadLocal<BindingCache.Hit> hits = ThreadLocal.withInitial(BindingCache.Hit::new);
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder cacheMisses = new LongAdder();
    private final LongAdder databaseFailures = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private volatile boolean closed;

    /** A resolver over {@code store}; registers itself as the store's binding listener. */
    public BindingResolver(SubscriberStore store, ResolverContext context) {
        if (store == null) {
            throw new IllegalArgumentException("store=null");
        }
        this.store = store;
        this.cache = new BindingCache(context.cacheCapacity());
        this.nanoClock = context.nanoClock();
        this.negativeCoolDownNs = TimeUnit.MILLISECONDS.toNanos(context.negativeCoolDownMs());
        this.maxPending = context.maxPendingLookups();
        this.retryInitialMs = context.retryInitialMs();
        this.retryMaxMs = context.retryMaxMs();
        AtomicInteger threadNo = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(context.lookupThreads(), r -> {
            Thread t = new Thread(r, "chargeflow-binding-lookup-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.executor.setRemoveOnCancelPolicy(true);
        store.addBindingListener(this::onBindingChanged);
    }

    /**
     * Asks who held the key at {@code atTimeMs}. Never blocks; the callback runs exactly once, on this thread for a
     * cache hit (before this returns) or later on a lookup thread.
     *
     * @param prefixLength the IPv6 prefix length the key is masked to (ignored for IPv4-mapped keys)
     */
    public void resolve(long keyHi, long keyLo, int prefixLength, long atTimeMs, LookupCallback callback) {
        int length = BindingKey.storedPrefixLength(keyHi, keyLo, prefixLength);
        BindingCache.Hit hit = hits.get();
        if (cache.find(keyHi, keyLo, length, atTimeMs, nanoClock, hit)) {
            cacheHits.increment();
            SubscriberRecord holder = hit.subscriber;
            hit.subscriber = null;
            callback.onLookupResult(keyHi, keyLo, atTimeMs, holder, hit.fromMs, hit.untilMs);
            return;
        }
        cacheMisses.increment();
        onMiss(keyHi, keyLo, length, atTimeMs, callback);
    }

    private void onMiss(long keyHi, long keyLo, int length, long atTimeMs, LookupCallback callback) {
        if (closed || pending.incrementAndGet() > maxPending) {
            if (!closed) {
                pending.decrementAndGet();
            }
            // overloaded: "unknown for this instant" makes the caller ask again with its next packet
            rejected.increment();
            callback.onLookupResult(keyHi, keyLo, atTimeMs, null, atTimeMs, atTimeMs + 1);
            return;
        }
        Lookup lookup = new Lookup(keyHi, keyLo, length, atTimeMs, callback);
        inFlight.add(lookup);
        try {
            executor.execute(lookup);
        } catch (RejectedExecutionException e) {
            lookup.giveUp();
        }
    }

    /** One queued question; re-scheduled with backoff while the database is unavailable. */
    private final class Lookup extends AtomicBoolean implements Runnable {
        private static final long serialVersionUID = 1L;
        private final long keyHi;
        private final long keyLo;
        private final int length;
        private final long atTimeMs;
        private final LookupCallback callback;
        private long backoffMs;

        Lookup(long keyHi, long keyLo, int length, long atTimeMs, LookupCallback callback) {
            this.keyHi = keyHi;
            this.keyLo = keyLo;
            this.length = length;
            this.atTimeMs = atTimeMs;
            this.callback = callback;
        }

        @Override
        public void run() {
            if (closed) {
                giveUp();
                return;
            }
            BindingAnswer answer;
            try {
                answer = store.bindingAt(keyHi, keyLo, length, atTimeMs);
            } catch (StoreUnavailableException e) {
                databaseFailures.increment();
                if (outage.compareAndSet(false, true)) {
                    LOG.warn("subscriber database unavailable, lookups retry with backoff: {}", e.getMessage());
                }
                backoffMs = backoffMs == 0 ? retryInitialMs : Math.min(retryMaxMs, backoffMs * 2);
                try {
                    executor.schedule(this, backoffMs, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException rejectedOnClose) {
                    giveUp();
                }
                return;
            }
            if (outage.compareAndSet(true, false)) {
                LOG.info("subscriber database available again");
            }
            // negative answers and answers from a containing prefix (a /64 inside a delegated /56) are re-checked
            // after the cool-down: a change of the /56 invalidates only the /56 key, not the /64s cached under it
            boolean exact =
                    answer.subscriber() != null && answer.binding().key().prefixLength() == length;
            long expires = exact ? Long.MAX_VALUE : nanoClock.getAsLong() + negativeCoolDownNs;
            cache.put(keyHi, keyLo, length, answer.validFromMs(), answer.validUntilMs(), answer.subscriber(), expires);
            if (finish()) {
                callback.onLookupResult(
                        keyHi, keyLo, atTimeMs, answer.subscriber(), answer.validFromMs(), answer.validUntilMs());
            }
        }

        void giveUp() {
            if (finish()) {
                rejected.increment();
                callback.onLookupResult(keyHi, keyLo, atTimeMs, null, atTimeMs, atTimeMs + 1);
            }
        }

        /** Exactly one of success and give-up answers (close races with a running lookup). */
        private boolean finish() {
            if (!compareAndSet(false, true)) {
                return false;
            }
            inFlight.remove(this);
            pending.decrementAndGet();
            return true;
        }
    }

    /**
     * Loads every binding holding at {@code nowMs} into the cache, on the calling thread (at start, before
     * processors run).
     *
     * @return how many bindings were loaded
     */
    public long preload(long nowMs) {
        return preload(nowMs, (hi, lo, length, from, until, subscriber) -> {});
    }

    /** As {@link #preload(long)}, telling {@code also} each binding too (one pass over the database for both). */
    public long preload(long nowMs, SubscriberStore.PreloadSink also) {
        return store.preloadCurrent(nowMs, (hi, lo, length, from, until, subscriber) -> {
            cache.put(hi, lo, length, from, until, subscriber, Long.MAX_VALUE);
            also.onBinding(hi, lo, length, from, until, subscriber);
        });
    }

    /** Drops the cached intervals of the changed key; called by the store after each committed change. */
    public void onBindingChanged(BindingChange change) {
        BindingKey key = change.key();
        cache.invalidate(key.hi(), key.lo(), key.prefixLength());
    }

    /** Lookups answered from the cache. */
    public long cacheHits() {
        return cacheHits.sum();
    }

    /** Lookups that went to the database. */
    public long cacheMisses() {
        return cacheMisses.sum();
    }

    /** Failed database attempts (each retried). */
    public long databaseFailures() {
        return databaseFailures.sum();
    }

    /** Lookups answered "unknown, ask again" because the queue was full or the resolver closed. */
    public long rejectedLookups() {
        return rejected.sum();
    }

    /** Lookups queued or waiting to retry. */
    public int pendingLookups() {
        return pending.get();
    }

    /** Occupied cache slots (a full scan). */
    public int cachedIntervals() {
        return cache.size();
    }

    /** Stops the lookup threads; lookups still waiting are answered "unknown, ask again". */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Lookup lookup : inFlight) {
            lookup.giveUp();
        }
    }
}

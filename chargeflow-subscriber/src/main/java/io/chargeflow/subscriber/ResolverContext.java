package io.chargeflow.subscriber;

import java.util.function.LongSupplier;

/**
 * Configuration of a {@link BindingResolver}: cache size, negative cool-down, lookup threads, queue bound and retry
 * backoff. Built on the wiring thread, read once by the resolver's constructor.
 */
public final class ResolverContext {
    private int cacheCapacity = 1 << 21;
    private long negativeCoolDownMs = 30_000;
    private int lookupThreads = 2;
    private int maxPendingLookups = 65_536;
    private long retryInitialMs = 100;
    private long retryMaxMs = 5_000;
    private LongSupplier nanoClock = System::nanoTime;

    /** Cache slots, a power of two of at least 16 (8-way set-associative; default 2^21, about 100 MB). */
    public ResolverContext cacheCapacity(int slots) {
        if (slots < 16 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("cacheCapacity=" + slots + " must be a power of two >= 16");
        }
        this.cacheCapacity = slots;
        return this;
    }

    /** How long a "nobody holds it" answer is served from the cache before the database is asked again. */
    public ResolverContext negativeCoolDownMs(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("negativeCoolDownMs=" + ms + " must be >= 0");
        }
        this.negativeCoolDownMs = ms;
        return this;
    }

    /** Threads that query the database (default 2: the machine is small, lookups are short). */
    public ResolverContext lookupThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("lookupThreads=" + threads + " must be >= 1");
        }
        this.lookupThreads = threads;
        return this;
    }

    /** Lookups queued or waiting to retry before new misses are answered "unknown, ask again" at once. */
    public ResolverContext maxPendingLookups(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxPendingLookups=" + max + " must be >= 1");
        }
        this.maxPendingLookups = max;
        return this;
    }

    /** First and longest wait between retries while the database is unavailable (doubling in between). */
    public ResolverContext retryBackoffMs(long initialMs, long maxMs) {
        if (initialMs < 1 || maxMs < initialMs) {
            throw new IllegalArgumentException(
                    "retryBackoffMs initialMs=" + initialMs + " maxMs=" + maxMs + " need 1 <= initial <= max");
        }
        this.retryInitialMs = initialMs;
        this.retryMaxMs = maxMs;
        return this;
    }

    /** The monotonic clock for cool-downs (tests inject one). */
    public ResolverContext nanoClock(LongSupplier clock) {
        if (clock == null) {
            throw new IllegalArgumentException("nanoClock=null");
        }
        this.nanoClock = clock;
        return this;
    }

    int cacheCapacity() {
        return cacheCapacity;
    }

    long negativeCoolDownMs() {
        return negativeCoolDownMs;
    }

    int lookupThreads() {
        return lookupThreads;
    }

    int maxPendingLookups() {
        return maxPendingLookups;
    }

    long retryInitialMs() {
        return retryInitialMs;
    }

    long retryMaxMs() {
        return retryMaxMs;
    }

    LongSupplier nanoClock() {
        return nanoClock;
    }
}

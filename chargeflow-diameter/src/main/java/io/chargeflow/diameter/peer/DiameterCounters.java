package io.chargeflow.diameter.peer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The node's counters, preallocated, one slot per {@link DiameterCounter}; incremented from I/O and timer threads,
 * read from any thread (metrics, tests).
 */
public final class DiameterCounters {
    private final AtomicLongArray values = new AtomicLongArray(DiameterCounter.values().length);

    void increment(DiameterCounter counter) {
        values.incrementAndGet(counter.ordinal());
    }

    public long get(DiameterCounter counter) {
        return values.get(counter.ordinal());
    }

    /** A snapshot of the non-zero counters (allocates: reporting only). */
    public Map<DiameterCounter, Long> snapshot() {
        Map<DiameterCounter, Long> map = new EnumMap<>(DiameterCounter.class);
        for (DiameterCounter counter : DiameterCounter.values()) {
            long value = get(counter);
            if (value != 0) {
                map.put(counter, value);
            }
        }
        return map;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}

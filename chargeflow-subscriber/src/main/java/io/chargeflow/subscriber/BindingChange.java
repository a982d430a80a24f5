package io.chargeflow.subscriber;

/**
 * A committed change of a binding, delivered to {@link BindingListener}s after the transaction that made it. The
 * flow side closes the session of {@link #key} with cause "binding change" at {@link #atTimeMs}; when
 * {@link Kind#ENDED} comes from a RADIUS Stop the NAS's final counters are attached for reconciliation.
 * Control-plane value, immutable, any thread.
 *
 * @param key the address or prefix
 * @param kind whether a binding started or ended
 * @param atTimeMs when it started or ended (event time, milliseconds since the epoch)
 * @param subscriberId the subscriber whose binding started or ended
 * @param source who reported the change
 * @param nas the NAS that reported it, or null
 * @param nasInputOctets the NAS's input octets at this event, or -1
 * @param nasOutputOctets the NAS's output octets at this event, or -1
 */
public record BindingChange(
        BindingKey key,
        Kind kind,
        long atTimeMs,
        long subscriberId,
        BindingSource source,
        String nas,
        long nasInputOctets,
        long nasOutputOctets) {

    /** What happened to the binding. */
    public enum Kind {
        /** A subscriber now holds the key from {@code atTimeMs}. */
        STARTED,
        /** The subscriber stopped holding the key at {@code atTimeMs}. */
        ENDED
    }
}

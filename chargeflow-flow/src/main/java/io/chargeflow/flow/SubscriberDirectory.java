package io.chargeflow.flow;

/**
 * Where a processor learns who holds a subscriber key (an IPv4 address or an IPv6 prefix) at a given packet time.
 *
 * <p>Called on a processor thread, so {@link #lookup} must never block: it queues the question and returns. The
 * answer arrives later through {@link LookupReply#onLookupResult}, from any thread; the flow manager routes it back
 * to the owning processor as a message on that processor's own queue. Usage metered before the answer still belongs
 * to the session.
 *
 * <p>Keys are 128 bits: {@code keyHi}/{@code keyLo} with IPv4 addresses in IPv4-mapped form ({@code keyHi = 0},
 * {@code keyLo = 0x0000_FFFF_0000_0000L | address}) and IPv6 keys masked to {@code prefixLength} bits
 * (see {@link SubscriberKeys}).
 */
public interface SubscriberDirectory {

    /** A directory that knows nobody: every session stays keyed by its address, unattributed. */
    SubscriberDirectory NONE = (keyHi, keyLo, prefixLength, atTimeMs, reply) ->
            reply.onLookupResult(keyHi, keyLo, atTimeMs, null, Long.MIN_VALUE, Long.MAX_VALUE);

    /**
     * Asks who holds the key at {@code atTimeMs} (packet time, milliseconds since the epoch). Never blocks.
     * The reply is called exactly once per lookup, possibly before this method returns.
     */
    void lookup(long keyHi, long keyLo, int prefixLength, long atTimeMs, LookupReply reply);

    /** The answer to one {@link #lookup}. */
    @FunctionalInterface
    interface LookupReply {
        /**
         * @param subscriber the holder, or null when no subscriber held the key at that time
         * @param validFromMs start of the binding (or of the period known to be unbound), inclusive
         * @param validUntilMs end of the binding (or of the unbound period), exclusive; Long.MAX_VALUE if open
         */
        void onLookupResult(
                long keyHi, long keyLo, long atTimeMs, Subscriber subscriber, long validFromMs, long validUntilMs);
    }
}

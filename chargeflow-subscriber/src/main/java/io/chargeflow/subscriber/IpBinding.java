package io.chargeflow.subscriber;

/**
 * One row of {@code ip_bindings}: the subscriber that held an IPv4 address or IPv6 prefix during
 * [{@code validFromMs}, {@code validUntilMs}), who reported it, and the NAS's own octet counters kept beside it for
 * reconciliation with the engine's measured usage. Control-plane value, immutable, any thread.
 *
 * @param bindingId the row id
 * @param key the address or prefix
 * @param subscriberId the holder
 * @param validFromMs start, inclusive, milliseconds since the epoch
 * @param validUntilMs end, exclusive; {@link Long#MAX_VALUE} while the binding is open
 * @param source who reported it
 * @param nas the NAS or gateway that reported it (NAS-Identifier or NAS-IP-Address), or null
 * @param acctSessionId the RADIUS Acct-Session-Id, or null
 * @param nasInputOctets the NAS's Acct-Input-Octets (with Gigawords) at its last report, or -1 if none
 * @param nasOutputOctets the NAS's Acct-Output-Octets (with Gigawords) at its last report, or -1 if none
 */
public record IpBinding(
        long bindingId,
        BindingKey key,
        long subscriberId,
        long validFromMs,
        long validUntilMs,
        BindingSource source,
        String nas,
        String acctSessionId,
        long nasInputOctets,
        long nasOutputOctets) {

    /** Whether the binding holds at {@code atMs}. */
    public boolean holdsAt(long atMs) {
        return validFromMs <= atMs && atMs < validUntilMs;
    }
}

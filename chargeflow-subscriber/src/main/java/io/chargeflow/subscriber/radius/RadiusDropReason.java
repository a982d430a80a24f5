package io.chargeflow.subscriber.radius;

/**
 * Why a datagram was not answered, one counter each in {@link RadiusAccountingServer#dropped}. Each (source,
 * reason) pair is also logged once. Immutable, any thread.
 */
public enum RadiusDropReason {
    /** The source address is not a configured client. */
    UNKNOWN_CLIENT,
    /** Shorter than the 20-octet header, Length out of range, or an attribute overrunning the packet. */
    MALFORMED,
    /** A code other than Accounting-Request (4). */
    UNEXPECTED_CODE,
    /** The Request Authenticator does not match the client's secret (RFC 2866 §3). */
    BAD_AUTHENTICATOR,
    /** A Message-Authenticator that does not match (RFC 3579 §3.2). */
    BAD_MESSAGE_AUTHENTICATOR,
    /** No Acct-Status-Type, or an attribute with an impossible length (Framed-IP-Address not 4 octets, ...). */
    INVALID_ATTRIBUTE,
    /** A retransmission of a request still being stored (it is answered once stored). */
    RETRANSMISSION_IN_FLIGHT,
    /** The storage queue was full: the NAS retransmits. */
    QUEUE_FULL,
    /** The database could not store the batch: the NAS retransmits. */
    STORE_UNAVAILABLE,
    /** The database refused this one request while it stored others. */
    STORE_REJECTED
}

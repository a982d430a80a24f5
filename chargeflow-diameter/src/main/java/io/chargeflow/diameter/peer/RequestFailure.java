package io.chargeflow.diameter.peer;

/**
 * Why a request got no answer, so that a credit-control client can apply its failure handling (CCFH/DDFH, RFC 4006
 * §5.7): each is a distinct trigger there.
 */
public enum RequestFailure {
    /** No answer within the request timeout (also after failover attempts). */
    TIMEOUT,
    /** No open peer serves the destination realm and application (like DIAMETER_UNABLE_TO_DELIVER). */
    NO_ROUTE,
    /** The peer carrying the request went down and no alternate peer could take it. */
    PEER_DOWN,
    /** The chosen connection is not draining its output (back pressure); nothing was sent. */
    BACKPRESSURE,
    /** The node is stopping or stopped. */
    NODE_STOPPED
}

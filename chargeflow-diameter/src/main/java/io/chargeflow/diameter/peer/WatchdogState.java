package io.chargeflow.diameter.peer;

/** The transport-failure states of RFC 3539 §3.4.1 for one open peer. */
public enum WatchdogState {
    /** Never opened yet. */
    INITIAL,
    /** Answers arrive; the peer takes traffic. */
    OKAY,
    /** A watchdog went unanswered for Tw: traffic fails over to an alternate peer, the connection stays. */
    SUSPECT,
    /** Two watchdog periods without an answer: the connection is closed and re-established. */
    DOWN,
    /** Reconnected; waiting for a few DWAs before failing back to this peer. */
    REOPEN
}

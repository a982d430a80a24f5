package io.chargeflow.flow;

/**
 * Receives every closed session. Called on the owning processor's thread, so an implementation shared by several
 * processors must be thread-safe, and should hand the record on (to a writer thread, a journal) rather than do I/O.
 */
@FunctionalInterface
public interface SessionListener {
    SessionListener NONE = session -> {};

    void onSessionClosed(ClosedSession session);
}

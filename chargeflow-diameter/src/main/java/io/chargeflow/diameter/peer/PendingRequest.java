package io.chargeflow.diameter.peer;

/**
 * One request waiting for its answer: the encoded bytes (kept for retransmission with the T flag after a failover),
 * where it went, until when it may wait. Created on the sending thread; removed exactly once (answer, timeout or
 * failure) by whichever thread wins the removal from the pending table.
 */
final class PendingRequest {
    final int hopByHopId;
    final byte[] message;
    final AnswerListener listener;
    final long deadlineNs;
    final String realm;
    final int applicationId;
    volatile Peer peer;

    PendingRequest(
            int hopByHopId,
            byte[] message,
            AnswerListener listener,
            long deadlineNs,
            Peer peer,
            String realm,
            int applicationId) {
        this.hopByHopId = hopByHopId;
        this.message = message;
        this.listener = listener;
        this.deadlineNs = deadlineNs;
        this.peer = peer;
        this.realm = realm;
        this.applicationId = applicationId;
    }
}

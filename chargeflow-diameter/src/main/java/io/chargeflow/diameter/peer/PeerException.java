package io.chargeflow.diameter.peer;

/** A peer could not be reached or refused us; the message is one line an operator can act on. */
public final class PeerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PeerException(String message) {
        super(message, null, false, false);
    }
}

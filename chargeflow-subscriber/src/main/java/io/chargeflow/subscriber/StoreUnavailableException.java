package io.chargeflow.subscriber;

/**
 * The subscriber database could not be reached or used (bad URL, server down, tables missing and not creatable).
 * Unchecked because it is an environment failure, not a caller mistake: the command layer turns it into exit code
 * 3, the resolver and the RADIUS listener retry with backoff. Thrown to whichever thread used the store.
 */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}, caused by {@code cause}. */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

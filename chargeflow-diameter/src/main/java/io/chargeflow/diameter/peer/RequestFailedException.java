package io.chargeflow.diameter.peer;

/** Completes a request future exceptionally; {@link #failure()} says why (no stack trace: it is an outcome). */
public final class RequestFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final RequestFailure failure;

    public RequestFailedException(RequestFailure failure) {
        super("request failed: " + failure, null, false, false);
        this.failure = failure;
    }

    public RequestFailure failure() {
        return failure;
    }
}

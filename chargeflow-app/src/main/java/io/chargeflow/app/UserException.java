package io.chargeflow.app;

/** A mistake of the user (a missing file, a bad option value): printed as one line, no stack trace. */
final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserException(String message) {
        super(message);
    }
}

package io.chargeflow.subscriber;

/**
 * A CSV import that was rejected as a whole: nothing of the file was stored. Carries the 1-based line and the
 * reason, so the operator can fix the file. Thrown to the importing thread.
 */
public final class CsvImportException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final String reason;

    /** A rejection at {@code line} (1-based; 0 when it concerns the whole file) for {@code reason}. */
    public CsvImportException(int line, String reason) {
        super("line " + line + ": " + reason);
        this.line = line;
        this.reason = reason;
    }

    /** The 1-based line, or 0 for the whole file. */
    public int line() {
        return line;
    }

    /** Why the line was rejected. */
    public String reason() {
        return reason;
    }
}

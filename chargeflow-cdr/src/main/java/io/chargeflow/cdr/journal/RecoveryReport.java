package io.chargeflow.cdr.journal;

/**
 * What {@link JournalWriter#open} found and did on start: the last durable sequence, and the torn tail it truncated
 * (null when the journal ended cleanly). Immutable.
 *
 * @param segments segment files found
 * @param records valid records kept
 * @param lastSequence sequence of the last record kept (0 for an empty journal)
 * @param truncated the torn tail that was cut off, or null
 * @param truncatedBytes bytes removed from the tail
 * @param elapsedNs how long recovery took
 */
public record RecoveryReport(
        int segments, long records, long lastSequence, JournalDamage truncated, long truncatedBytes, long elapsedNs) {

    /** One line for the operator log. */
    public String describe() {
        String base = "journal recovered: segments=" + segments + " records=" + records + " lastSequence="
                + lastSequence + " in " + elapsedNs / 1_000_000 + " ms";
        return truncated == null ? base : base + "; truncated " + truncatedBytes + " bytes of " + truncated.describe();
    }
}

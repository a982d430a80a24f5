package io.chargeflow.cdr.journal;

import java.nio.file.Path;

/**
 * One finding of a journal scan: where (segment file and byte offset) and what. A torn tail is the expected result of
 * a crash during an unacknowledged write (recovery truncates it); anything else is damage in the middle of the
 * journal, which is reported and never silently skipped. Immutable.
 *
 * @param file the segment file
 * @param offset byte offset in the file where the bad frame (or header) starts
 * @param reason what is wrong, with the values found
 * @param tornTail whether nothing valid follows in the journal (a crash tail, not damage)
 */
public record JournalDamage(Path file, long offset, String reason, boolean tornTail) {

    /** One line for operators: file, offset, reason and kind. */
    public String describe() {
        return (tornTail ? "torn tail" : "DAMAGE") + " in " + file + " at offset=" + offset + ": " + reason;
    }
}

package io.chargeflow.cdr.journal;

import java.util.List;

/**
 * Thrown when a journal cannot be opened for writing because it holds damage in the middle (a bad frame followed
 * by good ones, a gap or a duplicate): appending after it would hide the damage. Names every finding with file and
 * offset; run {@code cdr verify} to see the whole journal.
 */
public final class JournalCorruptedException extends RuntimeException {
    private final transient List<JournalDamage> damages;

    public JournalCorruptedException(List<JournalDamage> damages) {
        super("journal damaged: "
                + String.join(
                        "; ", damages.stream().map(JournalDamage::describe).toList()));
        this.damages = List.copyOf(damages);
    }

    public List<JournalDamage> damages() {
        return damages;
    }
}

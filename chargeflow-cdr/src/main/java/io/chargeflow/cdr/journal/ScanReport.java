package io.chargeflow.cdr.journal;

import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link JournalScanner} found: the segments, the valid frames (count and sequence range) and every damage,
 * gap or duplicate with its file and offset. Immutable.
 *
 * @param segments the segment files in sequence order
 * @param frames valid frames seen
 * @param firstSequence sequence of the first valid frame, 0 when none
 * @param lastSequence sequence of the last valid frame before any damage, 0 when none
 * @param damages every finding, in journal order
 * @param lastSegmentValidEnd byte offset where the last segment's valid frames end (recovery truncates here)
 */
public record ScanReport(
        List<Path> segments,
        long frames,
        long firstSequence,
        long lastSequence,
        List<JournalDamage> damages,
        long lastSegmentValidEnd) {

    /** True when there is damage other than a torn tail. */
    public boolean hasMiddleDamage() {
        return damages.stream().anyMatch(d -> !d.tornTail());
    }

    /** The torn tail, or null. */
    public JournalDamage tornTail() {
        return damages.stream().filter(JournalDamage::tornTail).findFirst().orElse(null);
    }
}

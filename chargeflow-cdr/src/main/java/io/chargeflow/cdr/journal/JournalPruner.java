package io.chargeflow.cdr.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes a journal's oldest segments once every record in them is safe elsewhere (exported): a live meter's journal
 * otherwise grows for as long as it runs. Only whole segments go, oldest first and in order, so the journal left
 * starts at a segment boundary and stays one unbroken chain (the scanner and recovery take the first remaining
 * segment's first sequence as the start); the last segment, the one a writer appends to, always stays. Segments are
 * read from their names (each is named by its first sequence), so pruning opens none of them.
 */
public final class JournalPruner {
    private JournalPruner() {}

    /** What a prune removed: segments, their bytes, and the sequences they held (0..0 when none). */
    public record Pruned(List<Path> segments, long bytes, long firstSequence, long lastSequence) {}

    /**
     * Deletes the segments of {@code dir} whose records all have sequences up to {@code upToSequence}, never the last
     * one, then makes the deletions durable (the directory is fsynced).
     */
    public static Pruned prune(Path dir, long upToSequence) {
        List<Path> segments = JournalScanner.segments(dir);
        List<Path> removed = new ArrayList<>();
        long bytes = 0;
        long first = 0;
        long last = 0;
        try {
            for (int i = 0; i + 1 < segments.size(); i++) {
                long end = JournalScanner.firstSequenceOf(segments.get(i + 1)) - 1;
                if (end > upToSequence) {
                    break;
                }
                Path segment = segments.get(i);
                bytes += Files.size(segment);
                if (first == 0) {
                    first = JournalScanner.firstSequenceOf(segment);
                }
                last = end;
                Files.delete(segment);
                removed.add(segment);
            }
            if (!removed.isEmpty()) {
                DurableFiles.fsyncDirectory(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot prune journal dir=" + dir + " after removing " + removed.size() + " segment(s)", e);
        }
        return new Pruned(List.copyOf(removed), bytes, first, last);
    }
}

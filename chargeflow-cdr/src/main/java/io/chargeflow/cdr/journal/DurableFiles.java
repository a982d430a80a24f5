package io.chargeflow.cdr.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The two steps a crash-safe small file needs, shared by the journal (its identity), the exporter (position,
 * manifest, journal name) and the pruner: replacing a file's content in one step, and making a directory's entries
 * (a new, renamed or deleted file) durable.
 */
public final class DurableFiles {
    private DurableFiles() {}

    /**
     * Replaces {@code target}'s content with {@code content} (UTF-8) so that after a crash it holds either the old
     * content or the new one: written to a temporary file next to it, forced, moved over it, the directory forced.
     */
    public static void replace(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(content);
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(target.toAbsolutePath().getParent());
    }

    /** Makes the entries of {@code dir} durable (files created, renamed or deleted in it). */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

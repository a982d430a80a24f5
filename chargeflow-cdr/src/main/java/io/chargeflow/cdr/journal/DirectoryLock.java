package io.chargeflow.cdr.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a directory that one owner at a time may write: a journal (two writers, say two meter runs
 * started on the same directory, would interleave their frames and sequence numbers) or an export directory (two
 * exporters would both append after the same committed position). An operating-system lock on a file in the
 * directory ({@code fcntl} on Linux): it ends with its process, so a killed owner leaves nothing to clean up. The file
 * holds the owner's pid, purpose and start, for the message the next one gets.
 */
public final class DirectoryLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dir} (its file {@code name}) for {@code purpose}, or throws {@link InUseException}
     * naming the owner when another one holds it (another process, or another owner in this one).
     */
    public static DirectoryLock acquire(Path dir, String name, String purpose) {
        Path file = dir.resolve(name);
        FileChannel channel;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open lock file=" + file, e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String owner = owner(file);
                channel.close();
                throw new InUseException(dir, owner);
            }
            String holder =
                    "pid=" + ProcessHandle.current().pid() + " " + purpose + " since=" + java.time.Instant.now() + "\n";
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
            return new DirectoryLock(channel, lock);
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot lock file=" + file, e);
        }
    }

    private static String owner(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Releases the lock (the file stays: removing it could let two owners lock two different files). */
    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release a directory lock", e);
        }
    }

    /** The directory is locked by another owner. */
    public static final class InUseException extends IllegalStateException {
        private final Path dir;

        InUseException(Path dir, String owner) {
            super(dir + " is in use by another writer (" + (owner.isEmpty() ? "owner unknown" : owner)
                    + "): one writer at a time");
            this.dir = dir;
        }

        public Path dir() {
            return dir;
        }
    }
}

package io.chargeflow.cdr.export;

import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.CdrFormatException;
import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.journal.FrameHandler;
import io.chargeflow.cdr.journal.JournalCorruptedException;
import io.chargeflow.cdr.journal.JournalDamage;
import io.chargeflow.cdr.journal.JournalPosition;
import io.chargeflow.cdr.journal.JournalScanner;
import io.chargeflow.cdr.journal.ScanReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Exports journalled CDRs to rotated CSV or JSON Lines files with exactly-once semantics across crashes. One
 * exporter per output directory, called from one thread (the exporter's own, or the CLI's).
 *
 * <p>The committed position lives in {@code export.position} beside the output, replaced atomically (write,
 * fsync, rename, fsync directory) after the open {@code .part} file is fsynced. It holds the last exported sequence
 * and the length of the part file at that point. On restart the part file is truncated back to that length, so rows
 * written after the last commit are dropped and rewritten: nothing twice, nothing skipped. A full part file is closed
 * right after a commit: renamed to its final name, then added to {@code manifest.csv} (file, first/last sequence,
 * count, SHA-256), then the position moves to the next file; every step is redone on restart if it was cut short.
 * The exporter never reads past the sequence it is given (the writer's durable sequence), and stops at damage.
 */
public final class JournalExporter implements AutoCloseable {
    static final String POSITION_FILE = "export.position";
    static final String MANIFEST_FILE = "manifest.csv";
    /** The identity of the journal an export directory holds the records of (see {@link JournalWriter#ID_FILE}). */
    public static final String JOURNAL_FILE = "export.journal";
    /** The file in an export directory whose lock its exporter holds: one exporter per directory at a time. */
    public static final String LOCK_FILE = "export.lock";

    private final Path journalDir;
    private final Path outDir;
    private final CdrFormat format;
    private final long recordsPerFile;
    private final StringBuilder text = new StringBuilder(1 << 16);
    private final List<ManifestEntry> manifest;
    private State state;
    private FileChannel part;
    private long partBytes;
    private RuntimeException failure;
    /** Where the last scan stopped (memory only): the next call resumes there instead of re-reading the segment. */
    private JournalPosition resumeAt;

    /** The durable state: all fields refer to the moment of the last commit. */
    private record State(long lastSequence, int fileIndex, long partOffset, long partFirst, long partCount) {}

    private final io.chargeflow.cdr.journal.DirectoryLock lock;

    private JournalExporter(
            Path journalDir,
            Path outDir,
            CdrFormat format,
            long recordsPerFile,
            io.chargeflow.cdr.journal.DirectoryLock lock)
            throws IOException {
        this.lock = lock;
        this.journalDir = journalDir;
        this.outDir = outDir;
        this.format = format;
        this.recordsPerFile = recordsPerFile;
        Files.createDirectories(outDir);
        checkJournalIdentity();
        this.manifest = readManifest(outDir);
        this.state = readPosition();
        checkJournalCoversPosition();
        resume();
    }

    /** Opens (and after a crash, repairs) the exporter of {@code outDir}. */
    public static JournalExporter open(Path journalDir, Path outDir, CdrFormat format, long recordsPerFile) {
        if (recordsPerFile < 1) {
            throw new IllegalArgumentException("recordsPerFile=" + recordsPerFile + " must be >= 1");
        }
        io.chargeflow.cdr.journal.DirectoryLock lock =
                io.chargeflow.cdr.journal.DirectoryLock.acquire(outDir, LOCK_FILE, "CDR exporter");
        try {
            return new JournalExporter(journalDir, outDir, format, recordsPerFile, lock);
        } catch (IOException e) {
            lock.close();
            throw new UncheckedIOException("cannot open exporter outDir=" + outDir, e);
        } catch (RuntimeException | Error e) {
            lock.close();
            throw e;
        }
    }

    /** The journal this exporter reads. */
    public Path journalDir() {
        return journalDir;
    }

    /** The export directory. */
    public Path outDir() {
        return outDir;
    }

    /** The last exported and committed sequence. */
    public long position() {
        return state.lastSequence;
    }

    /** The closed files so far. */
    public List<ManifestEntry> manifest() {
        return List.copyOf(manifest);
    }

    /**
     * Exports journal records after {@link #position()} up to {@code maxSequence} (the writer's durable sequence),
     * commits, and returns how many it exported. Throws {@link JournalCorruptedException} at damage in the middle of
     * the journal, after committing every record before it.
     */
    public long exportUpTo(long maxSequence) {
        if (failure != null) {
            throw new IllegalStateException(
                    "exporter outDir=" + outDir + " failed earlier; reopen it to resume from "
                            + "its committed position=" + state.lastSequence,
                    failure);
        }
        try {
            return exportUnchecked(maxSequence);
        } catch (UncheckedIOException e) {
            // what is in memory may no longer match the files: only a reopen (truncate to the commit) is safe
            failure = e;
            throw e;
        }
    }

    private long exportUnchecked(long maxSequence) {
        if (maxSequence <= state.lastSequence) {
            return 0;
        }
        long[] exported = new long[1];
        long[] pending = {state.lastSequence, state.partFirst, state.partCount};
        List<JournalDamage> undecodable = new ArrayList<>(1);
        FrameHandler handler = (seq, type, payload, file, off) -> {
            if (seq > maxSequence) {
                return false;
            }
            JournalPosition after = JournalPosition.after(file, off, payload.remaining(), seq);
            if (type == CdrCodec.FRAME_TYPE) {
                PgwRecord cdr;
                try {
                    cdr = CdrCodec.decode(payload, seq);
                } catch (CdrFormatException e) {
                    undecodable.add(new JournalDamage(
                            file, off, "undecodable CDR sequence=" + seq + ": " + e.getMessage(), false));
                    return false;
                }
                format.append(cdr, text);
                if (pending[2] == 0) {
                    pending[1] = seq;
                }
                pending[2]++;
                exported[0]++;
            }
            pending[0] = seq;
            if (text.length() > (1 << 20) || pending[2] >= recordsPerFile) {
                flushAndCommit(pending);
                if (pending[2] >= recordsPerFile) {
                    rotate();
                    pending[1] = 0;
                    pending[2] = 0;
                }
            }
            resumeAt = after;
            return true;
        };
        JournalPosition hint = resumeAt;
        ScanReport report = hint != null && hint.nextSequence() == state.lastSequence + 1
                ? JournalScanner.scanFrom(journalDir, hint, true, handler)
                : JournalScanner.scan(journalDir, state.lastSequence + 1, true, handler);
        flushAndCommit(pending);
        List<JournalDamage> damage = new ArrayList<>(undecodable);
        report.damages().stream().filter(d -> !d.tornTail()).forEach(damage::add);
        if (!damage.isEmpty() && state.lastSequence < maxSequence) {
            throw new JournalCorruptedException(damage);
        }
        return exported[0];
    }

    /** Commits and closes the open file into the manifest (when it holds records); used at shutdown. */
    public void finish() {
        if (state.partCount > 0) {
            rotate();
        }
    }

    @Override
    public void close() {
        try {
            part.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close export outDir=" + outDir, e);
        } finally {
            lock.close();
        }
    }

    private void flushAndCommit(long[] pending) {
        try {
            if (!text.isEmpty()) {
                ByteBuffer bytes = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(text));
                while (bytes.hasRemaining()) {
                    partBytes += part.write(bytes);
                }
                text.setLength(0);
            }
            if (pending[0] == state.lastSequence) {
                return;
            }
            part.force(false);
            commit(new State(pending[0], state.fileIndex, partBytes, pending[1], pending[2]));
        } catch (IOException e) {
            throw new UncheckedIOException("export failed outDir=" + outDir, e);
        }
    }

    private void rotate() {
        try {
            part.force(false);
            part.close();
            Path partPath = partPath(state.fileIndex);
            Path finalPath = finalPath(state.fileIndex);
            Files.move(partPath, finalPath, StandardCopyOption.ATOMIC_MOVE);
            io.chargeflow.cdr.journal.DurableFiles.fsyncDirectory(outDir);
            addManifestEntry(finalPath);
            advanceToNextFile();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate export outDir=" + outDir, e);
        }
    }

    private void resume() throws IOException {
        String finalName = fileName(state.fileIndex);
        boolean inManifest = manifest.stream().anyMatch(m -> m.file().equals(finalName));
        if (inManifest) {
            Files.deleteIfExists(partPath(state.fileIndex));
            advanceToNextFile();
            return;
        }
        if (Files.exists(finalPath(state.fileIndex))) {
            addManifestEntry(finalPath(state.fileIndex));
            advanceToNextFile();
            return;
        }
        openPart();
    }

    /**
     * A journal that ends before the committed position lost records after they were exported (a segment cut at a
     * frame boundary, a restored backup): the journal alone cannot tell, the exporter can, so it refuses to go on.
     */
    /**
     * An export directory holds one journal's records: the first export names the journal (its identity) in
     * {@link #JOURNAL_FILE}; a later one of another journal is refused (its positions would mean other records, and
     * {@code cdr prune} would trust them).
     */
    private void checkJournalIdentity() throws IOException {
        if (!Files.isDirectory(journalDir)) {
            return;
        }
        String journal = io.chargeflow.cdr.journal.JournalWriter.identity(journalDir);
        Path file = outDir.resolve(JOURNAL_FILE);
        if (!Files.exists(file)) {
            io.chargeflow.cdr.journal.DurableFiles.replace(file, journal + "\n");
            return;
        }
        String named = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!named.equals(journal)) {
            throw new IllegalStateException("export dir=" + outDir + " holds the records of journal " + named
                    + ", not of " + journalDir + " (journal " + journal + "): one export directory per journal");
        }
    }

    /**
     * The last sequence the export directory {@code outDir} committed, with the identity of its journal; 0 and null
     * when nothing was exported there. Read only (for {@code cdr prune}).
     */
    public static Committed committed(Path outDir) throws IOException {
        Path journal = outDir.resolve(JOURNAL_FILE);
        return new Committed(
                readPosition(outDir).lastSequence,
                Files.exists(journal)
                        ? Files.readString(journal, StandardCharsets.US_ASCII).trim()
                        : null);
    }

    /** What an export directory committed: its last sequence and its journal's identity (null if it names none). */
    public record Committed(long lastSequence, String journal) {}

    private void checkJournalCoversPosition() {
        List<Path> segments = JournalScanner.segments(journalDir);
        if (!segments.isEmpty() && JournalScanner.firstSequenceOf(segments.getFirst()) > state.lastSequence + 1) {
            // segments this directory never exported were pruned (after another export directory took them)
            throw new JournalCorruptedException(List.of(new JournalDamage(
                    segments.getFirst(),
                    0,
                    "journal starts at sequence=" + JournalScanner.firstSequenceOf(segments.getFirst())
                            + " but export dir=" + outDir + " has exported up to " + state.lastSequence
                            + ": the records between were pruned",
                    false)));
        }
        long last = 0;
        if (!segments.isEmpty()) {
            ScanReport tail = JournalScanner.scan(journalDir, Long.MAX_VALUE, false, (s, t, p, f, o) -> true);
            last = Math.max(tail.lastSequence(), JournalScanner.firstSequenceOf(segments.getLast()) - 1);
        }
        if (state.lastSequence > last) {
            Path where = segments.isEmpty() ? journalDir : segments.getLast();
            throw new JournalCorruptedException(List.of(new JournalDamage(
                    where,
                    0,
                    "journal ends at sequence="
                            + last + " but exporter outDir=" + outDir + " committed position=" + state.lastSequence
                            + ": records were lost from the journal",
                    false)));
        }
    }

    private void advanceToNextFile() throws IOException {
        commit(new State(state.lastSequence, state.fileIndex + 1, 0, 0, 0));
        openPart();
    }

    private void openPart() throws IOException {
        Path path = partPath(state.fileIndex);
        part = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        long size = part.size();
        if (size < state.partOffset) {
            throw new IllegalStateException("export file=" + path + " size=" + size + " is shorter than committed "
                    + "partOffset=" + state.partOffset);
        }
        part.truncate(state.partOffset);
        part.position(state.partOffset);
        partBytes = state.partOffset;
        if (partBytes == 0 && format.header() != null) {
            ByteBuffer header = StandardCharsets.UTF_8.encode(format.header() + "\n");
            while (header.hasRemaining()) {
                partBytes += part.write(header);
            }
        }
        part.force(true);
        io.chargeflow.cdr.journal.DurableFiles.fsyncDirectory(outDir);
    }

    private void addManifestEntry(Path finalPath) throws IOException {
        manifest.add(new ManifestEntry(
                finalPath.getFileName().toString(),
                state.partFirst,
                state.lastSequence,
                state.partCount,
                sha256(finalPath)));
        StringBuilder sb = new StringBuilder(ManifestEntry.HEADER).append('\n');
        for (ManifestEntry m : manifest) {
            sb.append(m.line()).append('\n');
        }
        io.chargeflow.cdr.journal.DurableFiles.replace(outDir.resolve(MANIFEST_FILE), sb.toString());
    }

    private void commit(State next) throws IOException {
        String line = "v1 " + next.lastSequence + " " + next.fileIndex + " " + next.partOffset + " " + next.partFirst
                + " " + next.partCount + "\n";
        io.chargeflow.cdr.journal.DurableFiles.replace(outDir.resolve(POSITION_FILE), line);
        state = next;
    }

    private State readPosition() throws IOException {
        return readPosition(outDir);
    }

    /** The committed state of export directory {@code outDir} (the start of nothing when it has none). */
    private static State readPosition(Path outDir) throws IOException {
        Path path = outDir.resolve(POSITION_FILE);
        if (!Files.exists(path)) {
            return new State(0, 1, 0, 0, 0);
        }
        String[] f = Files.readString(path).trim().split(" ");
        if (f.length != 6 || !f[0].equals("v1")) {
            throw new IllegalStateException("position file=" + path + " is not a v1 position: " + String.join(" ", f));
        }
        return new State(
                Long.parseLong(f[1]),
                Integer.parseInt(f[2]),
                Long.parseLong(f[3]),
                Long.parseLong(f[4]),
                Long.parseLong(f[5]));
    }

    /** Reads the manifest of an export directory (empty when there is none). */
    public static List<ManifestEntry> readManifest(Path outDir) {
        Path path = outDir.resolve(MANIFEST_FILE);
        List<ManifestEntry> entries = new ArrayList<>();
        if (!Files.exists(path)) {
            return entries;
        }
        try {
            List<String> lines = Files.readAllLines(path);
            for (int i = 1; i < lines.size(); i++) {
                if (!lines.get(i).isBlank()) {
                    entries.add(ManifestEntry.parse(lines.get(i), i + 1));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest=" + path, e);
        }
    }

    private String fileName(int index) {
        return String.format("cdr-%06d.%s", index, format.extension());
    }

    private Path finalPath(int index) {
        return outDir.resolve(fileName(index));
    }

    private Path partPath(int index) {
        return outDir.resolve(fileName(index) + ".part");
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                while (ch.read(buf) > 0) {
                    digest.update(buf.flip());
                    buf.clear();
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }
}

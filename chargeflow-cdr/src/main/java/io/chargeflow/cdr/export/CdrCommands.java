package io.chargeflow.cdr.export;

import io.chargeflow.cdr.CdrCodec;
import io.chargeflow.cdr.CdrFormatException;
import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.journal.JournalDamage;
import io.chargeflow.cdr.journal.JournalScanner;
import io.chargeflow.cdr.journal.ScanReport;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code cdr dump}, {@code cdr verify} and {@code cdr export} commands, as plain methods the CLI wraps (called on
 * the CLI's main thread; dump and verify open the journal read-only, so they may run beside a live writer; export
 * takes the journal's lock, so it runs only while no writer does). Each returns the process exit code:
 * 0 when everything checked out, 1 when any damage, gap or duplicate was found, 2 for a caller mistake (no such
 * directory).
 */
public final class CdrCommands {
    public static final int OK = 0;
    public static final int PROBLEMS = 1;
    public static final int USAGE = 2;

    private CdrCommands() {}

    /** {@code cdr dump DIR [--format jsonl|csv]}: prints every CDR; damage goes to {@code err} with file/offset. */
    public static int dump(Path dir, CdrFormat format, PrintStream out, PrintStream err) {
        if (!Files.isDirectory(dir)) {
            err.println("journal dir=" + dir + " does not exist");
            return USAGE;
        }
        StringBuilder line = new StringBuilder(512);
        if (format.header() != null) {
            out.println(format.header());
        }
        long[] problems = new long[2];
        ScanReport report = JournalScanner.scan(dir, 1, true, (seq, type, payload, file, offset) -> {
            if (type != CdrCodec.FRAME_TYPE) {
                problems[1]++;
                return true;
            }
            try {
                line.setLength(0);
                format.append(CdrCodec.decode(payload, seq), line);
                out.print(line);
                return true;
            } catch (CdrFormatException e) {
                err.println("DAMAGE in " + file + " at offset=" + offset + ": undecodable CDR sequence=" + seq + ": "
                        + e.getMessage());
                problems[0]++;
                return false;
            }
        });
        for (JournalDamage d : report.damages()) {
            err.println(d.describe());
        }
        if (problems[1] > 0) {
            err.println("frames that are not CDRs (other types): " + problems[1]);
        }
        return problems[0] > 0 || !report.damages().isEmpty() ? PROBLEMS : OK;
    }

    /**
     * {@code cdr verify DIR}: checks every segment header, frame length, CRC32C, the journal sequence chain, that
     * every CDR decodes, and each session's recordSequenceNumber chain (1, 2, 3 ... per chargingID); prints the
     * record count and every gap, duplicate or damage with file and offset.
     */
    public static int verify(Path dir, PrintStream out, PrintStream err) {
        if (!Files.isDirectory(dir)) {
            err.println("journal dir=" + dir + " does not exist");
            return USAGE;
        }
        Map<Long, Integer> lastRecordSequence = new HashMap<>();
        long[] counts = new long[4]; // cdrs, other frames, undecodable, session chain problems
        ScanReport report;
        try {
            report = JournalScanner.scan(dir, 1, false, (seq, type, payload, file, offset) -> {
                if (type != CdrCodec.FRAME_TYPE) {
                    counts[1]++;
                    return true;
                }
                PgwRecord cdr;
                try {
                    cdr = CdrCodec.decode(payload, seq);
                } catch (CdrFormatException e) {
                    counts[2]++;
                    out.println("DAMAGE in " + file + " at offset=" + offset + ": undecodable CDR sequence=" + seq
                            + ": " + e.getMessage());
                    return true;
                }
                counts[0]++;
                Integer previous = lastRecordSequence.get(cdr.chargingID());
                int expected = previous == null ? 1 : previous + 1;
                if (cdr.recordSequenceNumber() != expected) {
                    counts[3]++;
                    out.println((cdr.recordSequenceNumber() < expected ? "duplicate" : "gap") + " in session chain "
                            + "chargingID=" + cdr.chargingID() + " recordSequenceNumber=" + cdr.recordSequenceNumber()
                            + " expected=" + expected + " (" + file + " offset=" + offset + ")");
                }
                lastRecordSequence.put(cdr.chargingID(), cdr.recordSequenceNumber());
                return true;
            });
        } catch (UncheckedIOException e) {
            err.println("cannot read journal dir=" + dir + ": " + e.getMessage());
            return PROBLEMS;
        }
        for (JournalDamage d : report.damages()) {
            out.println(d.describe());
        }
        long gaps = report.damages().stream()
                .filter(d -> d.reason().startsWith("gap"))
                .count();
        long duplicates = report.damages().stream()
                .filter(d -> d.reason().startsWith("duplicate"))
                .count();
        long damaged = report.damages().size() - gaps - duplicates + counts[2];
        out.println("segments=" + report.segments().size() + " records=" + report.frames() + " cdrs=" + counts[0]
                + " otherFrames=" + counts[1] + " firstSequence=" + report.firstSequence() + " lastSequence="
                + report.lastSequence() + " gaps=" + gaps + " duplicates=" + duplicates + " damaged=" + damaged
                + " sessionChainProblems=" + counts[3]);
        boolean clean = report.damages().isEmpty() && counts[2] == 0 && counts[3] == 0;
        out.println(clean ? "OK" : "PROBLEMS FOUND");
        return clean ? OK : PROBLEMS;
    }

    /**
     * {@code cdr export DIR --out OUT}: exports every record after the export directory's committed position into
     * rotated files listed in its manifest (exactly once across runs: see {@link JournalExporter}), then closes the
     * open file into the manifest. Takes the journal's lock first: a record a running writer has not made durable yet
     * must not be exported (a running meter exports with its own {@code --export}). Returns {@link #PROBLEMS} at damage
     * in the journal (every record before it is exported and committed), or when the journal or the export directory is
     * in use.
     */
    public static int export(
            Path dir, Path outDir, CdrFormat format, long recordsPerFile, PrintStream out, PrintStream err) {
        if (!Files.isDirectory(dir)) {
            err.println("journal dir=" + dir + " does not exist");
            return USAGE;
        }
        try (io.chargeflow.cdr.journal.DirectoryLock journalLock = io.chargeflow.cdr.journal.DirectoryLock.acquire(
                        dir, io.chargeflow.cdr.journal.JournalWriter.LOCK_FILE, "cdr export");
                JournalExporter exporter = JournalExporter.open(dir, outDir, format, recordsPerFile)) {
            long before = exporter.position();
            int files = exporter.manifest().size();
            long exported;
            try {
                exported = exporter.exportUpTo(Long.MAX_VALUE);
            } catch (io.chargeflow.cdr.journal.JournalCorruptedException e) {
                exporter.finish();
                err.println("export stopped at damage; every record before it is exported (position "
                        + exporter.position() + "): " + e.getMessage());
                return PROBLEMS;
            }
            exporter.finish();
            out.println("exported " + exported + " CDRs"
                    + (exported == 0 ? "" : " (journal sequence " + (before + 1) + ".." + exporter.position() + ")")
                    + " into " + outDir + ": " + (exporter.manifest().size() - files) + " new file(s), "
                    + exporter.manifest().size() + " in " + JournalExporter.MANIFEST_FILE + ", position "
                    + exporter.position());
            return OK;
        } catch (io.chargeflow.cdr.journal.DirectoryLock.InUseException e) {
            err.println(e.getMessage()
                    + (e.dir().equals(dir) ? " (a running meter exports its CDRs with --export DIR)" : ""));
            return PROBLEMS;
        } catch (io.chargeflow.cdr.journal.JournalCorruptedException | UncheckedIOException | IllegalStateException e) {
            err.println("cannot export journal dir=" + dir + ": " + e.getMessage());
            return PROBLEMS;
        }
    }

    /**
     * {@code cdr prune DIR --exported-to OUT}: removes the journal's oldest segments whose every record the export
     * directory {@code outDir} has committed (never the segment a writer appends to). Refuses when the export directory
     * names another journal, or none, or has exported nothing. Safe beside a running writer and its exporter: only
     * closed segments behind the committed position go.
     */
    public static int prune(Path dir, Path outDir, PrintStream out, PrintStream err) {
        if (!Files.isDirectory(dir)) {
            err.println("journal dir=" + dir + " does not exist");
            return USAGE;
        }
        try {
            JournalExporter.Committed committed = JournalExporter.committed(outDir);
            String journal = io.chargeflow.cdr.journal.JournalWriter.existingIdentity(dir);
            if (committed.journal() == null || committed.lastSequence() == 0) {
                err.println("export dir=" + outDir + " has exported nothing of a journal yet: nothing pruned");
                return PROBLEMS;
            }
            if (!committed.journal().equals(journal)) {
                err.println("export dir=" + outDir + " holds the records of journal " + committed.journal()
                        + ", not of " + dir + " (journal " + journal + "): nothing pruned");
                return PROBLEMS;
            }
            io.chargeflow.cdr.journal.JournalPruner.Pruned pruned =
                    io.chargeflow.cdr.journal.JournalPruner.prune(dir, committed.lastSequence());
            java.util.List<Path> left = JournalScanner.segments(dir);
            String start = left.isEmpty()
                    ? "is empty"
                    : "starts at sequence " + JournalScanner.firstSequenceOf(left.getFirst());
            out.println("pruned " + pruned.segments().size() + " segment(s) of " + dir
                    + (pruned.segments().isEmpty()
                            ? ""
                            : " (sequences " + pruned.firstSequence() + ".." + pruned.lastSequence() + ", "
                                    + pruned.bytes() + " bytes)")
                    + "; the journal " + start + "; " + outDir + " has exported up to " + committed.lastSequence());
            return OK;
        } catch (java.io.IOException | UncheckedIOException | IllegalStateException e) {
            err.println("cannot prune journal dir=" + dir + ": " + e.getMessage());
            return PROBLEMS;
        }
    }
}

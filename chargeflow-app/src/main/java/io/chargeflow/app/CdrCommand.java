package io.chargeflow.app;

import io.chargeflow.cdr.export.CdrCommands;
import io.chargeflow.cdr.export.CdrFormat;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chargeflow cdr dump|verify|export DIR}: a readable view of a CDR journal, its integrity check, and its export
 * into rotated CSV or JSON Lines files for billing.
 */
@Command(
        name = "cdr",
        mixinStandardHelpOptions = true,
        description = "Read and check a CDR journal.",
        subcommands = {CdrCommand.Dump.class, CdrCommand.Verify.class, CdrCommand.Export.class, CdrCommand.Prune.class})
final class CdrCommand {

    /** {@code jsonl} or {@code csv} (a mistake is one line). */
    static CdrFormat format(String option, String format) {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "jsonl", "json" -> CdrFormat.JSONL;
            case "csv" -> CdrFormat.CSV;
            default -> throw new UserException(option + "=" + format + " is not jsonl or csv");
        };
    }

    @Command(name = "dump", mixinStandardHelpOptions = true, description = "Print every CDR of a journal.")
    static final class Dump implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The journal directory.")
        Path dir;

        @Option(names = "--format", paramLabel = "FORMAT", description = "jsonl (default) or csv.")
        String format = "jsonl";

        @Override
        public Integer call() {
            CdrFormat f = format("--format", format);
            MeterRun.checkDirectory(dir, "journal");
            PrintStream out = new PrintStream(System.out, false);
            int code = CdrCommands.dump(dir, f, out, System.err);
            out.flush();
            return code;
        }
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = "Check every frame, checksum and sequence chain; non-zero exit on any gap or duplicate.")
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The journal directory.")
        Path dir;

        @Override
        public Integer call() {
            MeterRun.checkDirectory(dir, "journal");
            return CdrCommands.verify(dir, System.out, System.err);
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Export the journal's CDRs not exported yet into rotated files with a manifest (exactly once"
                    + " across runs: the export directory keeps its committed position). Not while a meter writes the"
                    + " journal: a running meter exports with --export DIR.")
    static final class Export implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The journal directory.")
        Path dir;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "The export directory.")
        Path out;

        @Option(names = "--format", paramLabel = "FORMAT", description = "jsonl (default) or csv.")
        String format = "jsonl";

        @Option(
                names = "--records-per-file",
                paramLabel = "N",
                description = "CDRs per export file before it is closed into the manifest (default 100000).")
        long recordsPerFile = CdrOptions.DEFAULT_EXPORT_RECORDS_PER_FILE;

        @Override
        public Integer call() {
            CdrFormat f = format("--format", format);
            if (recordsPerFile < 1) {
                throw new UserException("--records-per-file=" + recordsPerFile + " must be at least 1");
            }
            MeterRun.checkDirectory(dir, "journal");
            return CdrCommands.export(dir, out, f, recordsPerFile, System.out, System.err);
        }
    }

    @Command(
            name = "prune",
            mixinStandardHelpOptions = true,
            description = "Remove the journal's oldest segments whose every CDR the export directory has committed"
                    + " (never the segment being written; safe while a meter runs): a live meter's journal otherwise"
                    + " grows for as long as it runs. bill reads the journal: bill a period before its CDRs are"
                    + " pruned (the export files keep them).")
    static final class Prune implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The journal directory.")
        Path dir;

        @Option(
                names = "--exported-to",
                paramLabel = "DIR",
                required = true,
                description = "The export directory of this journal (meter --export or cdr export).")
        Path exported;

        @Override
        public Integer call() {
            MeterRun.checkDirectory(dir, "journal");
            return CdrCommands.prune(dir, exported, System.out, System.err);
        }
    }
}

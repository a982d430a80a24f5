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

/** {@code chargeflow cdr dump|verify DIR}: a readable view of a CDR journal, and its integrity check. */
@Command(
        name = "cdr",
        mixinStandardHelpOptions = true,
        description = "Read and check a CDR journal.",
        subcommands = {CdrCommand.Dump.class, CdrCommand.Verify.class})
final class CdrCommand {

    @Command(name = "dump", mixinStandardHelpOptions = true, description = "Print every CDR of a journal.")
    static final class Dump implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The journal directory.")
        Path dir;

        @Option(names = "--format", paramLabel = "FORMAT", description = "jsonl (default) or csv.")
        String format = "jsonl";

        @Override
        public Integer call() {
            CdrFormat f = switch (format.toLowerCase(Locale.ROOT)) {
                case "jsonl", "json" -> CdrFormat.JSONL;
                case "csv" -> CdrFormat.CSV;
                default -> throw new UserException("--format=" + format + " is not jsonl or csv");
            };
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
}

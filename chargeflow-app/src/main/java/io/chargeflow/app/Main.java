package io.chargeflow.app;

import io.chargeflow.packet.CaptureFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code chargeflow} command line. A user's mistake (a missing or broken file, a bad option) is one clear line
 * on stderr and a non-zero exit, never a stack trace; {@code CHARGEFLOW_DEBUG=1} adds the trace for developers.
 */
@Command(
        name = "chargeflow",
        mixinStandardHelpOptions = true,
        version = "chargeflow 0.1.0",
        description = "Charging engine: meters subscriber traffic from captures, charges it, writes CDRs.",
        subcommands = {
            DemoCommand.class,
            MeterCommand.class,
            GenCommand.class,
            BenchCommand.class,
            CdrCommand.class,
            BillCommand.class,
            SubscribersCommand.Group.class,
            SubscribersCommand.Bindings.class,
            SubscribersCommand.Radius.class,
            DiameterCommand.class
        })
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this in-process). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("chargeflow: error: " + describe(e));
            if (System.getenv("CHARGEFLOW_DEBUG") != null || Boolean.getBoolean("chargeflow.debug")) {
                e.printStackTrace(commandLine.getErr());
                for (Throwable s : e.getSuppressed()) {
                    s.printStackTrace(commandLine.getErr());
                }
            }
            commandLine.getErr().flush();
            return 1;
        });
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine commandLine = e.getCommandLine();
            commandLine.getErr().println("chargeflow: " + e.getMessage());
            commandLine.getErr().println("(see: chargeflow " + commandLine.getCommandName() + " --help)");
            commandLine.getErr().flush();
            return 2;
        });
        return cli.execute(args);
    }

    static String describe(Throwable e) {
        Throwable t = e;
        if (t instanceof UncheckedIOException u && u.getCause() != null) {
            t = u.getCause();
        }
        return switch (t) {
            case UserException u -> u.getMessage();
            case CaptureFormatException c -> c.getMessage();
            case NoSuchFileException n -> n.getFile() + ": no such file";
            case AccessDeniedException a -> a.getFile() + ": permission denied";
            case IllegalArgumentException i -> i.getMessage();
            case RuntimeException r
            when r.getClass().getPackageName().startsWith("io.chargeflow") && r.getMessage() != null -> r.getMessage();
            case IOException io -> io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage();
            default -> t.toString();
        };
    }
}

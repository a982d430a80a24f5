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
        description = "Charging engine: meters subscriber traffic from captures, charges it, writes CDRs.")
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** The subcommands, in help order. */
    private static final Class<?>[] SUBCOMMANDS = {
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
    };

    /** Runs the command line and returns the exit code (tests call this in-process). */
    public static int execute(String... args) {
        return configure(commandLine(args)).execute(args);
    }

    /**
     * The command model for these arguments. Building picocli's model of every subcommand (their options, mixins and
     * converters, by reflection) took about 0.3 s of a run's start; a run names its subcommand first, so only that
     * one is added to the root. Help and unknown commands get all of them.
     */
    static CommandLine commandLine(String... args) {
        Class<?> named = null;
        for (Class<?> command : SUBCOMMANDS) {
            if (args.length > 0 && command.getAnnotation(Command.class).name().equals(args[0])) {
                named = command;
            }
        }
        CommandLine cli = new CommandLine(new Main());
        for (Class<?> command : SUBCOMMANDS) {
            if (named == null || command == named) {
                cli.addSubcommand(new CommandLine(command));
            }
        }
        return cli;
    }

    private static CommandLine configure(CommandLine cli) {
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
            commandLine.getErr().println("(see: " + commandLine.getCommandSpec().qualifiedName() + " --help)");
            commandLine.getErr().flush();
            return 2;
        });
        return cli;
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

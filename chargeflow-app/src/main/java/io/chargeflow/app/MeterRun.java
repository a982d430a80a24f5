package io.chargeflow.app;

import io.chargeflow.flow.ClosedSession;
import io.chargeflow.flow.FlowContext;
import io.chargeflow.flow.FlowEngine;
import io.chargeflow.flow.Processor;
import io.chargeflow.flow.SessionListener;
import io.chargeflow.packet.CaptureSource;
import io.chargeflow.packet.CaptureStats;
import io.chargeflow.packet.Captures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One metering run over capture files: starts a {@link FlowEngine}, reads every capture on the calling thread,
 * finishes, and collects the per-subscriber totals. Outputs (usage.csv, sessions.jsonl, summary) are written by the
 * callers from the {@link MeterResult}.
 */
final class MeterRun {
    private MeterRun() {}

    static MeterResult run(
            List<Path> captures,
            FlowContext context,
            SessionListener extraListener,
            Path sessionsJsonl,
            ProgressBar progress)
            throws IOException, InterruptedException {
        return run(captures, context, extraListener, sessionsJsonl, progress, null, null);
    }

    /**
     * As above; {@code directory} (may be null) closes sessions whose binding changes while the run reads, and
     * {@code started} (if not null) is told the engine once it runs.
     */
    static MeterResult run(
            List<Path> captures,
            FlowContext context,
            SessionListener extraListener,
            Path sessionsJsonl,
            ProgressBar progress,
            Directory directory,
            java.util.function.Consumer<FlowEngine> started)
            throws IOException, InterruptedException {
        for (Path capture : captures) {
            checkReadable(capture);
        }
        List<Input> inputs = new ArrayList<>();
        for (Path capture : captures) {
            inputs.add(new Input(capture.toString(), capture, () -> Captures.open(capture)));
        }
        return runInputs(inputs, context, extraListener, sessionsJsonl, progress, directory, started);
    }

    /** A source to read: its name for the summary, its file (null for a live interface), how to open it. */
    record Input(String name, Path file, Opener opener) {}

    @FunctionalInterface
    interface Opener {
        CaptureSource open() throws IOException;
    }

    /**
     * One run over {@code inputs}, read in order (a live interface, or files); {@code started} (if not null) is told the
     * engine once it runs.
     */
    static MeterResult runInputs(
            List<Input> inputs,
            FlowContext context,
            SessionListener extraListener,
            Path sessionsJsonl,
            ProgressBar progress,
            Directory directory,
            java.util.function.Consumer<FlowEngine> started)
            throws IOException, InterruptedException {
        int prefix = context.ipv6PrefixLength();
        try (SessionsJsonlWriter sessionsWriter =
                sessionsJsonl == null ? null : new SessionsJsonlWriter(sessionsJsonl, prefix)) {
            SessionListener listener = combine(sessionsWriter, extraListener);
            context.sessionListener(listener);
            FlowEngine engine = new FlowEngine(context);
            List<CaptureStats> stats = new ArrayList<>();
            List<String> names = new ArrayList<>();
            long t0 = System.nanoTime();
            long readEnd;
            long cpu0 = Processor.threadCpuNanos();
            engine.start();
            if (directory != null) {
                directory.attach(engine);
            }
            if (started != null) {
                started.accept(engine);
            }
            try {
                for (Input input : inputs) {
                    try (CaptureSource source = input.opener().open()) {
                        names.add(input.name());
                        stats.add(source.stats());
                        if (progress != null && input.file() != null) {
                            progress.startFile(input.file(), source.stats());
                        }
                        engine.read(source, progress == null ? null : progress::update);
                    }
                }
            } finally {
                readEnd = System.nanoTime();
                engine.finish();
            }
            long end = System.nanoTime();
            long elapsed = end - t0;
            if (progress != null) {
                progress.done();
            }
            long cpu1 = Processor.threadCpuNanos();
            return new MeterResult(
                    engine, names, stats, elapsed, end - readEnd, cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0);
        }
    }

    private static SessionListener combine(SessionListener a, SessionListener b) {
        if (a == null) {
            return b == null ? SessionListener.NONE : b;
        }
        if (b == null) {
            return a;
        }
        return (ClosedSession s) -> {
            a.onSessionClosed(s);
            b.onSessionClosed(s);
        };
    }

    static void checkReadable(Path capture) throws IOException {
        checkReadable(capture, "capture");
        if (Files.size(capture) == 0) {
            throw new UserException(capture + ": empty file (0 bytes), not a pcap or pcapng capture");
        }
    }

    /** A file the user named must exist, be a file and be readable: one clear line otherwise. */
    static void checkReadable(Path file, String what) {
        if (!Files.exists(file)) {
            throw new UserException(file + ": no such file (" + what + ")");
        }
        if (Files.isDirectory(file)) {
            throw new UserException(file + ": is a directory, not a " + what + " file");
        }
        if (!Files.isReadable(file)) {
            throw new UserException(file + ": not readable (permission denied)");
        }
    }

    /** A directory the user named must exist and be a directory: one clear line otherwise. */
    static void checkDirectory(Path dir, String what) {
        if (!Files.exists(dir)) {
            throw new UserException(dir + ": no such directory (" + what + ")");
        }
        if (!Files.isDirectory(dir)) {
            throw new UserException(dir + ": is a file, not a " + what + " directory");
        }
    }
}

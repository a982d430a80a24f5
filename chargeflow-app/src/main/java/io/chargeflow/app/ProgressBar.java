package io.chargeflow.app;

import io.chargeflow.packet.CaptureStats;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A one-line progress bar on stderr for long runs, redrawn at most five times a second from the reader thread
 * between batches. Only created when stderr is a terminal and neither --quiet nor CI is set.
 */
final class ProgressBar {
    private final PrintStream err;
    private long fileSize;
    private CaptureStats stats;
    private String name;
    private long startNanos;
    private long lastDraw;

    ProgressBar(PrintStream err) {
        this.err = err;
    }

    /** Whether a bar makes sense here: an interactive terminal, no --quiet, not under CI. */
    static boolean wanted(boolean quiet) {
        java.io.Console console = System.console();
        return !quiet && console != null && console.isTerminal() && System.getenv("CI") == null;
    }

    void startFile(Path file, CaptureStats captureStats) {
        name = file.getFileName().toString();
        stats = captureStats;
        startNanos = System.nanoTime();
        try {
            fileSize = Files.size(file);
        } catch (java.io.IOException e) {
            fileSize = 0;
        }
    }

    void update() {
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        double fraction = fileSize == 0 ? 0 : Math.min(1.0, stats.fileBytesRead / (double) fileSize);
        int width = 30;
        int filled = (int) (fraction * width);
        double seconds = (now - startNanos) / 1e9;
        err.printf(
                "\r%s [%s%s] %3d%% %,d frames %.1f Mpps ",
                name,
                "#".repeat(filled),
                " ".repeat(width - filled),
                (int) (fraction * 100),
                stats.frames,
                seconds == 0 ? 0 : stats.frames / seconds / 1e6);
    }

    void done() {
        if (lastDraw != 0) {
            err.print("\r" + " ".repeat(100) + "\r");
        }
    }
}

package io.chargeflow.app;

import io.chargeflow.packet.LiveSource;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A live capture for {@code meter --interface}: the source, and what stops it. A timer stops it after the duration;
 * Ctrl-C (SIGINT or SIGTERM) stops it too, and the JVM's exit then waits until the run closed its sessions and wrote
 * its outputs (journal, usage, summary), so stopping a live meter loses no CDR.
 */
final class LiveCapture implements AutoCloseable {
    /** The longest an interrupted run may take to write its outputs before the JVM exits anyway. */
    private static final long EXIT_WAIT_SECONDS = 60;

    private final LiveSource source;
    private final Thread hook;
    private final Thread timer;
    private final CountDownLatch done = new CountDownLatch(1);

    private LiveCapture(LiveSource source, Duration duration) {
        this.source = source;
        this.hook = new Thread(
                () -> {
                    source.stop();
                    try {
                        done.await(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "chargeflow-live-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        this.timer = duration == null
                ? null
                : Thread.ofPlatform().daemon(true).name("chargeflow-live-timer").start(() -> {
                    try {
                        Thread.sleep(duration);
                        source.stop();
                    } catch (InterruptedException e) {
                        // the run ended first
                    }
                });
    }

    /** Opens the interfaces (a failure to open is the user's: named, one line). */
    static LiveCapture open(java.util.List<String> devices, LiveSource.Options options, Duration duration)
            throws IOException {
        try {
            return new LiveCapture(LiveSource.open(devices, options), duration);
        } catch (IOException e) {
            throw new UserException("--interface " + e.getMessage());
        }
    }

    LiveSource source() {
        return source;
    }

    /** The input a run reads: the source itself, which the run closes when it ends (its drop counters stay). */
    MeterRun.Input input() {
        return new MeterRun.Input(source.description(), null, () -> source);
    }

    /** Per interface, for the JSON summary: name, frames, kernel and interface drops, failures. */
    java.util.List<java.util.Map<String, Object>> summary() {
        java.util.List<java.util.Map<String, Object>> live = new java.util.ArrayList<>();
        for (int i = 0; i < source.interfaceCount(); i++) {
            java.util.Map<String, Object> entry = new java.util.LinkedHashMap<>();
            entry.put("interface", source.interfaceName(i));
            entry.put("frames", source.frames(i));
            entry.put("kernel_drops", source.drops(i));
            entry.put("interface_drops", source.interfaceDrops(i));
            entry.put("failure", source.failure(i));
            entry.put("losses", source.losses(i));
            entry.put("last_failure", source.lastFailure(i));
            live.add(entry);
        }
        return live;
    }

    /** The summary's {@code live:} line per interface. */
    void printSummary(java.io.PrintWriter err) {
        for (int i = 0; i < source.interfaceCount(); i++) {
            int losses = source.losses(i);
            err.printf(
                    "  live:         %,d frames from %s; dropped by the kernel %,d, by the interface %,d%s%n",
                    source.frames(i),
                    source.interfaceName(i),
                    source.drops(i),
                    source.interfaceDrops(i),
                    losses == 0
                            ? ""
                            : String.format(
                                    "; capture lost %d time%s (%s)%s",
                                    losses,
                                    losses == 1 ? "" : "s",
                                    source.lastFailure(i),
                                    source.failure(i) == null ? ", reopened" : ", down at the end"));
        }
    }

    /** Prints an error for each interface whose capture was down at the end; whether there was one. */
    boolean reportFailures(java.io.PrintWriter err) {
        boolean failed = false;
        for (int i = 0; i < source.interfaceCount(); i++) {
            if (source.failure(i) != null) {
                err.printf(
                        "chargeflow: error: the capture of %s failed and was down at the end: %s (its frames until"
                                + " then are charged)%n",
                        source.interfaceName(i), source.failure(i));
                failed = true;
            }
        }
        err.flush();
        return failed;
    }

    /** The run ended: outputs are written, an exit may go on. */
    @Override
    public void close() {
        if (timer != null) {
            timer.interrupt();
        }
        source.close();
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook is running and waits for the latch counted down above
        }
    }
}

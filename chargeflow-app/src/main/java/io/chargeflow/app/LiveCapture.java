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

    static LiveCapture open(
            java.util.List<String> devices,
            int snaplen,
            boolean promiscuous,
            long count,
            Duration duration,
            String filter,
            int bufferMiB,
            boolean reopen)
            throws IOException {
        try {
            LiveSource source = LiveSource.open(devices, snaplen, promiscuous, count, filter, bufferMiB);
            source.reopenFailed(reopen);
            return new LiveCapture(source, duration);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
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

package io.chargeflow.app;

import java.util.concurrent.locks.LockSupport;

/**
 * A daemon thread that runs an action every interval while a run goes on (the live status line, the usage
 * snapshots), on a fixed schedule from its start; {@link #close} stops it and waits for an action under way, so none
 * comes after.
 */
final class Ticker implements AutoCloseable {
    /** One tick; {@code elapsedNanos} since the ticker started. An interrupt ends the ticker. */
    interface Tick {
        void run(long elapsedNanos) throws InterruptedException;
    }

    private final Thread thread;
    private volatile boolean stopped;

    Ticker(String name, long everyNanos, Tick tick) {
        long t0 = System.nanoTime();
        thread = Thread.ofPlatform().daemon(true).name(name).start(() -> {
            long next = t0 + everyNanos;
            while (!stopped) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                    continue;
                }
                next += everyNanos;
                try {
                    tick.run(System.nanoTime() - t0);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Whether {@link #close} was called (a tick under way may check it before it writes). */
    boolean stopped() {
        return stopped;
    }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

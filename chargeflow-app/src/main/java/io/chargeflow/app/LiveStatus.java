package io.chargeflow.app;

import io.chargeflow.flow.FlowEngine;
import io.chargeflow.flow.Processor;
import io.chargeflow.packet.LiveSource;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The status line a live meter prints while it runs ({@code meter --interface ... --status-every 10s}): how long it
 * has run, frames captured and their rate since the last line, kernel drops, sessions open and closed, CDRs durable,
 * and the interfaces whose capture is down. A live run otherwise says nothing until it stops, which may be days. Its
 * own daemon thread reads counters the reader and processors keep (plain fields, read without locks: the figures are
 * approximate while the run goes on, exact in the summary at its end) and never calls into the capture's handles.
 */
final class LiveStatus implements AutoCloseable {
    private final PrintWriter out;
    private final long everyNanos;
    private final LiveSource source;
    /** CDRs durable in this run, or null without a journal. */
    private final LongSupplier cdrsDurable;

    private Thread thread;
    private volatile boolean stopped;

    LiveStatus(PrintWriter out, Duration every, LiveSource source, LongSupplier cdrsDurable) {
        this.out = out;
        this.everyNanos = every.toNanos();
        this.source = source;
        this.cdrsDurable = cdrsDurable;
    }

    /** Starts printing a line every interval about {@code engine}'s run. */
    void start(FlowEngine engine) {
        long t0 = System.nanoTime();
        thread = Thread.ofPlatform().daemon(true).name("chargeflow-live-status").start(() -> {
            long lastFrames = 0;
            long last = t0;
            long next = t0 + everyNanos;
            while (!stopped) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    continue;
                }
                long now = System.nanoTime();
                long frames = source.stats().frames;
                out.println(line(engine, now - t0, frames, (frames - lastFrames) * 1e9 / Math.max(1, now - last)));
                out.flush();
                lastFrames = frames;
                last = now;
                next += everyNanos;
            }
        });
    }

    private String line(FlowEngine engine, long elapsedNanos, long frames, double perSecond) {
        long open = 0;
        long closed = 0;
        for (Processor p : engine.processors()) {
            open += p.openSessions();
            closed += p.sessionsClosed();
        }
        StringBuilder s = new StringBuilder(160);
        s.append(String.format(
                "  live status:  %s, %,d frames (%,.0f/s), kernel drops %,d; sessions %,d open, %,d closed",
                clock(elapsedNanos), frames, perSecond, source.recentDrops(), open, closed));
        if (cdrsDurable != null) {
            s.append(String.format("; %,d CDRs durable", cdrsDurable.getAsLong()));
        }
        String down = null;
        for (int i = 0; i < source.interfaceCount(); i++) {
            if (source.failure(i) != null) {
                down = (down == null ? "" : down + ", ") + source.interfaceName(i);
            }
        }
        if (down != null) {
            s.append("; down: ").append(down);
        }
        return s.toString();
    }

    /** Elapsed time as h:mm:ss. */
    static String clock(long nanos) {
        long seconds = nanos / 1_000_000_000L;
        return String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    @Override
    public void close() {
        stopped = true;
        if (thread != null) {
            java.util.concurrent.locks.LockSupport.unpark(thread);
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

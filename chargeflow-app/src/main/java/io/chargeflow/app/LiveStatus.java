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

    private Ticker ticker;

    LiveStatus(PrintWriter out, Duration every, LiveSource source, LongSupplier cdrsDurable) {
        this.out = out;
        this.everyNanos = every.toNanos();
        this.source = source;
        this.cdrsDurable = cdrsDurable;
    }

    /** Starts printing a line every interval about {@code engine}'s run. */
    void start(FlowEngine engine) {
        long[] last = {0, 0}; // frames and elapsed time at the last line
        ticker = new Ticker("chargeflow-live-status", everyNanos, elapsed -> {
            long frames = source.stats().frames;
            out.println(line(engine, elapsed, frames, (frames - last[0]) * 1e9 / Math.max(1, elapsed - last[1])));
            out.flush();
            last[0] = frames;
            last[1] = elapsed;
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
        if (ticker != null) {
            ticker.close();
        }
    }
}

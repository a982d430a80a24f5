package io.chargeflow.app;

import io.chargeflow.flow.FlowEngine;
import io.chargeflow.flow.UsageSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Rewrites the usage CSV while a run goes on ({@code meter --usage-every 1m}): each key's totals so far, its open
 * session's usage included ({@link FlowEngine#snapshotUsage}), replaced in one step so a reader never sees half a
 * file. A live run may last days; without it the CSV is written only when the run ends. Its own daemon thread; the
 * processors pause only to copy their tables (about a millisecond per 100,000 keys), the sorting and writing happen
 * here. A write that fails is said once on stderr and tried again at the next interval; the final CSV at the end of
 * the run is written as always.
 */
final class UsageSnapshots implements AutoCloseable {
    /** How long a snapshot waits for the processors' copies (they answer between two records). */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final Path out;
    private final long everyNanos;
    private final int ipv6PrefixLength;
    private final boolean withIdentity;
    private final PrintWriter err;

    private volatile Ticker ticker;
    private volatile long written;
    private String lastProblem;

    UsageSnapshots(Path out, Duration every, int ipv6PrefixLength, boolean withIdentity, PrintWriter err) {
        this.out = out;
        this.everyNanos = every.toNanos();
        this.ipv6PrefixLength = ipv6PrefixLength;
        this.withIdentity = withIdentity;
        this.err = err;
    }

    /** Starts writing a snapshot of {@code engine}'s run every interval. */
    void start(FlowEngine engine) {
        ticker = new Ticker("chargeflow-usage-snapshots", everyNanos, elapsed -> {
            try {
                UsageSnapshot snapshot = engine.snapshotUsage(ANSWER_TIMEOUT);
                Ticker running = ticker;
                if (snapshot == null || running == null || running.stopped()) {
                    return;
                }
                Reports.writeUsageCsv(out, snapshot::forEachKey, ipv6PrefixLength, withIdentity);
                written++;
                lastProblem = null;
            } catch (IOException | RuntimeException e) {
                String problem = "usage snapshot: cannot write " + out + ": " + e.getMessage();
                if (!problem.equals(lastProblem)) {
                    synchronized (err) {
                        err.println("chargeflow: " + problem + " (tried again at the next interval)");
                        err.flush();
                    }
                    lastProblem = problem;
                }
            }
        });
    }

    /** Snapshots written so far. */
    long written() {
        return written;
    }

    /** Stops the snapshots (before the run's final CSV is written, so that none comes after it). */
    @Override
    public void close() {
        if (ticker != null) {
            ticker.close();
        }
    }
}

package io.chargeflow.flow;

import io.chargeflow.flow.internal.RecordRing;
import io.chargeflow.packet.CaptureSource;
import io.chargeflow.packet.FrameHandler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Wires a {@link FlowManager} to N {@link Processor} threads and runs capture sources through them.
 *
 * <p>Life cycle, on one control thread: {@link #start()}, {@link #read(CaptureSource)} for each source (the calling
 * thread becomes the reader), {@link #finish()} (end of input: processors drain their rings, wait for outstanding
 * directory answers, close every session and stop). Other threads may {@link #closeSession} at any time, e.g. when a
 * binding changes; the request travels on the owning processor's queue.
 */
public final class FlowEngine implements AutoCloseable {
    private static final int READ_BATCH = 1024;

    private final FlowContext context;
    private final RecordRing[] rings;
    private final Processor[] processors;
    private final Thread[] threads;
    private final FlowManager flowManager;
    private long startNanos;
    private long readNanos;
    private boolean started;
    private boolean finished;

    public FlowEngine(FlowContext context) {
        this.context = Objects.requireNonNull(context, "context");
        int n = context.processors();
        rings = new RecordRing[n];
        processors = new Processor[n];
        threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            rings[i] = new RecordRing(context.ringCapacity());
            processors[i] = new Processor(i, rings[i], context);
        }
        flowManager = new FlowManager(context, rings, processors);
    }

    /** Starts the processor threads. */
    public void start() {
        if (started) {
            throw new IllegalStateException("engine already started");
        }
        started = true;
        startNanos = System.nanoTime();
        for (int i = 0; i < processors.length; i++) {
            threads[i] = Thread.ofPlatform()
                    .name("chargeflow-processor-" + i)
                    .daemon(true)
                    .start(processors[i]);
        }
    }

    /**
     * Reads a capture source to its end on the calling thread. A {@link io.chargeflow.packet.CaptureFormatException}
     * is thrown after every good frame before the damage was charged.
     */
    public void read(CaptureSource source) throws IOException {
        read(source, null);
    }

    /** As {@link #read(CaptureSource)}, calling {@code progress} (may be null) after each batch of frames. */
    public void read(CaptureSource source, Runnable progress) throws IOException {
        if (!started || finished) {
            throw new IllegalStateException("engine not running");
        }
        long t0 = System.nanoTime();
        FrameHandler frames = flowManager.onSource(source);
        for (Processor p : processors) {
            p.liveInput(source.isLive());
        }
        try {
            int read;
            while ((read = source.read(frames, READ_BATCH)) != CaptureSource.END_OF_INPUT) {
                if (read == 0 && source.isLive()) {
                    // a quiet interface: packet time follows the clock, so idle sessions still time out; it stays
                    // behind by the longest a frame can still be on its way
                    java.time.Instant now = java.time.Instant.now();
                    flowManager.advanceTime(
                            now.getEpochSecond() * 1_000_000_000L + now.getNano() - source.deliveryDelayNs());
                }
                flowManager.flush();
                if (progress != null) {
                    progress.run();
                }
            }
        } finally {
            flowManager.flush();
            readNanos += System.nanoTime() - t0;
        }
    }

    /**
     * For benchmarks: meters a source with the reader and the processors apart. The whole source is read into the
     * rings first, with no processor running, then each processor meters its ring alone on the calling thread, one
     * after another, and closes its sessions. Returns each processor's CPU nanoseconds, then the reader's (index
     * {@code processors}), -1 where the JVM cannot tell.
     * Nothing else competes with a processor for the core or its caches, so the figures move far less between runs
     * than those of a threaded run on a shared machine. The rings must hold every record of the source: a full ring
     * fails the read (its capacity is named) instead of waiting for a processor that is not running.
     */
    public long[] readThenProcess(CaptureSource source) throws IOException {
        if (started) {
            throw new IllegalStateException("engine already started");
        }
        started = true;
        finished = true;
        startNanos = System.nanoTime();
        flowManager.isolate();
        FrameHandler frames = flowManager.onSource(source);
        long t0 = System.nanoTime();
        long readCpu0 = Processor.threadCpuNanos();
        try {
            while (source.read(frames, READ_BATCH) != CaptureSource.END_OF_INPUT) {
                flowManager.flush();
            }
        } finally {
            flowManager.flush();
            readNanos += System.nanoTime() - t0;
        }
        for (RecordRing ring : rings) {
            ring.producerDone();
        }
        long readCpu1 = Processor.threadCpuNanos();
        long[] cpu = new long[processors.length + 1];
        cpu[processors.length] = readCpu0 < 0 || readCpu1 < 0 ? -1 : readCpu1 - readCpu0;
        for (int i = 0; i < processors.length; i++) {
            long c0 = Processor.threadCpuNanos();
            processors[i].run();
            long c1 = Processor.threadCpuNanos();
            if (processors[i].failure() != null) {
                throw new IllegalStateException("processor " + i + " failed", processors[i].failure());
            }
            cpu[i] = c0 < 0 || c1 < 0 ? -1 : c1 - c0;
        }
        return cpu;
    }

    /**
     * Closes the sessions of every key inside a prefix (any thread): a binding of an address, or of an IPv6 prefix
     * that may be shorter than the subscriber keys (a delegated /56 holds many /64 keys), ended or changed. A prefix
     * at least as long as the keys names one key and goes to its processor; a shorter one goes to every processor.
     */
    public void closeSessions(long hi, long lo, int prefixLength, CloseCause cause, long atTimeMs) {
        int keyLength = context.ipv6PrefixLength();
        if (SubscriberKeys.isIpv4(hi, lo) || prefixLength >= keyLength) {
            long keyHi = SubscriberKeys.isIpv4(hi, lo) ? hi : SubscriberKeys.maskHi(hi, keyLength);
            long keyLo = SubscriberKeys.isIpv4(hi, lo) ? lo : SubscriberKeys.maskLo(lo, keyLength);
            closeSession(keyHi, keyLo, cause, atTimeMs);
            return;
        }
        for (Processor processor : processors) {
            processor.post(new Processor.CloseRequest(hi, lo, prefixLength, cause, atTimeMs));
        }
    }

    /** Asks the processor that owns the key to close its session (any thread). */
    public void closeSession(long keyHi, long keyLo, CloseCause cause, long atTimeMs) {
        processors[SubscriberKeys.processorOf(keyHi, keyLo, processors.length)].post(
                new Processor.CloseRequest(keyHi, keyLo, 128, cause, atTimeMs));
    }

    /**
     * Ends the input: every processor drains its ring, closes its sessions and stops. Throws when a processor
     * failed, naming it.
     */
    public void finish() throws InterruptedException {
        if (finished) {
            return;
        }
        finished = true;
        for (RecordRing ring : rings) {
            ring.producerDone();
        }
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < threads.length; i++) {
            if (threads[i] != null) {
                threads[i].join();
            }
            if (processors[i].failure() != null) {
                failures.add("processor " + i + ": " + processors[i].failure());
            }
        }
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException(String.join("; ", failures));
            for (Processor processor : processors) {
                if (processor.failure() != null) {
                    failure.addSuppressed(processor.failure());
                }
            }
            throw failure;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (started) {
            finish();
        }
    }

    public FlowContext context() {
        return context;
    }

    public FlowManager flowManager() {
        return flowManager;
    }

    public List<Processor> processors() {
        return List.of(processors);
    }

    /**
     * Visits every subscriber key of the run in key order (IPv4 first, then IPv6, each by address), merging the
     * processors' tables without copying them. After {@link #finish()}.
     */
    public void forEachSubscriber(Processor.KeyVisitor visitor) {
        KeyTable.merge(processors, visitor);
    }

    /**
     * Every key's totals as of now, while the run goes on (any thread): each processor copies its table between two of
     * its records (see {@link UsageSnapshot}). Returns null when a processor does not answer within {@code timeout}, or
     * has finished (the run is ending: its final figures come from {@link #forEachSubscriber}).
     */
    public UsageSnapshot snapshotUsage(java.time.Duration timeout) throws InterruptedException {
        int n = processors.length;
        @SuppressWarnings("unchecked")
        java.util.concurrent.CompletableFuture<UsageSnapshot.Part>[] replies =
                new java.util.concurrent.CompletableFuture[n];
        for (int i = 0; i < n; i++) {
            replies[i] = new java.util.concurrent.CompletableFuture<>();
            processors[i].post(new Processor.UsageRequest(replies[i]));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        UsageSnapshot.Part[] parts = new UsageSnapshot.Part[n];
        for (int i = 0; i < n; i++) {
            while (parts[i] == null) {
                try {
                    parts[i] = replies[i].get(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    if (processors[i].isFinished() || processors[i].failure() != null || System.nanoTime() > deadline) {
                        return null;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("processor " + i + " failed to copy its usage", e.getCause());
                }
            }
        }
        return new UsageSnapshot(parts);
    }

    /** Number of distinct subscriber keys seen. After {@link #finish()}. */
    public long subscriberKeys() {
        long keys = 0;
        for (Processor p : processors) {
            keys += p.keys();
        }
        return keys;
    }

    /** The ring of processor {@code i}: for benchmarks and tests that drive a processor without the reader. */
    public RecordRing ring(int i) {
        return rings[i];
    }

    /** Wall time since {@link #start()}. */
    public long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    /** Wall time spent in {@link #read}. */
    public long readNanos() {
        return readNanos;
    }
}

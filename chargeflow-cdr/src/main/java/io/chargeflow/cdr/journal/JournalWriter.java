package io.chargeflow.cdr.journal;

import static io.chargeflow.cdr.journal.JournalDescriptor.FRAME_HEADER_LENGTH;
import static io.chargeflow.cdr.journal.JournalDescriptor.MAX_PAYLOAD_LENGTH;
import static io.chargeflow.cdr.journal.JournalDescriptor.SEGMENT_HEADER_LENGTH;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The single journal writer: owns the journal directory, one thread ({@code chargeflow-journal}) that drains the
 * record queue in batches, frames each record (length, CRC32C, sequence, type), writes the batch, fsyncs it once
 * (group commit) and only then acknowledges its records through the {@link AckListener} and
 * {@link #durableSequence()}. Processors (any thread) call {@link #offer}; the sequence, and so a CDR's
 * localSequenceNumber, is assigned on the writer thread, which keeps it gap-free across processors and crashes.
 *
 * <p>{@link #open} first recovers the directory: a torn tail is truncated to the last good record and reported in
 * {@link #recovery()}; damage in the middle makes {@code open} fail with {@link JournalCorruptedException}. Segments
 * rotate by size and by age; a new segment's header and directory entry are fsynced before any record goes in.
 * An I/O error stops the writer: nothing after the last fsync is acknowledged and {@link #offer} fails fast.
 */
public final class JournalWriter implements AutoCloseable {
    private static final int WRITE_BUFFER_BYTES = 4 << 20;

    private final JournalContext context;
    private final ArrayBlockingQueue<Entry> queue;
    private final RecoveryReport recovery;
    private final ByteBuffer writeBuffer =
            ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private final List<Entry> batch;
    private final Thread thread;
    private FileChannel channel;
    private long segmentBytes;
    private long segmentCreatedMs;
    private long lastSequence;
    private final java.util.concurrent.atomic.AtomicLong offered = new java.util.concurrent.atomic.AtomicLong();
    private volatile long durableSequence;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private long batches;

    /**
     * One record ({@code count} 0: {@code payload} is the record), or {@code count} records handed over together
     * ({@link #appendBatch}: each a four-byte little-endian length and its payload, back to back).
     */
    private record Entry(
            byte type,
            byte[] payload,
            Object attachment,
            int count,
            int length,
            java.util.function.Consumer<byte[]> recycle) {
        Entry(byte type, byte[] payload, Object attachment) {
            this(type, payload, attachment, 0, payload.length, null);
        }

        int records() {
            return count == 0 ? 1 : count;
        }
    }

    /** Bytes of payload that may wait for the writer (on top of the queue's entries): bounds a queue of batches. */
    static final long MAX_QUEUED_BYTES = 64L << 20;

    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
    /** The frame's header bytes the checksum covers (sequence, type, padding), little-endian. */
    private final byte[] checkedHeader = new byte[FRAME_HEADER_LENGTH - 8];

    /**
     * Runs in {@link #close} between stopping the writer and waking it: tests use it to let the writer end its loop
     * first (an interleaving a busy machine produces by chance).
     */
    Runnable beforeWake = () -> {};

    /** Runs on the writer thread before each batch is written: tests hold the writer back with it. */
    Runnable beforeWrite = () -> {};

    /** Put on the queue by {@link #close} to wake an idle writer at once; never written. */
    private static final Entry WAKE = new Entry((byte) 0, new byte[0], null);
    /** The longest an idle writer waits for a record before it looks at the segment's age again. */
    private static final long IDLE_WAIT_MS = 1_000;

    private volatile long idleWakeups;
    /** The journal directory's lock, held while the writer is open: one writer at a time. */
    private final DirectoryLock lock;

    /** The file in a journal directory whose lock its writer holds. */
    public static final String LOCK_FILE = "journal.lock";

    private JournalWriter(JournalContext context, RecoveryReport recovery, DirectoryLock lock) {
        this.context = context;
        this.lock = lock;
        this.queue = new ArrayBlockingQueue<>(context.queueCapacity());
        this.batch = new ArrayList<>(context.maxBatch());
        this.recovery = recovery;
        this.lastSequence = recovery.lastSequence();
        this.durableSequence = lastSequence;
        this.thread =
                Thread.ofPlatform().name("chargeflow-journal").daemon(true).unstarted(this::run);
    }

    /**
     * Locks {@code context.dir()} (another writer holding it fails this with {@link DirectoryLock.InUseException}),
     * recovers it and starts the writer thread.
     */
    public static JournalWriter open(JournalContext context) {
        DirectoryLock lock = DirectoryLock.acquire(context.dir(), LOCK_FILE, "journal writer");
        try {
            identity(context.dir());
            RecoveryReport report = recover(context.dir());
            JournalWriter writer = new JournalWriter(context, report, lock);
            writer.openLastSegment();
            writer.thread.start();
            return writer;
        } catch (IOException e) {
            lock.close();
            throw new UncheckedIOException("cannot open journal dir=" + context.dir(), e);
        } catch (RuntimeException | Error e) {
            lock.close();
            throw e;
        }
    }

    /** The file naming a journal: a random identity made with the journal, so an export directory names its journal. */
    public static final String ID_FILE = "journal.id";

    /**
     * The journal's identity (its {@link #ID_FILE}), made (and made durable) when the journal has none: a journal
     * written before identities were kept gets one at its next open.
     */
    public static String identity(Path dir) throws IOException {
        String id = existingIdentity(dir);
        if (id == null) {
            id = java.util.UUID.randomUUID().toString();
            DurableFiles.replace(dir.resolve(ID_FILE), id + "\n");
        }
        return id;
    }

    /** The journal's identity, or null when it has none yet (read only). */
    public static String existingIdentity(Path dir) throws IOException {
        Path file = dir.resolve(ID_FILE);
        return Files.exists(file)
                ? Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII)
                        .trim()
                : null;
    }

    /** Scans the journal, truncates a torn tail; fails on damage in the middle. */
    static RecoveryReport recover(Path dir) throws IOException {
        long start = System.nanoTime();
        ScanReport scan = JournalScanner.scan(dir, 1, false, (s, t, p, f, o) -> true);
        if (scan.hasMiddleDamage()) {
            throw new JournalCorruptedException(
                    scan.damages().stream().filter(d -> !d.tornTail()).toList());
        }
        JournalDamage tail = scan.tornTail();
        long cut = 0;
        if (tail != null) {
            Path file = tail.file();
            long size = Files.size(file);
            if (tail.offset() == 0) {
                // The segment's header never became durable: the crash hit while rotating, nothing is in it.
                Files.delete(file);
                DurableFiles.fsyncDirectory(dir);
                cut = size;
            } else {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(scan.lastSegmentValidEnd());
                    ch.force(true);
                }
                cut = size - scan.lastSegmentValidEnd();
            }
        }
        return new RecoveryReport(
                scan.segments().size(), scan.frames(), scan.lastSequence(), tail, cut, System.nanoTime() - start);
    }

    /** What recovery found and truncated when this writer opened. */
    public RecoveryReport recovery() {
        return recovery;
    }

    /**
     * Hands a record to the writer thread; returns false when the queue is full (back pressure: retry or slow
     * down). Callable from any thread. {@code payload} must not be changed afterwards.
     */
    public boolean offer(byte type, byte[] payload, Object attachment) {
        checkOffer(payload);
        if (queuedBytes.get() > MAX_QUEUED_BYTES) {
            return false;
        }
        queuedBytes.addAndGet(payload.length);
        if (queue.offer(new Entry(type, payload, attachment))) {
            offered.incrementAndGet();
            return true;
        }
        queuedBytes.addAndGet(-payload.length);
        return false;
    }

    /** Like {@link #offer} but waits while the queue is full (a file reader that must not drop). */
    public void append(byte type, byte[] payload, Object attachment) throws InterruptedException {
        checkOffer(payload);
        enqueue(new Entry(type, payload, attachment));
    }

    /**
     * Hands {@code count} records to the writer in one entry, waiting while the queue is full: bytes {@code [0,
     * length)} of {@code records} hold each as a four-byte little-endian length and its payload, back to back. They
     * take consecutive sequences, as {@code count} calls of {@link #append} from one thread would. The attachment of
     * each (for the {@link AckListener}) is a copy of its payload, made only when the journal has a listener. The
     * array must not be changed until the writer gives it to {@code recycle} (on the writer thread, once the records
     * are durable and acknowledged; null: never given back).
     */
    public void appendBatch(
            byte type, byte[] records, int length, int count, java.util.function.Consumer<byte[]> recycle)
            throws InterruptedException {
        checkFailure();
        if (!running) {
            throw new IllegalStateException("journal dir=" + context.dir() + " is closed");
        }
        if (length < 0 || length > records.length) {
            throw new IllegalArgumentException("batch length=" + length + " outside its array of " + records.length);
        }
        int at = 0;
        for (int i = 0; i < count; i++) {
            if (at + 4 > length) {
                throw new IllegalArgumentException("batch of " + count + " records ends after " + i);
            }
            int payloadLength = lengthAt(records, at);
            if (payloadLength < 0 || payloadLength > MAX_PAYLOAD_LENGTH || at + 4 + payloadLength > length) {
                throw new IllegalArgumentException("record " + i + " of the batch has payloadLength=" + payloadLength);
            }
            at += 4 + payloadLength;
        }
        if (count > 0) {
            enqueue(new Entry(type, records, null, count, length, recycle));
        }
    }

    private void enqueue(Entry entry) throws InterruptedException {
        int bytes = entry.length;
        // waits while what is queued is over the bound (one entry is let in whatever its size: it cannot wait for less)
        while (queuedBytes.get() > 0 && queuedBytes.get() + bytes > MAX_QUEUED_BYTES) {
            checkFailure();
            if (!running) {
                throw new IllegalStateException("journal dir=" + context.dir() + " is closed");
            }
            Thread.sleep(1);
        }
        queuedBytes.addAndGet(bytes);
        while (!queue.offer(entry, 10, TimeUnit.MILLISECONDS)) {
            checkFailure();
            if (!running) {
                queuedBytes.addAndGet(-bytes);
                throw new IllegalStateException("journal dir=" + context.dir() + " is closed");
            }
        }
        offered.addAndGet(entry.records());
    }

    private static int lengthAt(byte[] records, int at) {
        return (records[at] & 0xFF)
                | (records[at + 1] & 0xFF) << 8
                | (records[at + 2] & 0xFF) << 16
                | (records[at + 3] & 0xFF) << 24;
    }

    /** The sequence of the last record known to be fsynced; readers and exporters must not go beyond it. */
    public long durableSequence() {
        return durableSequence;
    }

    /** Waits until the writer thread has ended (tests; see {@link #beforeWake}). */
    void awaitWriterThread() throws InterruptedException {
        thread.join();
    }

    /** Times the writer woke with nothing to write (about once a second while idle). */
    public long idleWakeups() {
        return idleWakeups;
    }

    /** Batches (fsyncs) done so far. */
    public long batches() {
        return batches;
    }

    /** Waits until every record offered before this call is durable (or the writer failed). */
    public void sync() throws InterruptedException {
        long target = recovery.lastSequence() + offered.get();
        while (durableSequence < target) {
            checkFailure();
            Thread.sleep(0, 100_000);
        }
        checkFailure();
    }

    /** Drains the queue, fsyncs and stops the writer thread. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        beforeWake.run();
        // an idle writer waits up to a second for a record: wake it (a full queue keeps it busy anyway)
        queue.offer(WAKE);
        thread.join();
        lock.close();
        checkFailure();
        // the writer may have ended its loop before the wake-up came (it saw running false and an empty queue): the
        // wake-up is still queued then, and is no record
        queue.removeIf(e -> e == WAKE);
        if (!queue.isEmpty()) {
            // offered concurrently with close, after the writer's last drain: say so rather than lose them quietly
            throw new IllegalStateException("records=" + queue.size() + " were offered while journal dir="
                    + context.dir() + " was closing and were not written");
        }
    }

    private void checkOffer(byte[] payload) {
        if (payload.length > MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("payloadLength=" + payload.length + " exceeds " + MAX_PAYLOAD_LENGTH);
        }
        checkFailure();
        if (!running) {
            throw new IllegalStateException("journal dir=" + context.dir() + " is closed");
        }
    }

    private void checkFailure() {
        Throwable f = failure;
        if (f != null) {
            throw new IllegalStateException("journal writer failed dir=" + context.dir() + ": " + f, f);
        }
    }

    private void run() {
        try {
            while (running || !queue.isEmpty()) {
                // idle, the writer sleeps until a record comes, the segment's age is due or close wakes it (it polled
                // every millisecond: a thousand wake-ups a second of a journal with nothing to write)
                Entry first = queue.poll(idleWaitMs(), TimeUnit.MILLISECONDS);
                if (first == null || first == WAKE) {
                    idleWakeups++;
                    rotateByAgeIfDue();
                    continue;
                }
                collectBatch(first);
                if (!batch.isEmpty()) {
                    beforeWrite.run();
                    writeBatch();
                }
            }
            if (channel != null) {
                channel.force(false);
                channel.close();
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } catch (InterruptedException e) {
            failure = e;
            Thread.currentThread().interrupt();
        }
    }

    private void collectBatch(Entry first) throws InterruptedException {
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, context.maxBatch() - 1);
        long window = context.commitWindowNanos();
        if (window > 0) {
            long deadline = System.nanoTime() + window;
            while (batch.size() < context.maxBatch()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Entry next = queue.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    break;
                }
                batch.add(next);
                queue.drainTo(batch, context.maxBatch() - batch.size());
            }
        }
        // close's wake-up may have been drained with the records: it is not one
        batch.removeIf(e -> e == WAKE);
    }

    private void writeBatch() throws IOException {
        rotateByAgeIfDue();
        long firstInBatch = lastSequence + 1;
        long bytes = 0;
        for (int i = 0; i < batch.size(); i++) {
            Entry e = batch.get(i);
            bytes += e.length;
            if (e.count == 0) {
                writeFrame(e.type, e.payload, 0, e.payload.length);
            } else {
                for (int r = 0, at = 0; r < e.count; r++) {
                    int length = lengthAt(e.payload, at);
                    writeFrame(e.type, e.payload, at + 4, length);
                    at += 4 + length;
                }
            }
        }
        flushBuffer();
        channel.force(false);
        batches++;
        durableSequence = lastSequence;
        queuedBytes.addAndGet(-bytes);
        AckListener listener = context.ackListener();
        long sequence = firstInBatch;
        for (int i = 0; i < batch.size(); i++) {
            Entry e = batch.get(i);
            if (e.count == 0) {
                listener.onDurable(sequence++, e.type, e.attachment);
            } else {
                for (int r = 0, at = 0; r < e.count; r++) {
                    int length = lengthAt(e.payload, at);
                    Object attachment = listener == AckListener.NONE
                            ? null
                            : java.util.Arrays.copyOfRange(e.payload, at + 4, at + 4 + length);
                    listener.onDurable(sequence++, e.type, attachment);
                    at += 4 + length;
                }
                if (e.recycle != null) {
                    e.recycle.accept(e.payload);
                }
            }
        }
        batch.clear();
    }

    /** Frames one record ({@code length} bytes of {@code src} from {@code offset}) under the next sequence. */
    private void writeFrame(byte type, byte[] src, int offset, int length) throws IOException {
        int frameLength = FRAME_HEADER_LENGTH + length;
        int aligned = JournalDescriptor.alignedLength(frameLength);
        if (segmentBytes + writeBuffer.position() + aligned > context.segmentSizeBytes()
                && segmentBytes + writeBuffer.position() > SEGMENT_HEADER_LENGTH) {
            flushBuffer();
            rotate();
        }
        if (writeBuffer.remaining() < aligned) {
            flushBuffer();
        }
        putFrame(++lastSequence, type, src, offset, length, aligned);
    }

    private void putFrame(long sequence, byte type, byte[] src, int offset, int length, int aligned) {
        int frameLength = FRAME_HEADER_LENGTH + length;
        byte[] h = checkedHeader;
        for (int b = 0; b < 8; b++) {
            h[b] = (byte) (sequence >>> (8 * b));
        }
        h[8] = type;
        // the checksum covers the frame from the sequence on: these header bytes, then the payload
        crc.reset();
        crc.update(h, 0, h.length);
        crc.update(src, offset, length);
        writeBuffer.putInt(frameLength).putInt((int) crc.getValue()).put(h).put(src, offset, length);
        for (int pad = frameLength; pad < aligned; pad++) {
            writeBuffer.put((byte) 0);
        }
    }

    private void flushBuffer() throws IOException {
        writeBuffer.flip();
        while (writeBuffer.hasRemaining()) {
            segmentBytes += channel.write(writeBuffer);
        }
        writeBuffer.clear();
    }

    /** How long an idle writer may wait: until the current segment is due to rotate by age, at most a second. */
    private long idleWaitMs() {
        if (context.segmentMaxAgeMs() > 0 && segmentBytes > SEGMENT_HEADER_LENGTH) {
            long due = segmentCreatedMs
                    + context.segmentMaxAgeMs()
                    - context.clockMs().getAsLong();
            return Math.max(1, Math.min(IDLE_WAIT_MS, due));
        }
        return IDLE_WAIT_MS;
    }

    private void rotateByAgeIfDue() throws IOException {
        if (context.segmentMaxAgeMs() > 0
                && segmentBytes > SEGMENT_HEADER_LENGTH
                && context.clockMs().getAsLong() - segmentCreatedMs >= context.segmentMaxAgeMs()) {
            rotate();
        }
    }

    private void openLastSegment() throws IOException {
        List<Path> segments = JournalScanner.segments(context.dir());
        if (segments.isEmpty()) {
            createSegment();
            return;
        }
        Path last = segments.getLast();
        channel = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.READ);
        segmentBytes = channel.size();
        channel.position(segmentBytes);
        ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(header, 0);
        segmentCreatedMs = header.getLong(16);
    }

    private void rotate() throws IOException {
        channel.force(false);
        channel.close();
        createSegment();
    }

    private void createSegment() throws IOException {
        long first = lastSequence + 1;
        Path file = context.dir().resolve(JournalDescriptor.segmentName(first));
        long now = context.clockMs().getAsLong();
        channel = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
        ByteBuffer header = JournalDescriptor.segmentHeader(first, now);
        while (header.hasRemaining()) {
            channel.write(header);
        }
        channel.force(true);
        DurableFiles.fsyncDirectory(context.dir());
        segmentBytes = SEGMENT_HEADER_LENGTH;
        segmentCreatedMs = now;
    }
}

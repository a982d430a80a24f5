package io.chargeflow.subscriber.radius;

import io.chargeflow.subscriber.AccountingEvent;
import io.chargeflow.subscriber.StoreUnavailableException;
import io.chargeflow.subscriber.SubscriberStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RADIUS accounting listener (RFC 2866, RFC 2869): receives Accounting-Requests on one UDP socket, checks the
 * client, the Request Authenticator and any Message-Authenticator, stores the bindings and answers each request
 * only after the transaction that stored it has committed. Two threads: the receive thread decodes and
 * authenticates, the storage thread applies requests in batches (one transaction per batch: group commit) and then
 * sends the responses. A retransmission (same client, Identifier and Request Authenticator) is answered again from
 * a window of recent responses without being applied twice. Bad datagrams are counted by {@link RadiusDropReason}
 * and logged once per source and reason; they are never answered. While the database cannot store, nothing is
 * answered, so NASes retransmit and nothing is lost. Stops and Accounting-On/Off reach the flow side through the
 * store's {@code BindingListener}s, on the storage thread. Started and stopped by the wiring thread.
 *
 * <p>Plain {@link DatagramChannel}, not Netty: one socket, one reader, blocking I/O; the storage thread, not the
 * socket, is the bottleneck, and the module then needs no event loop or native transport.
 */
public final class RadiusAccountingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RadiusAccountingServer.class);
    private static final int MAX_LOGGED_PAIRS = 10_000;
    /** Bounds the retransmission window's memory (~200 bytes an entry) at full rate; the oldest go first. */
    private static final int MAX_RECENT = 262_144;

    private final SubscriberStore store;
    private final Map<InetAddress, byte[]> clients;
    private final boolean createUnknown;
    private final int maxBatch;
    private final long windowMs;
    private final LongSupplier clockMs;
    private final BlockingQueue<Pending> queue;
    private final Map<RequestKey, byte[]> recent = new ConcurrentHashMap<>();
    private final ArrayDeque<Answered> recentOrder = new ArrayDeque<>();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();
    private final AtomicLongArray drops = new AtomicLongArray(RadiusDropReason.values().length);
    private final LongAdder answered = new LongAdder();
    private final LongAdder retransmissionsAnswered = new LongAdder();
    private final LongAdder withoutSubscriber = new LongAdder();
    private final DatagramChannel channel;
    private final Thread receiver;
    private final Thread storer;
    private volatile boolean running = true;

    private record RequestKey(InetAddress client, int identifier, long authenticatorHi, long authenticatorLo) {}

    private record Pending(
            RequestKey key, InetSocketAddress source, byte[] request, byte[] secret, AccountingEvent e) {}

    private record Answered(RequestKey key, long atMs) {}

    private static final byte[] IN_FLIGHT = new byte[0];

    private RadiusAccountingServer(SubscriberStore store, RadiusContext context, DatagramChannel channel) {
        this.store = store;
        this.clients = context.clients();
        this.createUnknown = context.createUnknownSubscribers();
        this.maxBatch = context.maxBatch();
        this.windowMs = context.retransmissionWindowMs();
        this.clockMs = context.clockMs();
        this.queue = new ArrayBlockingQueue<>(context.queueCapacity());
        this.channel = channel;
        this.receiver = new Thread(this::receiveLoop, "chargeflow-radius-receive");
        this.storer = new Thread(this::storeLoop, "chargeflow-radius-store");
    }

    /**
     * Binds the socket and starts both threads.
     *
     * @throws IOException when the address cannot be bound
     */
    public static RadiusAccountingServer start(SubscriberStore store, RadiusContext context) throws IOException {
        if (store == null || context == null) {
            throw new IllegalArgumentException("store=" + store + " context=" + context + " are required");
        }
        if (context.clients().isEmpty()) {
            throw new IllegalArgumentException("clients=0: at least one --client ADDRESS=SECRET is required");
        }
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            channel.bind(context.listen());
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot listen on " + context.listen() + ": " + e.getMessage(), e);
        }
        RadiusAccountingServer server = new RadiusAccountingServer(store, context, channel);
        server.storer.start();
        server.receiver.start();
        LOG.info("RADIUS accounting listening on {} for {} client(s)", server.localAddress(), server.clients.size());
        return server;
    }

    /** The bound address (the real port when 0 was asked). */
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("socket closed", e);
        }
    }

    /** Datagrams dropped for {@code reason}. */
    public long dropped(RadiusDropReason reason) {
        return drops.get(reason.ordinal());
    }

    /** Every drop counter, for reports. */
    public Map<RadiusDropReason, Long> dropCounts() {
        Map<RadiusDropReason, Long> out = new EnumMap<>(RadiusDropReason.class);
        for (RadiusDropReason reason : RadiusDropReason.values()) {
            out.put(reason, drops.get(reason.ordinal()));
        }
        return out;
    }

    /** Requests stored and answered (first answers only). */
    public long answered() {
        return answered.sum();
    }

    /** Retransmissions answered again from the window of recent responses. */
    public long retransmissionsAnswered() {
        return retransmissionsAnswered.sum();
    }

    /** Start/Interim requests that named no known subscriber (answered; nothing bound). */
    public long requestsWithoutSubscriber() {
        return withoutSubscriber.sum();
    }

    // ------------------------------------------------------------------ receive thread

    private void receiveLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(RadiusCodec.MAX_LENGTH + 1);
        RadiusCodec codec = new RadiusCodec();
        while (running) {
            buffer.clear();
            InetSocketAddress source;
            try {
                source = (InetSocketAddress) channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                logOnce("socket", "receive failed: " + e.getMessage());
                continue;
            }
            onDatagram(codec, buffer.array(), buffer.position(), source);
        }
    }

    private void onDatagram(RadiusCodec codec, byte[] p, int received, InetSocketAddress source) {
        InetAddress client = source.getAddress();
        byte[] secret = clients.get(client);
        if (secret == null) {
            drop(RadiusDropReason.UNKNOWN_CLIENT, client);
            return;
        }
        int length = RadiusCodec.framedLength(p, received);
        if (length < 0) {
            drop(RadiusDropReason.MALFORMED, client);
            return;
        }
        if ((p[0] & 0xFF) != RadiusCodec.CODE_ACCOUNTING_REQUEST) {
            drop(RadiusDropReason.UNEXPECTED_CODE, client);
            return;
        }
        if (!codec.requestAuthenticatorValid(p, length, secret)) {
            drop(RadiusDropReason.BAD_AUTHENTICATOR, client);
            return;
        }
        if (!codec.messageAuthenticatorValid(p, length, secret)) {
            drop(RadiusDropReason.BAD_MESSAGE_AUTHENTICATOR, client);
            return;
        }
        RequestKey key = new RequestKey(client, p[1] & 0xFF, longAt(p, 4), longAt(p, 12));
        byte[] previous = recent.putIfAbsent(key, IN_FLIGHT);
        if (previous != null) {
            onRetransmission(previous, source, client);
            return;
        }
        RadiusCodec.Decoded decoded = RadiusCodec.decode(p, length, client.getHostAddress(), clockMs.getAsLong());
        if (decoded == null) {
            recent.remove(key);
            drop(RadiusDropReason.INVALID_ATTRIBUTE, client);
            return;
        }
        byte[] request = java.util.Arrays.copyOf(p, length);
        if (!queue.offer(new Pending(key, source, request, secret, decoded.event()))) {
            recent.remove(key);
            drop(RadiusDropReason.QUEUE_FULL, client);
        }
    }

    private void onRetransmission(byte[] previous, InetSocketAddress source, InetAddress client) {
        if (previous == IN_FLIGHT) {
            drop(RadiusDropReason.RETRANSMISSION_IN_FLIGHT, client);
            return;
        }
        // counted before sending, so a counter read after the NAS got its answer includes it
        retransmissionsAnswered.increment();
        send(previous, source);
    }

    // ------------------------------------------------------------------ storage thread

    private void storeLoop() {
        RadiusCodec codec = new RadiusCodec();
        List<Pending> batch = new ArrayList<>(maxBatch);
        long backoffMs = 0;
        boolean outage = false;
        while (running || !queue.isEmpty()) {
            batch.clear();
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    expireRecent();
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                if (!running) {
                    continue;
                }
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch, maxBatch - 1);
            try {
                storeAndAnswer(codec, batch);
                backoffMs = 0;
                if (outage) {
                    outage = false;
                    LOG.info("subscriber database available again: RADIUS answers resume");
                }
            } catch (StoreUnavailableException e) {
                if (!outage) {
                    outage = true;
                    LOG.warn("cannot store accounting, not answering until the database is back: {}", e.getMessage());
                }
                backoffMs = backoffMs == 0 ? 50 : Math.min(2_000, backoffMs * 2);
                pause(backoffMs);
            } catch (RuntimeException e) {
                // a bug must not kill the listener: count, log once, leave the requests unanswered
                unanswered(batch, RadiusDropReason.STORE_REJECTED);
                logOnce("storage", "unexpected failure storing accounting: " + e);
            }
            expireRecent();
        }
    }

    private void storeAndAnswer(RadiusCodec codec, List<Pending> batch) {
        List<AccountingEvent> events = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            if (pending.e() != null) {
                events.add(pending.e());
            }
        }
        try {
            if (!events.isEmpty()) {
                withoutSubscriber.add(
                        store.applyAccounting(events, createUnknown).eventsWithoutSubscriber());
            }
        } catch (StoreUnavailableException e) {
            if (batch.size() == 1 || !store.isAvailable()) {
                unanswered(batch, RadiusDropReason.STORE_UNAVAILABLE);
                throw e;
            }
            // the database is up, so one request is poison: store the others one at a time
            storeOneByOne(codec, batch);
            return;
        }
        for (Pending pending : batch) {
            answer(codec, pending);
        }
    }

    private void storeOneByOne(RadiusCodec codec, List<Pending> batch) {
        for (Pending pending : batch) {
            try {
                if (pending.e() != null) {
                    withoutSubscriber.add(store.applyAccounting(List.of(pending.e()), createUnknown)
                            .eventsWithoutSubscriber());
                }
                answer(codec, pending);
            } catch (StoreUnavailableException e) {
                unanswered(List.of(pending), RadiusDropReason.STORE_REJECTED);
                logOnce(pending.key().client().getHostAddress() + " STORE_REJECTED", e.getMessage());
            }
        }
    }

    private void answer(RadiusCodec codec, Pending pending) {
        byte[] response = codec.response(pending.request(), pending.secret());
        recent.put(pending.key(), response);
        recentOrder.addLast(new Answered(pending.key(), clockMs.getAsLong()));
        answered.increment();
        send(response, pending.source());
    }

    private void unanswered(List<Pending> batch, RadiusDropReason reason) {
        for (Pending pending : batch) {
            recent.remove(pending.key());
            drops.incrementAndGet(reason.ordinal());
        }
    }

    private void expireRecent() {
        long oldest = clockMs.getAsLong() - windowMs;
        while (!recentOrder.isEmpty()
                && (recentOrder.peekFirst().atMs() <= oldest || recentOrder.size() > MAX_RECENT)) {
            recent.remove(recentOrder.pollFirst().key());
        }
    }

    private void send(byte[] response, InetSocketAddress to) {
        try {
            channel.send(ByteBuffer.wrap(response), to);
        } catch (IOException e) {
            logOnce(to.getAddress().getHostAddress() + " send", "cannot send Accounting-Response: " + e.getMessage());
        }
    }

    private void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            if (running) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ common

    private void drop(RadiusDropReason reason, InetAddress client) {
        drops.incrementAndGet(reason.ordinal());
        logOnce(client.getHostAddress() + " " + reason, "dropped a datagram from " + client.getHostAddress());
    }

    private void logOnce(String pair, String message) {
        if (logged.size() < MAX_LOGGED_PAIRS && logged.add(pair)) {
            LOG.warn("{} ({}; further ones are only counted)", message, pair);
        }
    }

    private static long longAt(byte[] p, int at) {
        return ((long) RadiusCodec.readInt(p, at) << 32) | (RadiusCodec.readInt(p, at + 4) & 0xFFFF_FFFFL);
    }

    /**
     * Stores and answers what is already queued, then closes the socket and stops both threads. Idempotent; any thread.
     */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        // the storage thread answers what is queued while the socket is still open, then the socket closes
        join(storer);
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("closing the RADIUS socket: {}", e.getMessage());
        }
        join(receiver);
        LOG.info(
                "RADIUS accounting stopped: {} answered, {} retransmissions answered, drops {}",
                answered(),
                retransmissionsAnswered(),
                dropCounts());
    }

    private static void join(Thread thread) {
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.chargeflow.subscriber.radius;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Configuration of a {@link RadiusAccountingServer}: listen address (127.0.0.1:1813 by default), clients and their
 * shared secrets, whether Starts create unknown subscribers, queue and batch sizes, and the retransmission window.
 * Built on the wiring thread, read once when the server starts.
 */
public final class RadiusContext {
    private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1813);
    private final Map<InetAddress, byte[]> clients = new HashMap<>();
    private boolean createUnknownSubscribers = true;
    private int queueCapacity = 16_384;
    private int maxBatch = 512;
    private long retransmissionWindowMs = 30_000;
    private LongSupplier clockMs = System::currentTimeMillis;

    /** Where to listen; port 0 picks a free port. */
    public RadiusContext listen(InetSocketAddress address) {
        if (address == null) {
            throw new IllegalArgumentException("listen=null");
        }
        this.listen = address;
        return this;
    }

    /** Parses {@code HOST:PORT} or {@code [IPv6]:PORT} (literals only). */
    public static InetSocketAddress parseListen(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("listen=" + text + " must be HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen=" + text + " has a bad port", e);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("listen=" + text + " port must be 0..65535");
        }
        return new InetSocketAddress(InetAddress.ofLiteral(host), port);
    }

    /** Adds a client: its source address and shared secret (not empty). */
    public RadiusContext client(InetAddress address, String secret) {
        if (address == null || secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("client address=" + address + " needs a non-empty secret");
        }
        clients.put(address, secret.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Adds a client from {@code ADDRESS=SECRET}, as given to {@code --client}. */
    public RadiusContext client(String addressEqualsSecret) {
        int eq = addressEqualsSecret == null ? -1 : addressEqualsSecret.indexOf('=');
        if (eq <= 0 || eq == addressEqualsSecret.length() - 1) {
            throw new IllegalArgumentException("client=" + addressEqualsSecret + " must be ADDRESS=SECRET");
        }
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(addressEqualsSecret.substring(0, eq));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("client=" + addressEqualsSecret + " address is not an IP literal", e);
        }
        return client(address, addressEqualsSecret.substring(eq + 1));
    }

    /** Whether a Start for an unknown IMSI/MSISDN/User-Name creates the subscriber (default true). */
    public RadiusContext createUnknownSubscribers(boolean create) {
        this.createUnknownSubscribers = create;
        return this;
    }

    /** Requests waiting for storage before new ones are dropped (the NAS retransmits). */
    public RadiusContext queueCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queueCapacity=" + capacity + " must be >= 1");
        }
        this.queueCapacity = capacity;
        return this;
    }

    /** Requests stored per transaction at most (group commit). */
    public RadiusContext maxBatch(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxBatch=" + max + " must be >= 1");
        }
        this.maxBatch = max;
        return this;
    }

    /** How long an answered request's response is kept to answer its retransmissions. */
    public RadiusContext retransmissionWindowMs(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("retransmissionWindowMs=" + ms + " must be >= 0");
        }
        this.retransmissionWindowMs = ms;
        return this;
    }

    /** Wall clock for requests without Event-Timestamp (tests inject one). */
    public RadiusContext clockMs(LongSupplier clock) {
        if (clock == null) {
            throw new IllegalArgumentException("clockMs=null");
        }
        this.clockMs = clock;
        return this;
    }

    InetSocketAddress listen() {
        return listen;
    }

    Map<InetAddress, byte[]> clients() {
        return Map.copyOf(clients);
    }

    boolean createUnknownSubscribers() {
        return createUnknownSubscribers;
    }

    int queueCapacity() {
        return queueCapacity;
    }

    int maxBatch() {
        return maxBatch;
    }

    long retransmissionWindowMs() {
        return retransmissionWindowMs;
    }

    LongSupplier clockMs() {
        return clockMs;
    }
}

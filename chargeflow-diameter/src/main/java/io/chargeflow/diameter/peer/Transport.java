package io.chargeflow.diameter.peer;

/**
 * What the peer layer needs from an I/O library: connect to a peer, accept connections, stop. The transport package
 * implements it with Netty, so nothing above it sees Netty. Methods may be called from any thread.
 */
public interface Transport extends AutoCloseable {
    /** Starts connecting; the outcome arrives at {@code listener} ({@code onConnected} or {@code onConnectFailed}). */
    void connect(String host, int port, boolean tls, int connectTimeoutMs, ConnectionListener listener);

    /**
     * Listens on {@code bindHost:port} (port 0 picks a free one); {@code acceptor} gives the listener of each accepted
     * connection. Returns the bound port.
     */
    int listen(String bindHost, int port, boolean tls, java.util.function.Supplier<ConnectionListener> acceptor);

    /** Closes every connection and listener and stops the I/O threads. */
    @Override
    void close();
}

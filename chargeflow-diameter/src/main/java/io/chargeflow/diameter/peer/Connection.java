package io.chargeflow.diameter.peer;

import java.net.InetSocketAddress;

/**
 * One transport connection (TCP or TLS over TCP) as the peer layer sees it: send a whole encoded message, close,
 * ask whether the peer is reading. Implemented by the transport package; {@link #send} may be called from any
 * thread (the transport batches flushes), the other methods too.
 */
public interface Connection {
    /** Queues one complete Diameter message for sending; the array is owned by the connection afterwards. */
    void send(byte[] message);

    /**
     * Closes the connection after what was sent before is written (a DPA, an error CEA); forced after a short grace
     * period. {@link ConnectionListener#onClosed} follows on the I/O thread.
     */
    void close();

    /** Closes at once, dropping unsent output: for a peer that stopped reading or is presumed dead. */
    void abort();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /** True while the outbound buffer is under its high-water mark (the peer is reading fast enough). */
    boolean isWritable();

    /**
     * Bytes sent but not yet taken by the socket: queued for the I/O thread plus the transport's own outbound buffer.
     * A peer that reads slowly is still given requests until this passes the node's outbound limit.
     */
    long queuedBytes();

    /** Nanoseconds (System.nanoTime) since which the connection has been unwritable, or 0 when it is writable. */
    long unwritableSinceNs();

    /** The peer's TLS certificate subject, or null for plain TCP or before the handshake completed. */
    String peerCertificateSubject();
}

package io.chargeflow.diameter.peer;

import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.codec.ErrorAnswers;
import io.chargeflow.diameter.codec.MessageValidator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One transport connection from the peer layer's side: its role in the state machine (the "I" or "R" connection of
 * RFC 6733 §5.6), the peer it belongs to once capabilities are known, and the per-connection decoding state (a
 * validator used only by this connection's I/O thread). Transport events are forwarded to the node.
 */
final class Link implements ConnectionListener {
    final DiameterNode node;
    final boolean initiator;
    final long createdNs;
    final MessageValidator validator = new MessageValidator();
    final ErrorAnswers errorAnswers = new ErrorAnswers();
    final AtomicInteger inboundPending = new AtomicInteger();
    volatile Peer peer;
    volatile Connection connection;
    volatile boolean closed;
    int cerHopByHopId;
    int cerEndToEndId;
    PeerCapabilities cerCapabilities;

    Link(DiameterNode node, Peer peer, boolean initiator, long createdNs) {
        this.node = node;
        this.peer = peer;
        this.initiator = initiator;
        this.createdNs = createdNs;
    }

    @Override
    public void onConnected(Connection connection) {
        this.connection = connection;
        node.onLinkConnected(this);
    }

    @Override
    public void onConnectFailed(String reason) {
        closed = true;
        node.onLinkConnectFailed(this, reason);
    }

    @Override
    public void onMessage(Connection connection, DiameterMessage message) {
        node.onLinkMessage(this, message);
    }

    @Override
    public void onFramingError(Connection connection, String reason) {
        node.onLinkFramingError(this, reason);
    }

    @Override
    public void onClosed(Connection connection) {
        closed = true;
        node.onLinkClosed(this);
    }

    void send(byte[] message) {
        Connection c = connection;
        if (c != null && !closed) {
            c.send(message);
        }
    }

    void close() {
        Connection c = connection;
        if (c != null) {
            c.close();
        }
    }

    void abort() {
        Connection c = connection;
        if (c != null) {
            c.abort();
        }
    }

    String remote() {
        Connection c = connection;
        return c == null
                ? "?"
                : c.remoteAddress().getAddress().getHostAddress() + ":"
                        + c.remoteAddress().getPort();
    }
}

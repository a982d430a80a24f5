package io.chargeflow.diameter.peer;

import io.chargeflow.diameter.codec.DiameterMessage;

/**
 * Events of one connection, called by the transport on that connection's I/O thread, in order. The message passed
 * to {@link #onMessage} is a flyweight valid only during the call.
 */
public interface ConnectionListener {
    /** The connection is established (for TLS: after the handshake succeeded). */
    void onConnected(Connection connection);

    /** The connection attempt failed (refused, timed out, TLS handshake or certificate rejected). */
    void onConnectFailed(String reason);

    /** One complete message, framed by its header length. */
    void onMessage(Connection connection, DiameterMessage message);

    /** The stream cannot be framed any more (bad version, impossible length); the transport closes it. */
    void onFramingError(Connection connection, String reason);

    /** The connection is closed (by either side). */
    void onClosed(Connection connection);
}

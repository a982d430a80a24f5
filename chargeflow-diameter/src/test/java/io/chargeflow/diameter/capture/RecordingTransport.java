package io.chargeflow.diameter.capture;

import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.peer.Connection;
import io.chargeflow.diameter.peer.ConnectionListener;
import io.chargeflow.diameter.peer.Transport;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;

/** Wraps a transport and records every message a node sends, with the connection's addresses. */
final class RecordingTransport implements Transport {
    record Sent(InetSocketAddress from, InetSocketAddress to, byte[] message) {}

    private final Transport delegate;
    private final List<Sent> sent;

    RecordingTransport(Transport delegate, List<Sent> sent) {
        this.delegate = delegate;
        this.sent = sent;
    }

    @Override
    public void connect(String host, int port, boolean tls, int connectTimeoutMs, ConnectionListener listener) {
        delegate.connect(host, port, tls, connectTimeoutMs, wrap(listener));
    }

    @Override
    public int listen(String bindHost, int port, boolean tls, Supplier<ConnectionListener> acceptor) {
        return delegate.listen(bindHost, port, tls, () -> wrap(acceptor.get()));
    }

    @Override
    public void close() {
        delegate.close();
    }

    private ConnectionListener wrap(ConnectionListener listener) {
        return new ConnectionListener() {
            private Recording recording;

            private Recording of(Connection c) {
                if (recording == null) {
                    recording = new Recording(c);
                }
                return recording;
            }

            @Override
            public void onConnected(Connection connection) {
                listener.onConnected(of(connection));
            }

            @Override
            public void onConnectFailed(String reason) {
                listener.onConnectFailed(reason);
            }

            @Override
            public void onMessage(Connection connection, DiameterMessage message) {
                listener.onMessage(of(connection), message);
            }

            @Override
            public void onFramingError(Connection connection, String reason) {
                listener.onFramingError(of(connection), reason);
            }

            @Override
            public void onClosed(Connection connection) {
                listener.onClosed(of(connection));
            }
        };
    }

    private final class Recording implements Connection {
        private final Connection c;

        Recording(Connection c) {
            this.c = c;
        }

        @Override
        public void send(byte[] message) {
            sent.add(new Sent(c.localAddress(), c.remoteAddress(), message.clone()));
            c.send(message);
        }

        @Override
        public void close() {
            c.close();
        }

        @Override
        public void abort() {
            c.abort();
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return c.remoteAddress();
        }

        @Override
        public InetSocketAddress localAddress() {
            return c.localAddress();
        }

        @Override
        public boolean isWritable() {
            return c.isWritable();
        }

        @Override
        public long queuedBytes() {
            return c.queuedBytes();
        }

        @Override
        public long unwritableSinceNs() {
            return c.unwritableSinceNs();
        }

        @Override
        public String peerCertificateSubject() {
            return c.peerCertificateSubject();
        }
    }
}

package io.chargeflow.diameter.peer;

/**
 * A peer this node connects to (and accepts connections from): its address, the Origin-Host it must present
 * (null: learnt from the first CEA, used by the probe), its realm for routing and its priority within that realm
 * (0 = primary, 1 = secondary, ...). Immutable.
 */
public record PeerConfig(String host, int port, String originHost, String realm, int priority, boolean tls) {
    public PeerConfig {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host=" + host);
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port=" + port);
        }
        if (priority < 0) {
            throw new IllegalArgumentException("priority=" + priority);
        }
    }

    /** A plain TCP primary peer. */
    public static PeerConfig of(String host, int port, String originHost, String realm) {
        return new PeerConfig(host, port, originHost, realm, 0, false);
    }
}

package io.chargeflow.diameter.peer;

/**
 * A snapshot of one peer for operators and tests: who it is, where the state machines stand, what it announced,
 * and the last error seen. Immutable.
 */
public record PeerStatus(
        String originHost,
        String realm,
        String address,
        PeerState state,
        WatchdogState watchdog,
        PeerCapabilities capabilities,
        String lastError,
        long lastWatchdogRttNs) {}

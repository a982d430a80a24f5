/**
 * Diameter peers (RFC 6733 §5, RFC 3539): {@link io.chargeflow.diameter.peer.DiameterNode} runs the peer state
 * machine, capabilities exchange, watchdogs with failover and failback, DPR/DPA, reconnect with backoff,
 * realm-based routing with a pending-request table, and dispatch of requests to application handlers. It sees
 * connections only through {@link io.chargeflow.diameter.peer.Transport} and
 * {@link io.chargeflow.diameter.peer.Connection}: no I/O library here.
 */
package io.chargeflow.diameter.peer;

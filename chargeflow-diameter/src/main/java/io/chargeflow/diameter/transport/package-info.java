/**
 * The transport: TCP and TLS connections with Netty, framing of the byte stream into Diameter messages. The only
 * package that imports Netty; it implements {@link io.chargeflow.diameter.peer.Transport}.
 */
package io.chargeflow.diameter.transport;

/**
 * The RADIUS accounting listener (RFC 2866, RFC 2869): authenticated Accounting-Requests become IP bindings in the
 * subscriber store, answered only once durably stored. The codec knows bytes, the server owns the UDP socket.
 */
package io.chargeflow.subscriber.radius;

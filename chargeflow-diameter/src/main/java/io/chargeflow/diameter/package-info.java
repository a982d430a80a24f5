/**
 * chargeflow's Diameter stack (RFC 6733, RFC 4006, 3GPP TS 32.299), without charging logic:
 * {@code dictionary} (AVPs, commands, result codes as data), {@code codec} (flyweight decoding and encoding over
 * buffers), {@code peer} (state machine, watchdog, routing, requests), {@code transport} (Netty, TCP and TLS) and
 * {@code tool} (the operator's probe). {@link io.chargeflow.diameter.Diameter#startNode} wires a node.
 */
package io.chargeflow.diameter;

/**
 * The Diameter codec: it knows buffers, not sockets. {@link io.chargeflow.diameter.codec.DiameterMessage} and
 * {@link io.chargeflow.diameter.codec.DiameterAvp} are flyweights that decode in place and lazily (a message found
 * in a capture decodes with the same code), {@link io.chargeflow.diameter.codec.DiameterEncoder} writes into
 * pre-sized buffers, {@link io.chargeflow.diameter.codec.MessageValidator} turns malformed input into the
 * Result-Code and Failed-AVP the RFC asks for, and {@link io.chargeflow.diameter.codec.ErrorAnswers} writes that
 * answer.
 */
package io.chargeflow.diameter.codec;

package io.chargeflow.diameter.peer;

import io.chargeflow.diameter.codec.DiameterEncoder;

/**
 * Writes the application AVPs of a request or answer into the encoder the node prepared (header already written).
 * Called synchronously on the sending thread; must not keep the encoder.
 */
@FunctionalInterface
public interface MessageWriter {
    void write(DiameterEncoder encoder);

    /** Writes nothing. */
    MessageWriter EMPTY = encoder -> {};
}

package io.chargeflow.cdr.journal;

/**
 * Told that records are durable: called on the journal writer thread after the fsync of their batch, in sequence
 * order, once per record. Must be quick and must not call back into the writer's blocking methods. A processor
 * typically only publishes the sequence (or completes a future) here.
 */
@FunctionalInterface
public interface AckListener {
    AckListener NONE = (sequence, type, attachment) -> {};

    /**
     * @param sequence the record's journal sequence (a CDR's localSequenceNumber)
     * @param type the frame type given to {@code offer}
     * @param attachment the object given to {@code offer}, or null
     */
    void onDurable(long sequence, byte type, Object attachment);
}

package io.chargeflow.flow;

/**
 * Why a session was closed; carried into its usage record and, later, into the CDR's cause for record closing.
 */
public enum CloseCause {
    /** No packet for the idle timeout, on packet time. */
    IDLE_TIMEOUT,
    /** The capture ended (or the engine was stopped after draining its input). */
    END_OF_INPUT,
    /** The address was bound to another subscriber, or its binding ended or changed. */
    BINDING_CHANGE,
    /** The access node reported the end of the subscriber's session (RADIUS Accounting Stop). */
    SUBSCRIBER_STOP,
    /** An operator or the engine closed it (shutdown, management command). */
    MANAGEMENT;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}

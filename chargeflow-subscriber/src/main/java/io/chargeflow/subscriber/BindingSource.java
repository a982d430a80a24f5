package io.chargeflow.subscriber;

/** Who reported an IP binding; stored as its name in {@code ip_bindings.source}. Immutable, any thread. */
public enum BindingSource {
    /** Provisioned by an operator, for example by a CSV import. */
    STATIC,
    /** Learned from a RADIUS Accounting-Request (Start or Interim-Update). */
    RADIUS,
    /** Any other feed (a PGW's Gx, a DHCP log). */
    OTHER
}

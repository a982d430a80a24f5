/**
 * The flow manager and its processors: side classification, subscriber keys, per-processor session tables,
 * metering on packet time, and the contracts ({@link io.chargeflow.flow.SubscriberDirectory},
 * {@link io.chargeflow.flow.SessionListener}) through which the application wires the directory and the CDR side.
 */
package io.chargeflow.flow;

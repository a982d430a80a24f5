/**
 * Operator tools built on the stack: {@link io.chargeflow.diameter.tool.DiameterProbe} (capabilities, watchdog and
 * disconnect against a live peer), with a plain API the CLI of chargeflow-app calls.
 */
package io.chargeflow.diameter.tool;

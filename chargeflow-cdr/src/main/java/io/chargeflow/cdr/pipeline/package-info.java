/**
 * Wiring of the CDR side for the application: one journal writer, assemblers for the processors, an optional
 * exporter thread, and the shutdown order that leaves nothing unacknowledged or unexported.
 */
package io.chargeflow.cdr.pipeline;

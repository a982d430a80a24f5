/**
 * Benchmarks of the subscriber directory: cached lookups (JMH), the 1-million-binding preload and the RADIUS
 * accounting load generator (drivers).
 */
package io.chargeflow.bench.subscriber;

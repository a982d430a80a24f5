/**
 * Benchmarks of the CDR side: journal appends with group commit (JMH), recovery time of a large journal (a driver),
 * and CDRs rated per second (JMH).
 */
package io.chargeflow.bench.cdr;

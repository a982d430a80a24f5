/**
 * JMH benchmarks of chargeflow-packet: decoding typical frames in place, and reading a pcap file from the page
 * cache. Run from the shaded jar; figures are in chargeflow-packet/README.md.
 */
package io.chargeflow.bench.packet;

/**
 * The synthetic traffic generator behind {@code chargeflow gen}: a classic pcap of a mobile gateway tap (subscriber
 * VLAN, network VLAN, GTP-U, QinQ, peer-to-peer hairpins, fragments, snaplen cuts, malformed frames of every kind the
 * decoder counts) plus a truth file of the exact per-subscriber totals the charging rule must arrive at.
 *
 * <p>{@link io.chargeflow.packet.gen.TrafficGenerator} is the only entry point; {@link
 * io.chargeflow.packet.gen.GeneratorConfig} describes a run and {@link io.chargeflow.packet.gen.GeneratorResult} what
 * it wrote. The truth is computed while frames are built, from the same decisions, and is checked in the tests
 * against an independent reader of the written capture and against tshark.
 */
package io.chargeflow.packet.gen;

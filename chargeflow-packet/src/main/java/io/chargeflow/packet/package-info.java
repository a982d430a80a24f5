/**
 * Capture input and packet decoding: {@link io.chargeflow.packet.Captures} opens pcap and pcapng files as
 * memory-mapped, zero-copy {@link io.chargeflow.packet.CaptureSource}s that hand frames to a {@link
 * io.chargeflow.packet.FrameHandler}; {@link io.chargeflow.packet.PacketDecoder} decodes a frame in place (one
 * flyweight per layer) into a reusable {@link io.chargeflow.packet.DecodedPacket}, or says by {@link
 * io.chargeflow.packet.MalformedReason} why it is not charged. The reader thread owns all of it; nothing here is
 * shared between threads.
 */
package io.chargeflow.packet;

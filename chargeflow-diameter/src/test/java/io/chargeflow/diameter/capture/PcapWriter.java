package io.chargeflow.diameter.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Writes messages as Ethernet/IPv4/TCP frames (one segment each, sequence numbers per direction) into a pcap. */
final class PcapWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> sequence = new HashMap<>();
    private int frames;

    PcapWriter() {
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xa1b2c3d4)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(65_535)
                .putInt(1);
        out.writeBytes(header.array());
    }

    void add(InetSocketAddress from, InetSocketAddress to, byte[] payload) {
        String key = from + ">" + to;
        int seq = sequence.getOrDefault(key, 1000);
        int ack = sequence.getOrDefault(to + ">" + from, 1000);
        sequence.put(key, seq + payload.length);
        int ipLength = 20 + 20 + payload.length;
        ByteBuffer frame = ByteBuffer.allocate(14 + ipLength);
        frame.put(new byte[] {0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
        int ipStart = frame.position();
        frame.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) ipLength)
                .putShort((short) frames)
                .putShort((short) 0x4000)
                .put((byte) 64)
                .put((byte) 6)
                .putShort((short) 0)
                .put(from.getAddress().getAddress())
                .put(to.getAddress().getAddress());
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += frame.getShort(ipStart + i) & 0xffff;
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        frame.putShort(ipStart + 10, (short) ~sum);
        frame.putShort((short) from.getPort())
                .putShort((short) to.getPort())
                .putInt(seq)
                .putInt(ack)
                .put((byte) 0x50)
                .put((byte) 0x18)
                .putShort((short) 65_535)
                .putShort((short) 0)
                .putShort((short) 0);
        frame.put(payload);
        ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(1_763_800_000 + frames).putInt(0).putInt(frame.capacity()).putInt(frame.capacity());
        out.writeBytes(record.array());
        out.writeBytes(frame.array());
        frames++;
    }

    void write(Path file) throws IOException {
        Files.write(file, out.toByteArray());
    }
}

package io.chargeflow.diameter.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny pcap/pcapng reader for tests (the packet module is not a dependency of this one): Ethernet, Linux SLL/SLL2
 * and raw IP; IPv4 and IPv6; TCP streams re-assembled in capture order and SCTP DATA chunks; returns the Diameter
 * messages (port 3868 or SCTP PPID 46) in the order they complete.
 */
final class CaptureReader {
    private final Map<String, ByteArrayOutputStream> streams = new LinkedHashMap<>();
    private final List<byte[]> messages = new ArrayList<>();

    static List<byte[]> diameterMessages(Path file) throws IOException {
        CaptureReader reader = new CaptureReader();
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
        int magic = in.getInt(0);
        if (magic == 0x0a0d0d0a) {
            reader.readPcapng(in);
        } else {
            reader.readPcap(in);
        }
        return reader.messages;
    }

    private void readPcap(ByteBuffer in) {
        int magic = in.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        ByteOrder order = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        in.order(order);
        int linkType = in.getInt(20) & 0xffff;
        int p = 24;
        while (p + 16 <= in.limit()) {
            int captured = in.getInt(p + 8);
            packet(linkType, in, p + 16, captured);
            p += 16 + captured;
        }
    }

    private void readPcapng(ByteBuffer in) {
        int p = 0;
        List<Integer> linkTypes = new ArrayList<>();
        while (p + 12 <= in.limit()) {
            int type = in.getInt(p);
            if (type == 0x0a0d0d0a) {
                int bom = in.order(ByteOrder.BIG_ENDIAN).getInt(p + 8);
                in.order(bom == 0x1a2b3c4d ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            }
            int length = in.getInt(p + 4);
            if (type == 1) {
                linkTypes.add(in.getShort(p + 8) & 0xffff);
            } else if (type == 6) {
                int iface = in.getInt(p + 8);
                int captured = in.getInt(p + 20);
                packet(linkTypes.get(iface), in, p + 28, captured);
            } else if (type == 3) {
                packet(linkTypes.get(0), in, p + 12, length - 16);
            }
            if (length < 12) {
                return;
            }
            p += length;
        }
    }

    private void packet(int linkType, ByteBuffer in, int offset, int length) {
        ByteBuffer b = in.duplicate().order(ByteOrder.BIG_ENDIAN);
        int end = offset + length;
        int ip;
        int etherType;
        switch (linkType) {
            case 1 -> {
                etherType = b.getShort(offset + 12) & 0xffff;
                ip = offset + 14;
                while (etherType == 0x8100 || etherType == 0x88a8) {
                    etherType = b.getShort(ip + 2) & 0xffff;
                    ip += 4;
                }
            }
            case 113 -> {
                etherType = b.getShort(offset + 14) & 0xffff;
                ip = offset + 16;
            }
            case 276 -> {
                etherType = b.getShort(offset) & 0xffff;
                ip = offset + 20;
            }
            case 101, 12 -> {
                etherType = (b.get(offset) & 0xf0) == 0x60 ? 0x86dd : 0x0800;
                ip = offset;
            }
            default -> {
                return;
            }
        }
        int protocol;
        int transport;
        String src;
        String dst;
        if (etherType == 0x0800) {
            int ihl = (b.get(ip) & 0x0f) * 4;
            end = Math.min(end, ip + (b.getShort(ip + 2) & 0xffff));
            protocol = b.get(ip + 9) & 0xff;
            transport = ip + ihl;
            src = Integer.toHexString(b.getInt(ip + 12));
            dst = Integer.toHexString(b.getInt(ip + 16));
        } else if (etherType == 0x86dd) {
            end = Math.min(end, ip + 40 + (b.getShort(ip + 4) & 0xffff));
            protocol = b.get(ip + 6) & 0xff;
            transport = ip + 40;
            src = Long.toHexString(b.getLong(ip + 8)) + Long.toHexString(b.getLong(ip + 16));
            dst = Long.toHexString(b.getLong(ip + 24)) + Long.toHexString(b.getLong(ip + 32));
        } else {
            return;
        }
        if (protocol == 6) {
            int srcPort = b.getShort(transport) & 0xffff;
            int dstPort = b.getShort(transport + 2) & 0xffff;
            int dataOffset = ((b.get(transport + 12) & 0xf0) >> 4) * 4;
            if (srcPort != 3868 && dstPort != 3868) {
                return;
            }
            String key = "tcp " + src + ":" + srcPort + ">" + dst + ":" + dstPort;
            append(key, b, transport + dataOffset, end);
        } else if (protocol == 132) {
            int srcPort = b.getShort(transport) & 0xffff;
            int dstPort = b.getShort(transport + 2) & 0xffff;
            int chunk = transport + 12;
            while (chunk + 4 <= end) {
                int type = b.get(chunk) & 0xff;
                int chunkLength = b.getShort(chunk + 2) & 0xffff;
                if (chunkLength < 4) {
                    return;
                }
                if (type == 0) {
                    int ppid = b.getInt(chunk + 12);
                    if (ppid == 46 || srcPort == 3868 || dstPort == 3868) {
                        int stream = b.getShort(chunk + 8) & 0xffff;
                        String key = "sctp " + src + ":" + srcPort + ">" + dst + ":" + dstPort + "#" + stream;
                        append(key, b, chunk + 16, chunk + chunkLength);
                    }
                }
                chunk += (chunkLength + 3) & ~3;
            }
        }
    }

    private void append(String key, ByteBuffer b, int from, int to) {
        if (to <= from) {
            return;
        }
        ByteArrayOutputStream stream = streams.computeIfAbsent(key, k -> new ByteArrayOutputStream());
        byte[] data = new byte[to - from];
        b.get(from, data);
        stream.writeBytes(data);
        byte[] all = stream.toByteArray();
        int p = 0;
        while (all.length - p >= 20) {
            int length = ByteBuffer.wrap(all, p, 4).getInt() & 0xffffff;
            if ((all[p] & 0xff) != 1 || length < 20) {
                p = all.length; // not Diameter: drop the stream content
                break;
            }
            if (all.length - p < length) {
                break;
            }
            byte[] message = new byte[length];
            System.arraycopy(all, p, message, 0, length);
            messages.add(message);
            p += length;
        }
        stream.reset();
        stream.write(all, p, all.length - p);
    }
}

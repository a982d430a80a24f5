package io.chargeflow.app;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A buffered writer of ASCII report lines straight into bytes: decimal numbers and dotted IPv4 addresses without a
 * String per value. usage.csv has a row per subscriber, and writing 100,000 rows through StringBuilder and a
 * charset encoder took a third of a second at the end of a run.
 */
final class AsciiWriter implements AutoCloseable {
    private final OutputStream out;
    private final byte[] buffer = new byte[1 << 16];
    private int length;

    AsciiWriter(OutputStream out) {
        this.out = out;
    }

    /** Makes room for {@code bytes} more. */
    private void room(int bytes) throws IOException {
        if (length + bytes > buffer.length) {
            flush();
        }
    }

    AsciiWriter write(char c) throws IOException {
        room(1);
        buffer[length++] = (byte) c;
        return this;
    }

    /** Any text: ASCII as it is, the rest UTF-8 encoded. */
    AsciiWriter write(String text) throws IOException {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                flush();
                out.write(utf8);
                return this;
            }
        }
        if (text.length() > buffer.length) {
            flush();
            out.write(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return this;
        }
        room(text.length());
        for (int i = 0; i < text.length(); i++) {
            buffer[length++] = (byte) text.charAt(i);
        }
        return this;
    }

    /** A decimal number. */
    AsciiWriter write(long value) throws IOException {
        room(20);
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                return write(Long.toString(value));
            }
            buffer[length++] = '-';
            value = -value;
        }
        int digits = digits(value);
        int at = length + digits;
        length = at;
        do {
            buffer[--at] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        return this;
    }

    /** A dotted-quad IPv4 address. */
    AsciiWriter ipv4(int address) throws IOException {
        room(15);
        for (int shift = 24; shift >= 0; shift -= 8) {
            int octet = (address >>> shift) & 0xFF;
            if (octet >= 100) {
                buffer[length++] = (byte) ('0' + octet / 100);
            }
            if (octet >= 10) {
                buffer[length++] = (byte) ('0' + octet / 10 % 10);
            }
            buffer[length++] = (byte) ('0' + octet % 10);
            if (shift > 0) {
                buffer[length++] = '.';
            }
        }
        return this;
    }

    /**
     * An IPv6 address in RFC 5952 form (as {@link io.chargeflow.packet.AddressFormat#ipv6Prefix} writes it), with
     * {@code /prefixLength} unless it is 128.
     */
    AsciiWriter ipv6(long hi, long lo, int prefixLength) throws IOException {
        room(43);
        // the longest run of two or more zero groups (the first when tied) becomes "::"
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (group(hi, lo, i) != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && group(hi, lo, i) == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                buffer[length++] = ':';
                buffer[length++] = ':';
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && buffer[length - 1] != ':') {
                buffer[length++] = ':';
            }
            int g = group(hi, lo, i);
            boolean started = false;
            for (int shift = 12; shift >= 0; shift -= 4) {
                int nibble = (g >>> shift) & 0xF;
                if (nibble != 0 || started || shift == 0) {
                    buffer[length++] = HEX[nibble];
                    started = true;
                }
            }
        }
        if (prefixLength < 128) {
            buffer[length++] = '/';
            write(prefixLength);
        }
        return this;
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static int group(long hi, long lo, int i) {
        return (int) ((i < 4 ? hi : lo) >>> (48 - 16 * (i & 3))) & 0xFFFF;
    }

    private static int digits(long value) {
        int n = 1;
        for (long v = value; v >= 10; v /= 10) {
            n++;
        }
        return n;
    }

    void flush() throws IOException {
        if (length > 0) {
            out.write(buffer, 0, length);
            length = 0;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            out.close();
        }
    }
}

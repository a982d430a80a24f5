package io.chargeflow.app;

import io.chargeflow.packet.AddressFormat;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A buffered writer of ASCII report lines straight into bytes: decimal numbers and addresses (through
 * {@link AddressFormat}'s byte writers) without a String per value. usage.csv has a row per subscriber, and writing 100,000 rows through StringBuilder and a
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
        room(AddressFormat.IPV4_MAX);
        length = AddressFormat.writeIpv4(address, buffer, length);
        return this;
    }

    /** An IPv6 address in RFC 5952 form, with {@code /prefixLength} unless it is 128. */
    AsciiWriter ipv6(long hi, long lo, int prefixLength) throws IOException {
        room(AddressFormat.IPV6_PREFIX_MAX);
        length = AddressFormat.writeIpv6Prefix(hi, lo, prefixLength, buffer, length);
        return this;
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

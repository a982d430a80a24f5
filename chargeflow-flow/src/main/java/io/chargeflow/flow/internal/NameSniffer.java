package io.chargeflow.flow.internal;

/**
 * Reads the server name a flow reveals in its first payload bytes: the TLS ClientHello server_name extension
 * (RFC 6066 §3), the HTTP/1.x Host header, or the question of a DNS response (RFC 1035 §4.1) together with the
 * A/AAAA addresses of its answers. Reader thread; works on a byte array (the reader copies a candidate payload there
 * in one bulk copy: parsing byte by byte through a memory segment paid a bounds and liveness check per byte), never
 * reads outside {@code [off, off+len)}, and writes the lower-case name into a caller's buffer: no allocation.
 */
public final class NameSniffer {
    /** Longest DNS name (RFC 1035 §3.1). */
    public static final int MAX_NAME = 255;

    private NameSniffer() {}

    private static int u8(byte[] s, int at) {
        return s[at] & 0xFF;
    }

    private static int u16(byte[] s, int at) {
        return (u8(s, at) << 8) | u8(s, at + 1);
    }

    private static int u32(byte[] s, int at) {
        return (u16(s, at) << 16) | u16(s, at + 2);
    }

    /**
     * Whether a TCP payload whose first four bytes are {@code head} (big-endian) and whose sixth byte is {@code b5}
     * may name its server: a TLS ClientHello record (type 22, version 3.x, handshake type 1) or an HTTP/1.x request
     * (one of the methods {@link #httpHost} reads). The reader tests this on the captured bytes before it copies them
     * for {@link #tlsServerName} or {@link #httpHost}; a first letter alone let through every HTTP response ("HTTP/")
     * and one binary or encrypted payload in fifty, each copied and scanned for nothing.
     */
    public static boolean mayNameServer(int head, int b5) {
        if ((head >>> 16) == 0x1603) {
            return b5 == 1;
        }
        return isRequestMethod(head);
    }

    /** Whether four bytes (big-endian) start an HTTP/1.x request whose Host {@link #httpHost} reads. */
    private static boolean isRequestMethod(int head) {
        return head == GET
                || head == POST
                || head == HEAD
                || head == PUT
                || head == DELE
                || head == OPTI
                || head == PATC;
    }

    private static final int GET = word("GET ");
    private static final int POST = word("POST");
    private static final int HEAD = word("HEAD");
    private static final int PUT = word("PUT ");
    private static final int DELE = word("DELE");
    private static final int OPTI = word("OPTI");
    private static final int PATC = word("PATC");

    private static int word(String four) {
        return (four.charAt(0) << 24) | (four.charAt(1) << 16) | (four.charAt(2) << 8) | four.charAt(3);
    }

    /**
     * The SNI host name of a TLS ClientHello at {@code [off, off+len)}, written to {@code out}; returns its length,
     * or 0 when the bytes are not a ClientHello with a host name.
     *
     * <pre>
     * record:    type(1)=22 version(2) length(2)
     * handshake: type(1)=1 length(3) client_version(2) random(32) session_id(1+n) cipher_suites(2+n)
     *            compression_methods(1+n) extensions_length(2) { type(2) length(2) data }...
     * server_name (type 0): list_length(2) { name_type(1)=0 name_length(2) name }
     * </pre>
     */
    public static int tlsServerName(byte[] s, int off, int len, byte[] out) {
        if (len < 48 || u8(s, off) != 22 || u8(s, off + 1) != 3 || u8(s, off + 5) != 1) {
            return 0;
        }
        int end = off + len;
        int p = off + 9 + 2 + 32;
        if (p >= end) {
            return 0;
        }
        p += 1 + u8(s, p);
        if (p + 2 > end) {
            return 0;
        }
        p += 2 + u16(s, p);
        if (p + 1 > end) {
            return 0;
        }
        p += 1 + u8(s, p);
        if (p + 2 > end) {
            return 0;
        }
        int extEnd = Math.min(end, p + 2 + u16(s, p));
        p += 2;
        while (p + 4 <= extEnd) {
            int type = u16(s, p);
            int extLen = u16(s, p + 2);
            p += 4;
            if (type == 0) {
                if (p + 5 > extEnd || u8(s, p + 2) != 0) {
                    return 0;
                }
                int nameLen = u16(s, p + 3);
                int name = p + 5;
                if (nameLen == 0 || nameLen > MAX_NAME || name + nameLen > extEnd) {
                    return 0;
                }
                return copyLower(s, name, nameLen, out);
            }
            p += extLen;
        }
        return 0;
    }

    /** The Host header of an HTTP/1.x request at {@code [off, off+len)} (port removed); 0 when none. */
    public static int httpHost(byte[] s, int off, int len, byte[] out) {
        if (len < 16 || !isRequestMethod(u32(s, off))) {
            return 0;
        }
        int end = off + Math.min(len, 4096);
        for (int p = off; p + 7 < end; p++) {
            if (u8(s, p) == '\n'
                    && (u8(s, p + 1) | 0x20) == 'h'
                    && (u8(s, p + 2) | 0x20) == 'o'
                    && (u8(s, p + 3) | 0x20) == 's'
                    && (u8(s, p + 4) | 0x20) == 't'
                    && u8(s, p + 5) == ':') {
                int q = p + 6;
                while (q < end && (u8(s, q) == ' ' || u8(s, q) == '\t')) {
                    q++;
                }
                int start = q;
                while (q < end && u8(s, q) != '\r' && u8(s, q) != '\n' && u8(s, q) != ':' && u8(s, q) != ' ') {
                    q++;
                }
                int n = q - start;
                if (q >= end || n == 0 || n > MAX_NAME) {
                    return 0;
                }
                return copyLower(s, start, n, out);
            }
        }
        return 0;
    }

    /**
     * Receives the addresses a DNS response gives for its question: {@code hi}/{@code lo} in subscriber-key form
     * (IPv4-mapped for A records, the full address for AAAA).
     */
    @FunctionalInterface
    public interface AnswerSink {
        void onAddress(long hi, long lo);
    }

    /**
     * The question name of a DNS response at {@code [off, off+len)}; 0 when it is not a response with one question.
     * Follow with {@link #dnsAnswers} to read its addresses.
     */
    public static int dnsQuestion(byte[] s, int off, int len, byte[] out) {
        if (len < 17 || (u8(s, off + 2) & 0x80) == 0 || u16(s, off + 4) != 1) {
            return 0;
        }
        int end = off + len;
        int p = off + 12;
        int n = 0;
        while (p < end) {
            int label = u8(s, p);
            if (label == 0) {
                return n;
            }
            if (label > 63 || p + 1 + label > end || n + label + 1 > MAX_NAME) {
                return 0;
            }
            if (n > 0) {
                out[n++] = '.';
            }
            n += copyLower(s, p + 1, label, out, n);
            p += 1 + label;
        }
        return 0;
    }

    /** Calls {@code sink} for every A and AAAA answer of a DNS response; returns how many. */
    public static int dnsAnswers(byte[] s, int off, int len, AnswerSink sink) {
        int end = off + len;
        int answers = u16(s, off + 6);
        int p = skipName(s, off + 12, end);
        if (p < 0 || p + 4 > end) {
            return 0;
        }
        p += 4;
        int found = 0;
        for (int i = 0; i < answers; i++) {
            p = skipName(s, p, end);
            if (p < 0 || p + 10 > end) {
                return found;
            }
            int type = u16(s, p);
            int rdLength = u16(s, p + 8);
            int rdata = p + 10;
            if (rdata + rdLength > end) {
                return found;
            }
            if (type == 1 && rdLength == 4) {
                sink.onAddress(0, 0x0000_FFFF_0000_0000L | (u32(s, rdata) & 0xFFFF_FFFFL));
                found++;
            } else if (type == 28 && rdLength == 16) {
                sink.onAddress(
                        ((long) u32(s, rdata) << 32) | (u32(s, rdata + 4) & 0xFFFF_FFFFL),
                        ((long) u32(s, rdata + 8) << 32) | (u32(s, rdata + 12) & 0xFFFF_FFFFL));
                found++;
            }
            p = rdata + rdLength;
        }
        return found;
    }

    /** Position after a (possibly compressed) name, or -1. */
    private static int skipName(byte[] s, int p, int end) {
        for (int hops = 0; p < end && hops < 128; hops++) {
            int label = u8(s, p);
            if (label == 0) {
                return p + 1;
            }
            if ((label & 0xC0) == 0xC0) {
                return p + 2 <= end ? p + 2 : -1;
            }
            if (label > 63) {
                return -1;
            }
            p += 1 + label;
        }
        return -1;
    }

    private static int copyLower(byte[] s, int from, int n, byte[] out) {
        return copyLower(s, from, n, out, 0);
    }

    private static int copyLower(byte[] s, int from, int n, byte[] out, int at) {
        for (int i = 0; i < n; i++) {
            int c = u8(s, from + i);
            out[at + i] = (byte) (c >= 'A' && c <= 'Z' ? c | 0x20 : c);
        }
        return n;
    }
}

package io.chargeflow.flow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

public class NameSnifferTest {

    public static byte[] clientHello(String host) {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        // a GREASE-like extension first, then server_name
        ext.writeBytes(new byte[] {0x0a, 0x0a, 0, 0});
        int listLen = 3 + name.length;
        ext.writeBytes(new byte[] {
            0,
            0,
            (byte) ((listLen + 2) >> 8),
            (byte) (listLen + 2),
            (byte) (listLen >> 8),
            (byte) listLen,
            0,
            (byte) (name.length >> 8),
            (byte) name.length
        });
        ext.writeBytes(name);
        byte[] extensions = ext.toByteArray();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {3, 3});
        body.writeBytes(new byte[32]);
        body.write(0); // session id
        body.writeBytes(new byte[] {0, 2, 0x13, 0x01}); // one cipher suite
        body.writeBytes(new byte[] {1, 0}); // compression: null
        body.writeBytes(new byte[] {(byte) (extensions.length >> 8), (byte) extensions.length});
        body.writeBytes(extensions);
        byte[] hs = body.toByteArray();
        ByteArrayOutputStream rec = new ByteArrayOutputStream();
        int hsLen = hs.length;
        int recLen = hsLen + 4;
        rec.writeBytes(
                new byte[] {22, 3, 1, (byte) (recLen >> 8), (byte) recLen, 1, 0, (byte) (hsLen >> 8), (byte) hsLen});
        rec.writeBytes(hs);
        return rec.toByteArray();
    }

    public static byte[] dnsResponse(String question, int... ipv4Answers) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x12, 0x34, (byte) 0x81, (byte) 0x80, 0, 1, 0, (byte) ipv4Answers.length, 0, 0, 0, 0});
        for (String label : question.split("\\.")) {
            b.write(label.length());
            b.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        b.write(0);
        b.writeBytes(new byte[] {0, 1, 0, 1});
        for (int a : ipv4Answers) {
            b.writeBytes(new byte[] {
                (byte) 0xc0,
                12,
                0,
                1,
                0,
                1,
                0,
                0,
                0,
                60,
                0,
                4,
                (byte) (a >>> 24),
                (byte) (a >>> 16),
                (byte) (a >>> 8),
                (byte) a
            });
        }
        return b.toByteArray();
    }

    @Test
    void shouldExtractServerNameWhenClientHelloCarriesSni() {
        byte[] hello = clientHello("Video.Example.COM");
        byte[] out = new byte[256];
        int n = NameSniffer.tlsServerName(hello, 0, hello.length, out);
        assertThat(new String(out, 0, n, StandardCharsets.US_ASCII)).isEqualTo("video.example.com");
    }

    @Test
    void shouldReturnZeroWhenClientHelloIsCutShort() {
        byte[] hello = clientHello("video.example.com");
        byte[] out = new byte[256];
        for (int len = 0; len < hello.length; len++) {
            assertThat(NameSniffer.tlsServerName(java.util.Arrays.copyOf(hello, len), 0, len, out))
                    .isZero();
        }
    }

    @Test
    void shouldExtractHostWithoutPortWhenHttpRequest() {
        byte[] req = "GET /a HTTP/1.1\r\nUser-Agent: x\r\nHOST: Www.Example.org:8080\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[256];
        int n = NameSniffer.httpHost(req, 0, req.length, out);
        assertThat(new String(out, 0, n, StandardCharsets.US_ASCII)).isEqualTo("www.example.org");
    }

    @Test
    void shouldLetThroughEveryPayloadTheParsersNameAndNotHttpResponses() {
        // the reader copies and parses only what the gate lets through: it must pass every ClientHello and request
        // the parsers read a name from, and should stop responses and most other bytes
        String[] methods = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"};
        Random random = new Random(20261207);
        byte[] out = new byte[256];
        int passed = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] b;
            switch (i % 4) {
                case 0 -> b = clientHello("h" + i + ".example.com");
                case 1 ->
                    b = (methods[random.nextInt(methods.length)] + " /x HTTP/1.1\r\nHost: h" + i + ".example\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
                default -> {
                    b = new byte[16 + random.nextInt(200)];
                    random.nextBytes(b);
                    if (i % 4 == 3) {
                        b[0] = (byte) "GPHDO".charAt(random.nextInt(5));
                    }
                }
            }
            int head = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            boolean gate = NameSniffer.mayNameServer(head, b[5] & 0xFF);
            boolean named =
                    NameSniffer.tlsServerName(b, 0, b.length, out) > 0 || NameSniffer.httpHost(b, 0, b.length, out) > 0;
            if (named) {
                assertThat(gate).as("payload %d", i).isTrue();
            }
            passed += gate ? 1 : 0;
        }
        // the 15,000 ClientHellos and requests, and none of the random payloads (not even with a method's first letter)
        assertThat(passed).isEqualTo(15_000);
        byte[] response = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(NameSniffer.mayNameServer(
                        ((response[0] & 0xFF) << 24)
                                | ((response[1] & 0xFF) << 16)
                                | ((response[2] & 0xFF) << 8)
                                | (response[3] & 0xFF),
                        response[5]))
                .isFalse();
    }

    @Test
    void shouldReadQuestionAndAnswersWhenDnsResponse() {
        byte[] dns = dnsResponse("cdn.video.example.com", 0x0A000001, 0xC0000207);
        byte[] out = new byte[256];
        int n = NameSniffer.dnsQuestion(dns, 0, dns.length, out);
        assertThat(new String(out, 0, n, StandardCharsets.US_ASCII)).isEqualTo("cdn.video.example.com");
        List<Long> answers = new ArrayList<>();
        assertThat(NameSniffer.dnsAnswers(dns, 0, dns.length, (hi, lo) -> answers.add(lo)))
                .isEqualTo(2);
        assertThat(answers).containsExactly(0xFFFF0A000001L, 0xFFFFC0000207L);
    }

    @Test
    void shouldNeverThrowWhenBytesAreRandom() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        byte[] out = new byte[256];
        byte[] base = clientHello("a.example.com");
        byte[] dns = dnsResponse("a.example.com", 1, 2, 3);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = (i % 3 == 0) ? new byte[random.nextInt(300)] : (i % 3 == 1 ? base.clone() : dns.clone());
            if (i % 3 == 0) {
                random.nextBytes(b);
            } else {
                for (int m = 0; m < 1 + random.nextInt(4); m++) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt();
                }
            }
            int len = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            // exactly the bytes given, at an offset: a read outside [off, off+len) throws
            int off = random.nextInt(3);
            byte[] seg = new byte[off + len];
            System.arraycopy(b, 0, seg, off, len);
            try {
                NameSniffer.tlsServerName(seg, off, len, out);
                NameSniffer.httpHost(seg, off, len, out);
                if (NameSniffer.dnsQuestion(seg, off, len, out) > 0) {
                    NameSniffer.dnsAnswers(seg, off, len, (hi, lo) -> {});
                }
            } catch (RuntimeException e) {
                throw new AssertionError("seed=" + seed + " iteration=" + i, e);
            }
        }
    }
}

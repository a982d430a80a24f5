package io.chargeflow.subscriber.radius;

import static org.assertj.core.api.Assertions.assertThat;

import io.chargeflow.subscriber.AccountingEvent;
import io.chargeflow.subscriber.BindingKey;
import io.chargeflow.testsupport.SharedData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The codec on real RADIUS from a capture (Arkime's radius accounting sample), and on mutated copies of it. */
class RadiusCaptureTest {

    /** UDP payloads of a classic little-endian Ethernet (802.1Q)/IPv4 pcap (enough for this capture). */
    private static List<byte[]> udpPayloads(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> out = new ArrayList<>();
        for (int at = 24; at + 16 <= file.length; ) {
            int captured = b.getInt(at + 8);
            int frame = at + 16;
            int ip = frame + 14;
            while (((file[ip - 2] & 0xFF) << 8 | (file[ip - 1] & 0xFF)) == 0x8100) {
                ip += 4; // 802.1Q tag: this capture's frames carry one
            }
            int udp = ip + (file[ip] & 0x0F) * 4;
            int udpLength = ((file[udp + 4] & 0xFF) << 8) | (file[udp + 5] & 0xFF);
            byte[] payload = new byte[udpLength - 8];
            System.arraycopy(file, udp + 8, payload, 0, payload.length);
            out.add(payload);
            at = frame + captured;
        }
        return out;
    }

    @Test
    void shouldDecodeInterimUpdateWhenReadFromArkimeCapture() throws Exception {
        byte[] file = Files.readAllBytes(SharedData.assumeCaptures().resolve("arkime_radius_acct.pcap"));
        List<byte[]> payloads = udpPayloads(file);
        assertThat(payloads).hasSize(2);
        byte[] request = payloads.get(0);
        int length = RadiusCodec.framedLength(request, request.length);
        assertThat(length).isEqualTo(343);
        RadiusCodec.Decoded decoded = RadiusCodec.decode(request, length, "10.0.0.1", 0);
        assertThat(decoded.statusType()).isEqualTo(3);
        AccountingEvent event = decoded.event();
        assertThat(event.status()).isEqualTo(AccountingEvent.Status.INTERIM_UPDATE);
        assertThat(event.nas()).isEqualTo("10.0.0.1");
        assertThat(event.userName()).isEqualTo("xxxxxxxxx");
        assertThat(event.msisdn()).isEqualTo("985AEB898000");
        assertThat(event.acctSessionId()).isEqualTo("xxxxxxxx985AEB898000-57361300");
        assertThat(event.keys()).containsExactly(BindingKey.parse("10.0.0.3", 64));
        assertThat(event.inputOctets()).isEqualTo(5_366_178L);
        assertThat(event.outputOctets()).isEqualTo(84_869_322L);
        assertThat(event.imsi()).isNull();
        byte[] response = payloads.get(1);
        assertThat(response[0]).isEqualTo((byte) RadiusCodec.CODE_ACCOUNTING_RESPONSE);
        assertThat(response[1]).isEqualTo(request[1]);
    }

    @Test
    void shouldNeverThrowWhenCaptureBytesAreMutated() throws Exception {
        byte[] file = Files.readAllBytes(SharedData.assumeCaptures().resolve("arkime_radius_acct.pcap"));
        byte[] original = udpPayloads(file).get(0);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        RadiusCodec codec = new RadiusCodec();
        byte[] secret = "s".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int round = 0; round < 20_000; round++) {
            byte[] p = original.clone();
            int received = 1 + random.nextInt(p.length);
            for (int flips = random.nextInt(6); flips >= 0; flips--) {
                p[random.nextInt(p.length)] = (byte) random.nextInt(256);
            }
            try {
                int length = RadiusCodec.framedLength(p, received);
                if (length >= 0) {
                    codec.requestAuthenticatorValid(p, length, secret);
                    codec.messageAuthenticatorValid(p, length, secret);
                    RadiusCodec.decode(p, length, "10.0.0.1", 0);
                }
            } catch (RuntimeException e) {
                throw new AssertionError("seed=" + seed + " round=" + round, e);
            }
        }
    }
}

package io.chargeflow.subscriber.radius;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds Accounting-Requests byte by byte for tests, signed like a NAS signs them. */
final class RadiusPackets {
    private final ByteArrayOutputStream attributes = new ByteArrayOutputStream();

    RadiusPackets attribute(int type, byte[] value) {
        attributes.write(type);
        attributes.write(value.length + 2);
        attributes.writeBytes(value);
        return this;
    }

    RadiusPackets text(int type, String value) {
        return attribute(type, value.getBytes(StandardCharsets.UTF_8));
    }

    RadiusPackets integer(int type, long value) {
        return attribute(
                type, new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    RadiusPackets ipv4(int type, int a, int b, int c, int d) {
        return attribute(type, new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    }

    RadiusPackets imsi(String imsi) {
        byte[] value = imsi.getBytes(StandardCharsets.UTF_8);
        byte[] vsa = new byte[6 + value.length];
        vsa[2] = (byte) (RadiusCodec.VENDOR_3GPP >>> 8);
        vsa[3] = (byte) RadiusCodec.VENDOR_3GPP;
        vsa[4] = 1;
        vsa[5] = (byte) (value.length + 2);
        System.arraycopy(value, 0, vsa, 6, value.length);
        return attribute(RadiusCodec.VENDOR_SPECIFIC, vsa);
    }

    /** The signed request; {@code messageAuthenticator} appends a Message-Authenticator (RFC 3579). */
    byte[] build(int identifier, String secret, boolean messageAuthenticator) throws Exception {
        if (messageAuthenticator) {
            attribute(RadiusCodec.MESSAGE_AUTHENTICATOR, new byte[16]);
        }
        byte[] attrs = attributes.toByteArray();
        byte[] p = new byte[20 + attrs.length];
        p[0] = 4;
        p[1] = (byte) identifier;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        System.arraycopy(attrs, 0, p, 20, attrs.length);
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (messageAuthenticator) {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(key, "HmacMD5"));
            byte[] sig = mac.doFinal(p);
            System.arraycopy(sig, 0, p, p.length - 16, 16);
        }
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(p);
        md5.update(key);
        System.arraycopy(md5.digest(), 0, p, 4, 16);
        return p;
    }
}

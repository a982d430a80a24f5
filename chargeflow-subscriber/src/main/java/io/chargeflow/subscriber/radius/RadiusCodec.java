package io.chargeflow.subscriber.radius;

import io.chargeflow.subscriber.AccountingEvent;
import io.chargeflow.subscriber.BindingKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RADIUS accounting codec over a byte array (RFC 2865 §3 framing, RFC 2866 accounting): validates the framing,
 * checks the Request Authenticator and the Message-Authenticator, decodes the attributes the directory uses into an
 * {@link AccountingEvent}, and encodes the Accounting-Response. Knows bytes, not sockets, so the same code decodes
 * RADIUS found in a capture. One instance per thread (it reuses its MD5 and HMAC engines).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Code      |  Identifier   |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                     Authenticator (16 octets)                 |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type         |  Length       |  Value ...  (attributes, each Length >= 2)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
final class RadiusCodec {
    static final int HEADER_LENGTH = 20;
    static final int MAX_LENGTH = 4096;
    static final int CODE_ACCOUNTING_REQUEST = 4;
    static final int CODE_ACCOUNTING_RESPONSE = 5;

    static final int USER_NAME = 1;
    static final int NAS_IP_ADDRESS = 4;
    static final int FRAMED_IP_ADDRESS = 8;
    static final int VENDOR_SPECIFIC = 26;
    static final int CALLING_STATION_ID = 31;
    static final int NAS_IDENTIFIER = 32;
    static final int ACCT_STATUS_TYPE = 40;
    static final int ACCT_DELAY_TIME = 41;
    static final int ACCT_INPUT_OCTETS = 42;
    static final int ACCT_OUTPUT_OCTETS = 43;
    static final int ACCT_SESSION_ID = 44;
    static final int ACCT_INPUT_GIGAWORDS = 52;
    static final int ACCT_OUTPUT_GIGAWORDS = 53;
    static final int EVENT_TIMESTAMP = 55;
    static final int MESSAGE_AUTHENTICATOR = 80;
    static final int FRAMED_IPV6_PREFIX = 97;
    static final int DELEGATED_IPV6_PREFIX = 123;
    static final int VENDOR_3GPP = 10415;
    static final int VSA_3GPP_IMSI = 1;

    private final MessageDigest md5;
    private final Mac hmac;
    private final byte[] scratch = new byte[MAX_LENGTH];
    private final byte[] digest = new byte[16];

    RadiusCodec() {
        try {
            md5 = MessageDigest.getInstance("MD5");
            hmac = Mac.getInstance("HmacMD5");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks MD5 or HmacMD5", e);
        }
    }

    /** The packet's Length field, or null reason when the framing is bad; result is the length or a negative. */
    static int framedLength(byte[] p, int received) {
        if (received < HEADER_LENGTH) {
            return -1;
        }
        int length = ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
        // octets beyond Length are padding and ignored; fewer than Length means a truncated packet (RFC 2865 §3)
        if (length < HEADER_LENGTH || length > received || length > MAX_LENGTH) {
            return -1;
        }
        for (int at = HEADER_LENGTH; at < length; ) {
            if (at + 2 > length) {
                return -1;
            }
            int attributeLength = p[at + 1] & 0xFF;
            if (attributeLength < 2 || at + attributeLength > length) {
                return -1;
            }
            at += attributeLength;
        }
        return length;
    }

    /** RFC 2866 §3: MD5(Code + Identifier + Length + 16 zero octets + Attributes + Secret) equals the field. */
    boolean requestAuthenticatorValid(byte[] p, int length, byte[] secret) {
        md5.reset();
        md5.update(p, 0, 4);
        md5.update(ZEROS, 0, 16);
        md5.update(p, HEADER_LENGTH, length - HEADER_LENGTH);
        md5.update(secret);
        return digestEquals(md5.digest(), p, 4);
    }

    /**
     * RFC 3579 §3.2 / RFC 5080 §2.2.4: HMAC-MD5 keyed by the secret over the packet with the Message-Authenticator
     * value zeroed and, for Accounting-Request, the authenticator field zeroed too (as FreeRADIUS signs it).
     *
     * @return true when there is no Message-Authenticator or it matches
     */
    boolean messageAuthenticatorValid(byte[] p, int length, byte[] secret) {
        int at = find(p, length, MESSAGE_AUTHENTICATOR);
        if (at < 0) {
            return true;
        }
        if ((p[at + 1] & 0xFF) != 18) {
            return false;
        }
        System.arraycopy(p, 0, scratch, 0, length);
        Arrays.fill(scratch, 4, 20, (byte) 0);
        Arrays.fill(scratch, at + 2, at + 18, (byte) 0);
        try {
            hmac.init(new SecretKeySpec(secret, "HmacMD5"));
        } catch (GeneralSecurityException e) {
            return false;
        }
        hmac.update(scratch, 0, length);
        return digestEquals(hmac.doFinal(), p, at + 2);
    }

    private static int find(byte[] p, int length, int type) {
        for (int at = HEADER_LENGTH; at + 2 <= length; at += p[at + 1] & 0xFF) {
            if ((p[at] & 0xFF) == type) {
                return at;
            }
            if ((p[at + 1] & 0xFF) < 2) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean digestEquals(byte[] computed, byte[] p, int offset) {
        int diff = 0;
        for (int i = 0; i < 16; i++) {
            diff |= computed[i] ^ p[offset + i];
        }
        return diff == 0;
    }

    /** The Accounting-Response to request {@code p}: code 5, same identifier, no attributes, signed (RFC 2866 §3). */
    byte[] response(byte[] p, byte[] secret) {
        byte[] out = new byte[HEADER_LENGTH];
        out[0] = CODE_ACCOUNTING_RESPONSE;
        out[1] = p[1];
        out[3] = HEADER_LENGTH;
        md5.reset();
        md5.update(out, 0, 4);
        md5.update(p, 4, 16);
        md5.update(secret);
        System.arraycopy(md5.digest(), 0, out, 4, 16);
        return out;
    }

    /** Whether {@code response} is a correctly signed answer to {@code request} (for tests and the load generator). */
    boolean responseValid(byte[] response, int length, byte[] request, byte[] secret) {
        if (length != HEADER_LENGTH || response[0] != CODE_ACCOUNTING_RESPONSE || response[1] != request[1]) {
            return false;
        }
        md5.reset();
        md5.update(response, 0, 4);
        md5.update(request, 4, 16);
        md5.update(secret);
        return digestEquals(md5.digest(), response, 4);
    }

    /**
     * Decodes an authenticated Accounting-Request.
     *
     * @param sourceAddress the client's address, the NAS name when the packet names none
     * @param nowMs receive time, the event time when there is no Event-Timestamp
     * @return the event, or null when an attribute is invalid (Acct-Status-Type missing, wrong sizes)
     */
    static Decoded decode(byte[] p, int length, String sourceAddress, long nowMs) {
        int status = -1;
        String userName = null;
        String nasId = null;
        String nasIp = null;
        String msisdn = null;
        String imsi = null;
        String session = null;
        long eventSeconds = -1;
        long delaySeconds = 0;
        long inOctets = -1;
        long outOctets = -1;
        long inGiga = 0;
        long outGiga = 0;
        List<BindingKey> keys = new ArrayList<>(2);
        for (int at = HEADER_LENGTH; at < length; at += p[at + 1] & 0xFF) {
            int type = p[at] & 0xFF;
            int valueAt = at + 2;
            int valueLength = (p[at + 1] & 0xFF) - 2;
            switch (type) {
                case USER_NAME -> userName = text(p, valueAt, valueLength);
                case NAS_IP_ADDRESS -> {
                    if (valueLength != 4) {
                        return null;
                    }
                    nasIp = BindingKey.ipv4(readInt(p, valueAt)).toString();
                }
                case FRAMED_IP_ADDRESS -> {
                    if (valueLength != 4) {
                        return null;
                    }
                    keys.add(BindingKey.ipv4(readInt(p, valueAt)));
                }
                case FRAMED_IPV6_PREFIX, DELEGATED_IPV6_PREFIX -> {
                    BindingKey key = ipv6Prefix(p, valueAt, valueLength);
                    if (key == null) {
                        return null;
                    }
                    keys.add(key);
                }
                case CALLING_STATION_ID -> msisdn = text(p, valueAt, valueLength);
                case NAS_IDENTIFIER -> nasId = text(p, valueAt, valueLength);
                case ACCT_SESSION_ID -> session = text(p, valueAt, valueLength);
                case VENDOR_SPECIFIC -> {
                    String found = imsiOf(p, valueAt, valueLength);
                    imsi = found != null ? found : imsi;
                }
                case ACCT_STATUS_TYPE,
                        ACCT_DELAY_TIME,
                        ACCT_INPUT_OCTETS,
                        ACCT_OUTPUT_OCTETS,
                        ACCT_INPUT_GIGAWORDS,
                        ACCT_OUTPUT_GIGAWORDS,
                        EVENT_TIMESTAMP -> {
                    if (valueLength != 4) {
                        return null;
                    }
                    long v = readInt(p, valueAt) & 0xFFFF_FFFFL;
                    switch (type) {
                        case ACCT_STATUS_TYPE -> status = (int) v;
                        case ACCT_DELAY_TIME -> delaySeconds = v;
                        case ACCT_INPUT_OCTETS -> inOctets = v;
                        case ACCT_OUTPUT_OCTETS -> outOctets = v;
                        case ACCT_INPUT_GIGAWORDS -> inGiga = v;
                        case ACCT_OUTPUT_GIGAWORDS -> outGiga = v;
                        default -> eventSeconds = v;
                    }
                }
                default -> {
                    // attributes the directory does not use are skipped by their length
                }
            }
        }
        if (status < 0) {
            return null;
        }
        AccountingEvent.Status known = AccountingEvent.Status.of(status);
        long eventMs = eventSeconds >= 0 ? eventSeconds * 1000 : nowMs - delaySeconds * 1000;
        String nas = nasId != null ? nasId : nasIp != null ? nasIp : sourceAddress;
        AccountingEvent event = known == null
                ? null
                : new AccountingEvent(
                        known,
                        nas,
                        session,
                        userName,
                        imsi,
                        msisdn,
                        keys,
                        eventMs,
                        inOctets < 0 ? -1 : (inGiga << 32) | inOctets,
                        outOctets < 0 ? -1 : (outGiga << 32) | outOctets);
        return new Decoded(status, event);
    }

    /**
     * A decoded request.
     *
     * @param statusType the Acct-Status-Type as sent
     * @param event the event to store, or null for a status type the directory does not act on (still answered)
     */
    record Decoded(int statusType, AccountingEvent event) {}

    /** RFC 3162 §2.3: Reserved (1), Prefix-Length (1), Prefix (0..16 octets, the rest implied zero). */
    private static BindingKey ipv6Prefix(byte[] p, int at, int length) {
        if (length < 2 || length > 18) {
            return null;
        }
        int prefixLength = p[at + 1] & 0xFF;
        if (prefixLength < 1 || prefixLength > 128 || (prefixLength + 7) / 8 > length - 2) {
            return null;
        }
        byte[] bytes = new byte[16];
        System.arraycopy(p, at + 2, bytes, 0, Math.min(16, length - 2));
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (bytes[i] & 0xFF);
            lo = (lo << 8) | (bytes[8 + i] & 0xFF);
        }
        return BindingKey.ipv6(hi, lo, prefixLength);
    }

    /** 3GPP-IMSI in a Vendor-Specific attribute: Vendor-Id 10415, then sub-attributes (type, length, value). */
    private static String imsiOf(byte[] p, int at, int length) {
        if (length < 6 || readInt(p, at) != VENDOR_3GPP) {
            return null;
        }
        int end = at + length;
        for (int sub = at + 4; sub + 2 <= end; ) {
            int subLength = p[sub + 1] & 0xFF;
            if (subLength < 2 || sub + subLength > end) {
                return null;
            }
            if ((p[sub] & 0xFF) == VSA_3GPP_IMSI && subLength > 2) {
                return text(p, sub + 2, subLength - 2);
            }
            sub += subLength;
        }
        return null;
    }

    private static String text(byte[] p, int at, int length) {
        return length <= 0 ? null : new String(p, at, length, StandardCharsets.UTF_8);
    }

    static int readInt(byte[] p, int at) {
        return ((p[at] & 0xFF) << 24) | ((p[at + 1] & 0xFF) << 16) | ((p[at + 2] & 0xFF) << 8) | (p[at + 3] & 0xFF);
    }

    private static final byte[] ZEROS = new byte[16];
}

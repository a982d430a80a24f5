package io.chargeflow.diameter.codec;

import io.chargeflow.diameter.dictionary.Application;
import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.dictionary.Command;
import java.nio.ByteBuffer;

/** Test fixtures: Gy messages as a packet gateway and an OCS send them, written with the encoder. */
public final class GyMessages {
    private GyMessages() {}

    /** A CCR-U of a packet gateway reporting usage and asking quota for {@code services} rating groups. */
    public static int ccrUpdate(DiameterEncoder enc, int services, int hbh) {
        enc.header(
                DiameterMessage.FLAG_REQUEST | DiameterMessage.FLAG_PROXIABLE,
                Command.CREDIT_CONTROL.code(),
                Application.CREDIT_CONTROL.id(),
                hbh,
                0x5a000000 | hbh);
        enc.putUtf8(Avp.SESSION_ID, "pgw.example.net;1700000000;42;subscriber-001");
        enc.putUtf8(Avp.ORIGIN_HOST, "pgw.example.net");
        enc.putUtf8(Avp.ORIGIN_REALM, "example.net");
        enc.putUtf8(Avp.DESTINATION_REALM, "ocs.example.net");
        enc.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
        enc.putUtf8(Avp.SERVICE_CONTEXT_ID, "32251@3gpp.org");
        enc.putInteger32(Avp.CC_REQUEST_TYPE, 2);
        enc.putUnsigned32(Avp.CC_REQUEST_NUMBER, 7);
        enc.putTime(Avp.EVENT_TIMESTAMP, 1_763_800_000_000L);
        int sub = enc.beginGrouped(Avp.SUBSCRIPTION_ID);
        enc.putInteger32(Avp.SUBSCRIPTION_ID_TYPE, 0);
        enc.putUtf8(Avp.SUBSCRIPTION_ID_DATA, "31612345678");
        enc.endGrouped(sub);
        enc.putInteger32(Avp.MULTIPLE_SERVICES_INDICATOR, 1);
        for (int i = 0; i < services; i++) {
            int mscc = enc.beginGrouped(Avp.MULTIPLE_SERVICES_CREDIT_CONTROL);
            enc.endGrouped(enc.beginGrouped(Avp.REQUESTED_SERVICE_UNIT));
            int usu = enc.beginGrouped(Avp.USED_SERVICE_UNIT);
            enc.putInteger64(Avp.CC_TOTAL_OCTETS, 1_000_000L * (i + 1));
            enc.putInteger64(Avp.CC_INPUT_OCTETS, 400_000L * (i + 1));
            enc.putInteger64(Avp.CC_OUTPUT_OCTETS, 600_000L * (i + 1));
            enc.putUnsigned32(Avp.CC_TIME, 60);
            enc.endGrouped(usu);
            enc.putUnsigned32(Avp.RATING_GROUP, 100 + i);
            enc.putUnsigned32(Avp.SERVICE_IDENTIFIER, 1000 + i);
            enc.putInteger32(Avp.REPORTING_REASON, 4);
            enc.endGrouped(mscc);
        }
        int si = enc.beginGrouped(Avp.SERVICE_INFORMATION);
        int ps = enc.beginGrouped(Avp.PS_INFORMATION);
        enc.putUnsigned32(Avp.TGPP_CHARGING_ID, 0x01020304L);
        enc.putAddressIpv4(Avp.PDP_ADDRESS, 0x0a2d0002);
        enc.putAddressIpv4(Avp.GGSN_ADDRESS, 0xc0a80001);
        enc.putUtf8(Avp.CALLED_STATION_ID, "internet");
        enc.putOctets(Avp.TGPP_RAT_TYPE, new byte[] {6});
        enc.endGrouped(ps);
        enc.endGrouped(si);
        int ue = enc.beginGrouped(Avp.USER_EQUIPMENT_INFO);
        enc.putInteger32(Avp.USER_EQUIPMENT_INFO_TYPE, 0);
        enc.putOctets(
                Avp.USER_EQUIPMENT_INFO_VALUE, "3534900698733190".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        enc.endGrouped(ue);
        return enc.finish();
    }

    /** A CCA-U granting quota per rating group, with FUI, thresholds and a trigger. */
    public static int ccaUpdate(DiameterEncoder enc, int services, int hbh) {
        enc.header(
                DiameterMessage.FLAG_PROXIABLE,
                Command.CREDIT_CONTROL.code(),
                Application.CREDIT_CONTROL.id(),
                hbh,
                0x5a000000 | hbh);
        enc.putUtf8(Avp.SESSION_ID, "pgw.example.net;1700000000;42;subscriber-001");
        enc.putUnsigned32(Avp.RESULT_CODE, 2001);
        enc.putUtf8(Avp.ORIGIN_HOST, "ocs.example.net");
        enc.putUtf8(Avp.ORIGIN_REALM, "example.net");
        enc.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
        enc.putInteger32(Avp.CC_REQUEST_TYPE, 2);
        enc.putUnsigned32(Avp.CC_REQUEST_NUMBER, 7);
        enc.putInteger32(Avp.CREDIT_CONTROL_FAILURE_HANDLING, 1);
        for (int i = 0; i < services; i++) {
            int mscc = enc.beginGrouped(Avp.MULTIPLE_SERVICES_CREDIT_CONTROL);
            int gsu = enc.beginGrouped(Avp.GRANTED_SERVICE_UNIT);
            enc.putInteger64(Avp.CC_TOTAL_OCTETS, 10_000_000L);
            enc.endGrouped(gsu);
            enc.putUnsigned32(Avp.RATING_GROUP, 100 + i);
            enc.putUnsigned32(Avp.VALIDITY_TIME, 3600);
            enc.putUnsigned32(Avp.RESULT_CODE, 2001);
            enc.putUnsigned32(Avp.VOLUME_QUOTA_THRESHOLD, 1_000_000);
            enc.putUnsigned32(Avp.QUOTA_HOLDING_TIME, 300);
            int fui = enc.beginGrouped(Avp.FINAL_UNIT_INDICATION);
            enc.putInteger32(Avp.FINAL_UNIT_ACTION, 1);
            int rs = enc.beginGrouped(Avp.REDIRECT_SERVER);
            enc.putInteger32(Avp.REDIRECT_ADDRESS_TYPE, 2);
            enc.putUtf8(Avp.REDIRECT_SERVER_ADDRESS, "http://topup.example.net/");
            enc.endGrouped(rs);
            enc.endGrouped(fui);
            int trigger = enc.beginGrouped(Avp.TRIGGER);
            enc.putInteger32(Avp.TRIGGER_TYPE, 4);
            enc.endGrouped(trigger);
            enc.endGrouped(mscc);
        }
        return enc.finish();
    }

    /** A fresh big-endian heap buffer. */
    public static ByteBuffer buffer(int capacity) {
        return ByteBuffer.allocate(capacity);
    }
}

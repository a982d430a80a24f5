package io.chargeflow.bench.diameter;

import io.chargeflow.diameter.codec.DiameterEncoder;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.dictionary.Avp;

/** The benchmark's Gy CCR-U: what a packet gateway sends when reporting 3 rating groups (about 600 bytes). */
final class GyCcr {
    private GyCcr() {}

    /** The body of the CCR-U (everything the application writes; the node adds Origin-* and Destination-Realm). */
    static void body(DiameterEncoder enc, int requestNumber) {
        enc.putUtf8(Avp.SESSION_ID, "pgw.example.net;1700000000;42;subscriber-001");
        enc.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
        enc.putUtf8(Avp.SERVICE_CONTEXT_ID, "32251@3gpp.org");
        enc.putInteger32(Avp.CC_REQUEST_TYPE, 2);
        enc.putUnsigned32(Avp.CC_REQUEST_NUMBER, requestNumber);
        enc.putTime(Avp.EVENT_TIMESTAMP, 1_763_800_000_000L);
        int sub = enc.beginGrouped(Avp.SUBSCRIPTION_ID);
        enc.putInteger32(Avp.SUBSCRIPTION_ID_TYPE, 0);
        enc.putUtf8(Avp.SUBSCRIPTION_ID_DATA, "31612345678");
        enc.endGrouped(sub);
        enc.putInteger32(Avp.MULTIPLE_SERVICES_INDICATOR, 1);
        for (int i = 0; i < 3; i++) {
            int mscc = enc.beginGrouped(Avp.MULTIPLE_SERVICES_CREDIT_CONTROL);
            int rsu = enc.beginGrouped(Avp.REQUESTED_SERVICE_UNIT);
            enc.putInteger64(Avp.CC_TOTAL_OCTETS, 10_000_000L);
            enc.endGrouped(rsu);
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
        enc.putUtf8(Avp.TGPP_SGSN_MCC_MNC, "00101");
        enc.endGrouped(ps);
        enc.endGrouped(si);
    }

    /** The whole CCR-U with header and Origin-Host/Realm/Destination-Realm; returns its length. */
    static int message(DiameterEncoder enc, int hopByHop, int requestNumber) {
        enc.header(DiameterMessage.FLAG_REQUEST | DiameterMessage.FLAG_PROXIABLE, 272, 4, hopByHop, hopByHop);
        body(enc, requestNumber);
        enc.putUtf8(Avp.ORIGIN_HOST, "pgw.example.net");
        enc.putUtf8(Avp.ORIGIN_REALM, "example.net");
        enc.putUtf8(Avp.DESTINATION_REALM, "ocs.example.net");
        return enc.finish();
    }
}

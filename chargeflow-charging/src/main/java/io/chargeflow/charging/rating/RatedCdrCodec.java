package io.chargeflow.charging.rating;

import java.nio.charset.StandardCharsets;

/**
 * Journal payload of a rated CDR: a version byte (1) then the rated CDR as one UTF-8 JSON object. Text rather than a
 * packed layout because rated CDRs are written once per billing run, not on the metering path, and stay readable
 * with any tool. Stateless; any thread.
 */
public final class RatedCdrCodec {
    /** Journal frame type of a rated CDR (CDRs are type 1). */
    public static final byte FRAME_TYPE = 2;

    public static final byte VERSION = 1;

    private RatedCdrCodec() {}

    public static byte[] encode(RatedCdr cdr) {
        StringBuilder sb = new StringBuilder(256);
        sb.append((char) VERSION);
        appendJson(cdr, sb);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One JSON object for a rated CDR (no line end). */
    public static void appendJson(RatedCdr r, StringBuilder o) {
        o.append("{\"localSequenceNumber\":").append(r.localSequenceNumber());
        o.append(",\"chargingID\":").append(r.chargingID());
        o.append(",\"recordSequenceNumber\":").append(r.recordSequenceNumber());
        Json.field(o, "subscriber", r.subscriber());
        Json.field(o, "servedMSISDN", r.servedMSISDN());
        Json.field(o, "account", r.account());
        Json.field(o, "plan", r.plan());
        o.append(",\"peerToPeer\":").append(r.peerToPeer());
        Json.field(o, "peerSubscriber", r.peerSubscriber());
        o.append(",\"recordOpeningTimeMs\":").append(r.recordOpeningTimeMs());
        o.append(",\"services\":[");
        for (int i = 0; i < r.services().size(); i++) {
            RatedService s = r.services().get(i);
            o.append(i == 0 ? "{" : ",{");
            o.append("\"ratingGroup\":").append(s.ratingGroup());
            o.append(",\"serviceIdentifier\":").append(s.serviceIdentifier());
            o.append(",\"octets\":").append(s.octets());
            o.append(",\"timeMs\":").append(s.timeMs());
            o.append(",\"allowanceOctets\":").append(s.allowanceOctets());
            o.append(",\"allowanceTimeMs\":").append(s.allowanceTimeMs());
            o.append(",\"chargedOctets\":").append(s.chargedOctets());
            o.append(",\"chargedTimeMs\":").append(s.chargedTimeMs());
            Json.field(o, "basis", s.basis());
            Json.field(o, "tariffLines", s.tariffLines());
            o.append(",\"amountMinor\":").append(s.amount().minorUnits()).append('}');
        }
        o.append("],\"totalMinor\":").append(r.total().minorUnits());
        Json.field(o, "currency", r.total().currency().getCurrencyCode());
        o.append('}');
    }
}

package io.chargeflow.cdr.export;

import io.chargeflow.cdr.PgwRecord;
import io.chargeflow.cdr.ServiceData;
import java.util.List;
import java.util.Locale;

/**
 * Text formats of a CDR: JSON Lines (one object per record, listOfServiceData nested) and CSV (one row per service
 * data container, record fields repeated; a record without containers gives one row with empty container columns).
 * Hand-written rather than Jackson: the shape is fixed and flat, and appending to a reused StringBuilder keeps the
 * exporter allocation-light. Stateless; any thread.
 */
public enum CdrFormat {
    JSONL("jsonl"),
    CSV("csv");

    private static final String CSV_HEADER = "localSequenceNumber,recordType,servedIMSI,servedMSISDN,"
            + "servedPDPPDNAddress,chargingID,nodeID,recordOpeningTimeMs,durationMs,causeForRecClosing,"
            + "recordSequenceNumber,chargingSide,subscriberKey,subscriberId,account,plan,peerToPeer,peerSubscriberKey,"
            + "ratingGroup,serviceIdentifier,datavolumeFBCUplink,datavolumeFBCDownlink,uplinkPackets,downlinkPackets,"
            + "timeOfFirstUsageMs,timeOfLastUsageMs,timeUsageMs,serviceConditionChange,resultCode";

    private final String extension;

    CdrFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    /** Parses {@code jsonl|csv}; fails with a name=value message. */
    public static CdrFormat parse(String text) {
        for (CdrFormat f : values()) {
            if (f.extension.equalsIgnoreCase(text.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("format=" + text + " is not one of jsonl, csv");
    }

    /** The line each file starts with, or null. */
    public String header() {
        return this == CSV ? CSV_HEADER : null;
    }

    /** Appends the record's line(s), each ending in '\n'. */
    public void append(PgwRecord r, StringBuilder out) {
        if (this == JSONL) {
            appendJson(r, out);
        } else {
            appendCsv(r, out);
        }
    }

    /** A 128-bit subscriber key as 32 hex digits. */
    public static String key(long hi, long lo) {
        // HexFormat rather than String.format: this runs once or twice per exported or rated record
        return HEX.toHexDigits(hi) + HEX.toHexDigits(lo);
    }

    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    private static void appendJson(PgwRecord r, StringBuilder o) {
        o.append("{\"localSequenceNumber\":").append(r.localSequenceNumber());
        o.append(",\"recordType\":").append(r.recordType());
        jsonField(o, "servedIMSI", r.servedIMSI());
        jsonField(o, "servedMSISDN", r.servedMSISDN());
        jsonField(o, "servedPDPPDNAddress", r.servedPDPPDNAddress());
        o.append(",\"chargingID\":").append(r.chargingID());
        jsonField(o, "nodeID", r.nodeID());
        o.append(",\"recordOpeningTimeMs\":").append(r.recordOpeningTimeMs());
        o.append(",\"durationMs\":").append(r.durationMs());
        o.append(",\"causeForRecClosing\":{\"code\":")
                .append(r.causeForRecClosing().code());
        o.append(",\"name\":\"").append(r.causeForRecClosing().specName()).append("\"}");
        o.append(",\"recordSequenceNumber\":").append(r.recordSequenceNumber());
        o.append(",\"chargingSide\":\"")
                .append(r.chargingSide().name().toLowerCase(Locale.ROOT))
                .append('"');
        o.append(",\"subscriberKey\":\"")
                .append(key(r.subscriberKeyHi(), r.subscriberKeyLo()))
                .append('"');
        o.append(",\"subscriberId\":").append(r.subscriberId());
        jsonField(o, "account", r.account());
        jsonField(o, "plan", r.plan());
        o.append(",\"peerToPeer\":").append(r.peerToPeer());
        if (r.peerToPeer()) {
            o.append(",\"peerSubscriberKey\":\"")
                    .append(key(r.peerKeyHi(), r.peerKeyLo()))
                    .append('"');
        }
        o.append(",\"listOfServiceData\":[");
        List<ServiceData> list = r.listOfServiceData();
        for (int i = 0; i < list.size(); i++) {
            ServiceData d = list.get(i);
            o.append(i == 0 ? "{" : ",{");
            o.append("\"ratingGroup\":").append(d.ratingGroup());
            o.append(",\"serviceIdentifier\":").append(d.serviceIdentifier());
            o.append(",\"datavolumeFBCUplink\":").append(d.datavolumeFBCUplink());
            o.append(",\"datavolumeFBCDownlink\":").append(d.datavolumeFBCDownlink());
            o.append(",\"uplinkPackets\":").append(d.uplinkPackets());
            o.append(",\"downlinkPackets\":").append(d.downlinkPackets());
            o.append(",\"timeOfFirstUsageMs\":").append(d.timeOfFirstUsageMs());
            o.append(",\"timeOfLastUsageMs\":").append(d.timeOfLastUsageMs());
            o.append(",\"timeUsageMs\":").append(d.timeUsageMs());
            o.append(",\"serviceConditionChange\":").append(d.serviceConditionChange());
            o.append(",\"resultCode\":").append(d.resultCode()).append('}');
        }
        o.append("]}\n");
    }

    private static void jsonField(StringBuilder o, String name, String value) {
        o.append(",\"").append(name).append("\":");
        if (value == null) {
            o.append("null");
            return;
        }
        o.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> o.append("\\\"");
                case '\\' -> o.append("\\\\");
                case '\n' -> o.append("\\n");
                case '\r' -> o.append("\\r");
                case '\t' -> o.append("\\t");
                default -> {
                    if (c < 0x20) {
                        o.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        o.append(c);
                    }
                }
            }
        }
        o.append('"');
    }

    private static void appendCsv(PgwRecord r, StringBuilder o) {
        List<ServiceData> list = r.listOfServiceData();
        int rows = Math.max(1, list.size());
        for (int i = 0; i < rows; i++) {
            o.append(r.localSequenceNumber()).append(',').append(r.recordType()).append(',');
            csv(o, r.servedIMSI());
            csv(o, r.servedMSISDN());
            csv(o, r.servedPDPPDNAddress());
            o.append(r.chargingID()).append(',');
            csv(o, r.nodeID());
            o.append(r.recordOpeningTimeMs()).append(',').append(r.durationMs()).append(',');
            o.append(r.causeForRecClosing().specName())
                    .append(',')
                    .append(r.recordSequenceNumber())
                    .append(',');
            o.append(r.chargingSide().name().toLowerCase(Locale.ROOT)).append(',');
            o.append(key(r.subscriberKeyHi(), r.subscriberKeyLo()))
                    .append(',')
                    .append(r.subscriberId())
                    .append(',');
            csv(o, r.account());
            csv(o, r.plan());
            o.append(r.peerToPeer()).append(',');
            o.append(r.peerToPeer() ? key(r.peerKeyHi(), r.peerKeyLo()) : "").append(',');
            if (list.isEmpty()) {
                o.append(",,,,,,,,,,\n");
                continue;
            }
            ServiceData d = list.get(i);
            o.append(d.ratingGroup()).append(',').append(d.serviceIdentifier()).append(',');
            o.append(d.datavolumeFBCUplink())
                    .append(',')
                    .append(d.datavolumeFBCDownlink())
                    .append(',');
            o.append(d.uplinkPackets()).append(',').append(d.downlinkPackets()).append(',');
            o.append(d.timeOfFirstUsageMs())
                    .append(',')
                    .append(d.timeOfLastUsageMs())
                    .append(',');
            o.append(d.timeUsageMs())
                    .append(',')
                    .append(d.serviceConditionChange())
                    .append(',');
            o.append(d.resultCode()).append('\n');
        }
    }

    /** A CSV field per RFC 4180: quoted when it holds a comma, quote or line break; null is empty. */
    private static void csv(StringBuilder o, String value) {
        if (value != null) {
            boolean quote = value.indexOf(',') >= 0
                    || value.indexOf('"') >= 0
                    || value.indexOf('\n') >= 0
                    || value.indexOf('\r') >= 0;
            if (quote) {
                o.append('"').append(value.replace("\"", "\"\"")).append('"');
            } else {
                o.append(value);
            }
        }
        o.append(',');
    }
}

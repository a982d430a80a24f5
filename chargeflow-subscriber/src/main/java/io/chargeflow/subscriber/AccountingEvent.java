package io.chargeflow.subscriber;

import java.util.List;

/**
 * One decoded, authenticated RADIUS Accounting-Request as the store applies it. The RADIUS listener builds it on its
 * receive thread and the store applies a batch of them in one transaction on the storage thread. Control-plane
 * value, immutable.
 *
 * @param status Acct-Status-Type
 * @param nas NAS-Identifier, else NAS-IP-Address, else the client's source address
 * @param acctSessionId Acct-Session-Id, or null (Accounting-On/Off carry none)
 * @param userName User-Name, or null
 * @param imsi 3GPP-IMSI (vendor 10415, type 1), or null
 * @param msisdn Calling-Station-Id, or null
 * @param keys the Framed-IP-Address, Framed-IPv6-Prefix and Delegated-IPv6-Prefix carried, possibly none
 * @param eventTimeMs Event-Timestamp, or the receive time when absent
 * @param inputOctets Acct-Input-Octets with Acct-Input-Gigawords, or -1 when absent
 * @param outputOctets Acct-Output-Octets with Acct-Output-Gigawords, or -1 when absent
 */
public record AccountingEvent(
        Status status,
        String nas,
        String acctSessionId,
        String userName,
        String imsi,
        String msisdn,
        List<BindingKey> keys,
        long eventTimeMs,
        long inputOctets,
        long outputOctets) {

    /** Copies {@code keys}. */
    public AccountingEvent {
        keys = List.copyOf(keys);
    }

    /** Acct-Status-Type values this listener acts on (RFC 2866 §5.1). */
    public enum Status {
        /** 1 Start. */
        START(1),
        /** 2 Stop. */
        STOP(2),
        /** 3 Interim-Update. */
        INTERIM_UPDATE(3),
        /** 7 Accounting-On. */
        ACCOUNTING_ON(7),
        /** 8 Accounting-Off. */
        ACCOUNTING_OFF(8);

        private final int code;

        Status(int code) {
            this.code = code;
        }

        /** The Acct-Status-Type value. */
        public int code() {
            return code;
        }

        /** The status for an Acct-Status-Type value, or null for one this listener does not act on. */
        public static Status of(int code) {
            return switch (code) {
                case 1 -> START;
                case 2 -> STOP;
                case 3 -> INTERIM_UPDATE;
                case 7 -> ACCOUNTING_ON;
                case 8 -> ACCOUNTING_OFF;
                default -> null;
            };
        }
    }
}

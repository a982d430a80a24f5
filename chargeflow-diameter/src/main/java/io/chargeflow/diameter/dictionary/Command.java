package io.chargeflow.diameter.dictionary;

import static io.chargeflow.diameter.dictionary.Avp.ACCOUNTING_RECORD_NUMBER;
import static io.chargeflow.diameter.dictionary.Avp.ACCOUNTING_RECORD_TYPE;
import static io.chargeflow.diameter.dictionary.Avp.AUTH_APPLICATION_ID;
import static io.chargeflow.diameter.dictionary.Avp.CC_REQUEST_NUMBER;
import static io.chargeflow.diameter.dictionary.Avp.CC_REQUEST_TYPE;
import static io.chargeflow.diameter.dictionary.Avp.DESTINATION_HOST;
import static io.chargeflow.diameter.dictionary.Avp.DESTINATION_REALM;
import static io.chargeflow.diameter.dictionary.Avp.DISCONNECT_CAUSE;
import static io.chargeflow.diameter.dictionary.Avp.HOST_IP_ADDRESS;
import static io.chargeflow.diameter.dictionary.Avp.ORIGIN_HOST;
import static io.chargeflow.diameter.dictionary.Avp.ORIGIN_REALM;
import static io.chargeflow.diameter.dictionary.Avp.PRODUCT_NAME;
import static io.chargeflow.diameter.dictionary.Avp.RESULT_CODE;
import static io.chargeflow.diameter.dictionary.Avp.RE_AUTH_REQUEST_TYPE;
import static io.chargeflow.diameter.dictionary.Avp.SERVICE_CONTEXT_ID;
import static io.chargeflow.diameter.dictionary.Avp.SESSION_ID;
import static io.chargeflow.diameter.dictionary.Avp.TERMINATION_CAUSE;
import static io.chargeflow.diameter.dictionary.Avp.VENDOR_ID;

import java.util.List;

/**
 * Diameter commands: code, names of request and answer, and the AVPs whose absence the validator answers with
 * DIAMETER_MISSING_AVP (the {@code { }} required AVPs of each ABNF, RFC 6733 §5 and RFC 4006 §3). The 3GPP commands
 * are listed for printing only (their grammar is not checked). Immutable; any thread.
 */
public enum Command {
    CAPABILITIES_EXCHANGE(
            257,
            "Capabilities-Exchange",
            "CER",
            "CEA",
            List.of(ORIGIN_HOST, ORIGIN_REALM, HOST_IP_ADDRESS, VENDOR_ID, PRODUCT_NAME),
            List.of(RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM, HOST_IP_ADDRESS, VENDOR_ID, PRODUCT_NAME)),
    RE_AUTH(
            258,
            "Re-Auth",
            "RAR",
            "RAA",
            List.of(
                    SESSION_ID,
                    ORIGIN_HOST,
                    ORIGIN_REALM,
                    DESTINATION_REALM,
                    DESTINATION_HOST,
                    AUTH_APPLICATION_ID,
                    RE_AUTH_REQUEST_TYPE),
            List.of(SESSION_ID, RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM)),
    ACCOUNTING(
            271,
            "Accounting",
            "ACR",
            "ACA",
            List.of(
                    SESSION_ID,
                    ORIGIN_HOST,
                    ORIGIN_REALM,
                    DESTINATION_REALM,
                    ACCOUNTING_RECORD_TYPE,
                    ACCOUNTING_RECORD_NUMBER),
            List.of(
                    SESSION_ID,
                    RESULT_CODE,
                    ORIGIN_HOST,
                    ORIGIN_REALM,
                    ACCOUNTING_RECORD_TYPE,
                    ACCOUNTING_RECORD_NUMBER)),
    CREDIT_CONTROL(
            272,
            "Credit-Control",
            "CCR",
            "CCA",
            List.of(
                    SESSION_ID,
                    ORIGIN_HOST,
                    ORIGIN_REALM,
                    DESTINATION_REALM,
                    AUTH_APPLICATION_ID,
                    SERVICE_CONTEXT_ID,
                    CC_REQUEST_TYPE,
                    CC_REQUEST_NUMBER),
            List.of(
                    SESSION_ID,
                    RESULT_CODE,
                    ORIGIN_HOST,
                    ORIGIN_REALM,
                    AUTH_APPLICATION_ID,
                    CC_REQUEST_TYPE,
                    CC_REQUEST_NUMBER)),
    ABORT_SESSION(
            274,
            "Abort-Session",
            "ASR",
            "ASA",
            List.of(SESSION_ID, ORIGIN_HOST, ORIGIN_REALM, DESTINATION_REALM, DESTINATION_HOST, AUTH_APPLICATION_ID),
            List.of(SESSION_ID, RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM)),
    SESSION_TERMINATION(
            275,
            "Session-Termination",
            "STR",
            "STA",
            List.of(SESSION_ID, ORIGIN_HOST, ORIGIN_REALM, DESTINATION_REALM, AUTH_APPLICATION_ID, TERMINATION_CAUSE),
            List.of(SESSION_ID, RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM)),
    DEVICE_WATCHDOG(
            280,
            "Device-Watchdog",
            "DWR",
            "DWA",
            List.of(ORIGIN_HOST, ORIGIN_REALM),
            List.of(RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM)),
    DISCONNECT_PEER(
            282,
            "Disconnect-Peer",
            "DPR",
            "DPA",
            List.of(ORIGIN_HOST, ORIGIN_REALM, DISCONNECT_CAUSE),
            List.of(RESULT_CODE, ORIGIN_HOST, ORIGIN_REALM)),
    TGPP_USER_AUTHORIZATION(300, "3GPP-User-Authorization", "UAR", "UAA", List.of(), List.of()),
    TGPP_SERVER_ASSIGNMENT(301, "3GPP-Server-Assignment", "SAR", "SAA", List.of(), List.of()),
    TGPP_LOCATION_INFO(302, "3GPP-Location-Info", "LIR", "LIA", List.of(), List.of()),
    TGPP_MULTIMEDIA_AUTH(303, "3GPP-Multimedia-Auth", "MAR", "MAA", List.of(), List.of()),
    TGPP_UPDATE_LOCATION(316, "3GPP-Update-Location", "ULR", "ULA", List.of(), List.of()),
    TGPP_CANCEL_LOCATION(317, "3GPP-Cancel-Location", "CLR", "CLA", List.of(), List.of()),
    TGPP_AUTHENTICATION_INFORMATION(318, "3GPP-Authentication-Information", "AIR", "AIA", List.of(), List.of()),
    TGPP_INSERT_SUBSCRIBER_DATA(319, "3GPP-Insert-Subscriber-Data", "IDR", "IDA", List.of(), List.of()),
    TGPP_PURGE_UE(321, "3GPP-Purge-UE", "PUR", "PUA", List.of(), List.of()),
    TGPP_NOTIFY(323, "3GPP-Notify", "NOR", "NOA", List.of(), List.of());

    private final int code;
    private final String commandName;
    private final String requestAbbreviation;
    private final String answerAbbreviation;
    private final Avp[] requiredInRequest;
    private final Avp[] requiredInAnswer;

    Command(
            int code,
            String commandName,
            String requestAbbreviation,
            String answerAbbreviation,
            List<Avp> requiredInRequest,
            List<Avp> requiredInAnswer) {
        this.code = code;
        this.commandName = commandName;
        this.requestAbbreviation = requestAbbreviation;
        this.answerAbbreviation = answerAbbreviation;
        this.requiredInRequest = requiredInRequest.toArray(new Avp[0]);
        this.requiredInAnswer = requiredInAnswer.toArray(new Avp[0]);
    }

    /** The command code. */
    public int code() {
        return code;
    }

    /** The name as in the defining specification, e.g. {@code Credit-Control}. */
    public String commandName() {
        return commandName;
    }

    /** CER, CCR, ... for a request; CEA, CCA, ... for an answer. */
    public String abbreviation(boolean request) {
        return request ? requestAbbreviation : answerAbbreviation;
    }

    /** The AVPs that must be present (array shared, do not modify: read on the I/O thread without copying). */
    Avp[] required(boolean request) {
        return request ? requiredInRequest : requiredInAnswer;
    }

    /** The command with this code, or null when unknown. */
    public static Command find(int code) {
        for (Command command : VALUES) {
            if (command.code == code) {
                return command;
            }
        }
        return null;
    }

    private static final Command[] VALUES = values();
}

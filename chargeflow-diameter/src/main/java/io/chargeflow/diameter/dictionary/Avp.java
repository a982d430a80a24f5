package io.chargeflow.diameter.dictionary;

import static io.chargeflow.diameter.dictionary.AvpType.ADDRESS;
import static io.chargeflow.diameter.dictionary.AvpType.DIAMETER_IDENTITY;
import static io.chargeflow.diameter.dictionary.AvpType.DIAMETER_URI;
import static io.chargeflow.diameter.dictionary.AvpType.ENUMERATED;
import static io.chargeflow.diameter.dictionary.AvpType.GROUPED;
import static io.chargeflow.diameter.dictionary.AvpType.INTEGER32;
import static io.chargeflow.diameter.dictionary.AvpType.INTEGER64;
import static io.chargeflow.diameter.dictionary.AvpType.IP_FILTER_RULE;
import static io.chargeflow.diameter.dictionary.AvpType.OCTET_STRING;
import static io.chargeflow.diameter.dictionary.AvpType.TIME;
import static io.chargeflow.diameter.dictionary.AvpType.UNSIGNED32;
import static io.chargeflow.diameter.dictionary.AvpType.UNSIGNED64;
import static io.chargeflow.diameter.dictionary.AvpType.UTF8_STRING;
import static io.chargeflow.diameter.dictionary.Vendor.NONE;
import static io.chargeflow.diameter.dictionary.Vendor.TGPP;

/**
 * The AVP dictionary: every AVP chargeflow knows, defined exactly once with its code, vendor, data type, whether
 * it is sent with the M bit, and the names of its enumerated values. Sources: RFC 6733 (base), RFC 4006 / RFC 8506
 * (credit control), RFC 7155 / RFC 2865 (the NASREQ/RADIUS AVPs Gy reuses), 3GPP TS 32.299 and TS 29.061 (Gy/Ro/Rf).
 * Lookups by code go through {@link Dictionary}; immutable, so any thread may read it.
 */
public enum Avp {
    // RFC 6733 base protocol
    USER_NAME(1, NONE, UTF8_STRING, true, "User-Name"),
    FRAMED_IP_ADDRESS(8, NONE, OCTET_STRING, true, "Framed-IP-Address"),
    FILTER_ID(11, NONE, UTF8_STRING, true, "Filter-Id"),
    CLASS(25, NONE, OCTET_STRING, true, "Class"),
    SESSION_TIMEOUT(27, NONE, UNSIGNED32, true, "Session-Timeout"),
    CALLED_STATION_ID(30, NONE, UTF8_STRING, true, "Called-Station-Id"),
    PROXY_STATE(33, NONE, OCTET_STRING, true, "Proxy-State"),
    ACCOUNTING_SESSION_ID(44, NONE, OCTET_STRING, true, "Accounting-Session-Id"),
    ACCT_MULTI_SESSION_ID(50, NONE, UTF8_STRING, true, "Acct-Multi-Session-Id"),
    EVENT_TIMESTAMP(55, NONE, TIME, true, "Event-Timestamp"),
    ACCT_INTERIM_INTERVAL(85, NONE, UNSIGNED32, true, "Acct-Interim-Interval"),
    HOST_IP_ADDRESS(257, NONE, ADDRESS, true, "Host-IP-Address"),
    AUTH_APPLICATION_ID(258, NONE, UNSIGNED32, true, "Auth-Application-Id"),
    ACCT_APPLICATION_ID(259, NONE, UNSIGNED32, true, "Acct-Application-Id"),
    VENDOR_SPECIFIC_APPLICATION_ID(260, NONE, GROUPED, true, "Vendor-Specific-Application-Id"),
    REDIRECT_HOST_USAGE(
            261,
            NONE,
            ENUMERATED,
            true,
            "Redirect-Host-Usage",
            "0:DONT_CACHE,1:ALL_SESSION,2:ALL_REALM,3:REALM_AND_APPLICATION,4:ALL_APPLICATION,5:ALL_HOST,6:ALL_USER"),
    REDIRECT_MAX_CACHE_TIME(262, NONE, UNSIGNED32, true, "Redirect-Max-Cache-Time"),
    SESSION_ID(263, NONE, UTF8_STRING, true, "Session-Id"),
    ORIGIN_HOST(264, NONE, DIAMETER_IDENTITY, true, "Origin-Host"),
    SUPPORTED_VENDOR_ID(265, NONE, UNSIGNED32, true, "Supported-Vendor-Id"),
    VENDOR_ID(266, NONE, UNSIGNED32, true, "Vendor-Id"),
    FIRMWARE_REVISION(267, NONE, UNSIGNED32, false, "Firmware-Revision"),
    RESULT_CODE(268, NONE, UNSIGNED32, true, "Result-Code"),
    PRODUCT_NAME(269, NONE, UTF8_STRING, false, "Product-Name"),
    SESSION_BINDING(270, NONE, UNSIGNED32, true, "Session-Binding"),
    SESSION_SERVER_FAILOVER(
            271,
            NONE,
            ENUMERATED,
            true,
            "Session-Server-Failover",
            "0:REFUSE_SERVICE,1:TRY_AGAIN,2:ALLOW_SERVICE,3:TRY_AGAIN_ALLOW_SERVICE"),
    MULTI_ROUND_TIME_OUT(272, NONE, UNSIGNED32, true, "Multi-Round-Time-Out"),
    DISCONNECT_CAUSE(
            273, NONE, ENUMERATED, true, "Disconnect-Cause", "0:REBOOTING,1:BUSY,2:DO_NOT_WANT_TO_TALK_TO_YOU"),
    AUTH_REQUEST_TYPE(
            274,
            NONE,
            ENUMERATED,
            true,
            "Auth-Request-Type",
            "1:AUTHENTICATE_ONLY,2:AUTHORIZE_ONLY,3:AUTHORIZE_AUTHENTICATE"),
    AUTH_GRACE_PERIOD(276, NONE, UNSIGNED32, true, "Auth-Grace-Period"),
    AUTH_SESSION_STATE(277, NONE, ENUMERATED, true, "Auth-Session-State", "0:STATE_MAINTAINED,1:NO_STATE_MAINTAINED"),
    ORIGIN_STATE_ID(278, NONE, UNSIGNED32, true, "Origin-State-Id"),
    FAILED_AVP(279, NONE, GROUPED, true, "Failed-AVP"),
    PROXY_HOST(280, NONE, DIAMETER_IDENTITY, true, "Proxy-Host"),
    ERROR_MESSAGE(281, NONE, UTF8_STRING, false, "Error-Message"),
    ROUTE_RECORD(282, NONE, DIAMETER_IDENTITY, true, "Route-Record"),
    DESTINATION_REALM(283, NONE, DIAMETER_IDENTITY, true, "Destination-Realm"),
    PROXY_INFO(284, NONE, GROUPED, true, "Proxy-Info"),
    RE_AUTH_REQUEST_TYPE(
            285, NONE, ENUMERATED, true, "Re-Auth-Request-Type", "0:AUTHORIZE_ONLY,1:AUTHORIZE_AUTHENTICATE"),
    ACCOUNTING_SUB_SESSION_ID(287, NONE, UNSIGNED64, true, "Accounting-Sub-Session-Id"),
    AUTHORIZATION_LIFETIME(291, NONE, UNSIGNED32, true, "Authorization-Lifetime"),
    REDIRECT_HOST(292, NONE, DIAMETER_URI, true, "Redirect-Host"),
    DESTINATION_HOST(293, NONE, DIAMETER_IDENTITY, true, "Destination-Host"),
    ERROR_REPORTING_HOST(294, NONE, DIAMETER_IDENTITY, false, "Error-Reporting-Host"),
    TERMINATION_CAUSE(
            295,
            NONE,
            ENUMERATED,
            true,
            "Termination-Cause",
            "1:DIAMETER_LOGOUT,2:DIAMETER_SERVICE_NOT_PROVIDED,3:DIAMETER_BAD_ANSWER,4:DIAMETER_ADMINISTRATIVE,"
                    + "5:DIAMETER_LINK_BROKEN,6:DIAMETER_AUTH_EXPIRED,7:DIAMETER_USER_MOVED,8:DIAMETER_SESSION_TIMEOUT"),
    ORIGIN_REALM(296, NONE, DIAMETER_IDENTITY, true, "Origin-Realm"),
    EXPERIMENTAL_RESULT(297, NONE, GROUPED, true, "Experimental-Result"),
    EXPERIMENTAL_RESULT_CODE(298, NONE, UNSIGNED32, true, "Experimental-Result-Code"),
    INBAND_SECURITY_ID(299, NONE, UNSIGNED32, true, "Inband-Security-Id"),
    E2E_SEQUENCE(300, NONE, GROUPED, true, "E2E-Sequence"),
    ACCOUNTING_RECORD_TYPE(
            480,
            NONE,
            ENUMERATED,
            true,
            "Accounting-Record-Type",
            "1:EVENT_RECORD,2:START_RECORD,3:INTERIM_RECORD,4:STOP_RECORD"),
    ACCOUNTING_REALTIME_REQUIRED(
            483,
            NONE,
            ENUMERATED,
            true,
            "Accounting-Realtime-Required",
            "1:DELIVER_AND_GRANT,2:GRANT_AND_STORE,3:GRANT_AND_LOSE"),
    ACCOUNTING_RECORD_NUMBER(485, NONE, UNSIGNED32, true, "Accounting-Record-Number"),

    // RFC 4006 / RFC 8506 credit control
    CC_CORRELATION_ID(411, NONE, OCTET_STRING, true, "CC-Correlation-Id"),
    CC_INPUT_OCTETS(412, NONE, UNSIGNED64, true, "CC-Input-Octets"),
    CC_MONEY(413, NONE, GROUPED, true, "CC-Money"),
    CC_OUTPUT_OCTETS(414, NONE, UNSIGNED64, true, "CC-Output-Octets"),
    CC_REQUEST_NUMBER(415, NONE, UNSIGNED32, true, "CC-Request-Number"),
    CC_REQUEST_TYPE(
            416,
            NONE,
            ENUMERATED,
            true,
            "CC-Request-Type",
            "1:INITIAL_REQUEST,2:UPDATE_REQUEST,3:TERMINATION_REQUEST,4:EVENT_REQUEST"),
    CC_SERVICE_SPECIFIC_UNITS(417, NONE, UNSIGNED64, true, "CC-Service-Specific-Units"),
    CC_SESSION_FAILOVER(
            418, NONE, ENUMERATED, true, "CC-Session-Failover", "0:FAILOVER_NOT_SUPPORTED,1:FAILOVER_SUPPORTED"),
    CC_SUB_SESSION_ID(419, NONE, UNSIGNED64, true, "CC-Sub-Session-Id"),
    CC_TIME(420, NONE, UNSIGNED32, true, "CC-Time"),
    CC_TOTAL_OCTETS(421, NONE, UNSIGNED64, true, "CC-Total-Octets"),
    CHECK_BALANCE_RESULT(422, NONE, ENUMERATED, true, "Check-Balance-Result", "0:ENOUGH_CREDIT,1:NO_CREDIT"),
    COST_INFORMATION(423, NONE, GROUPED, true, "Cost-Information"),
    COST_UNIT(424, NONE, UTF8_STRING, true, "Cost-Unit"),
    CURRENCY_CODE(425, NONE, UNSIGNED32, true, "Currency-Code"),
    CREDIT_CONTROL(426, NONE, ENUMERATED, true, "Credit-Control", "0:CREDIT_AUTHORIZATION,1:RE_AUTHORIZATION"),
    CREDIT_CONTROL_FAILURE_HANDLING(
            427,
            NONE,
            ENUMERATED,
            true,
            "Credit-Control-Failure-Handling",
            "0:TERMINATE,1:CONTINUE,2:RETRY_AND_TERMINATE"),
    DIRECT_DEBITING_FAILURE_HANDLING(
            428, NONE, ENUMERATED, true, "Direct-Debiting-Failure-Handling", "0:TERMINATE_OR_BUFFER,1:CONTINUE"),
    EXPONENT(429, NONE, INTEGER32, true, "Exponent"),
    FINAL_UNIT_INDICATION(430, NONE, GROUPED, true, "Final-Unit-Indication"),
    GRANTED_SERVICE_UNIT(431, NONE, GROUPED, true, "Granted-Service-Unit"),
    RATING_GROUP(432, NONE, UNSIGNED32, true, "Rating-Group"),
    REDIRECT_ADDRESS_TYPE(
            433, NONE, ENUMERATED, true, "Redirect-Address-Type", "0:IPV4_ADDRESS,1:IPV6_ADDRESS,2:URL,3:SIP_URI"),
    REDIRECT_SERVER(434, NONE, GROUPED, true, "Redirect-Server"),
    REDIRECT_SERVER_ADDRESS(435, NONE, UTF8_STRING, true, "Redirect-Server-Address"),
    REQUESTED_ACTION(
            436,
            NONE,
            ENUMERATED,
            true,
            "Requested-Action",
            "0:DIRECT_DEBITING,1:REFUND_ACCOUNT,2:CHECK_BALANCE,3:PRICE_ENQUIRY"),
    REQUESTED_SERVICE_UNIT(437, NONE, GROUPED, true, "Requested-Service-Unit"),
    RESTRICTION_FILTER_RULE(438, NONE, IP_FILTER_RULE, true, "Restriction-Filter-Rule"),
    SERVICE_IDENTIFIER(439, NONE, UNSIGNED32, true, "Service-Identifier"),
    SERVICE_PARAMETER_INFO(440, NONE, GROUPED, true, "Service-Parameter-Info"),
    SERVICE_PARAMETER_TYPE(441, NONE, UNSIGNED32, true, "Service-Parameter-Type"),
    SERVICE_PARAMETER_VALUE(442, NONE, OCTET_STRING, true, "Service-Parameter-Value"),
    SUBSCRIPTION_ID(443, NONE, GROUPED, true, "Subscription-Id"),
    SUBSCRIPTION_ID_DATA(444, NONE, UTF8_STRING, true, "Subscription-Id-Data"),
    UNIT_VALUE(445, NONE, GROUPED, true, "Unit-Value"),
    USED_SERVICE_UNIT(446, NONE, GROUPED, true, "Used-Service-Unit"),
    VALUE_DIGITS(447, NONE, INTEGER64, true, "Value-Digits"),
    VALIDITY_TIME(448, NONE, UNSIGNED32, true, "Validity-Time"),
    FINAL_UNIT_ACTION(449, NONE, ENUMERATED, true, "Final-Unit-Action", "0:TERMINATE,1:REDIRECT,2:RESTRICT_ACCESS"),
    SUBSCRIPTION_ID_TYPE(
            450,
            NONE,
            ENUMERATED,
            true,
            "Subscription-Id-Type",
            "0:END_USER_E164,1:END_USER_IMSI,2:END_USER_SIP_URI,3:END_USER_NAI,4:END_USER_PRIVATE"),
    TARIFF_TIME_CHANGE(451, NONE, TIME, true, "Tariff-Time-Change"),
    TARIFF_CHANGE_USAGE(
            452,
            NONE,
            ENUMERATED,
            true,
            "Tariff-Change-Usage",
            "0:UNIT_BEFORE_TARIFF_CHANGE,1:UNIT_AFTER_TARIFF_CHANGE,2:UNIT_INDETERMINATE"),
    G_S_U_POOL_IDENTIFIER(453, NONE, UNSIGNED32, true, "G-S-U-Pool-Identifier"),
    CC_UNIT_TYPE(
            454,
            NONE,
            ENUMERATED,
            true,
            "CC-Unit-Type",
            "0:TIME,1:MONEY,2:TOTAL_OCTETS,3:INPUT_OCTETS,4:OUTPUT_OCTETS,5:SERVICE_SPECIFIC_UNITS"),
    MULTIPLE_SERVICES_INDICATOR(
            455,
            NONE,
            ENUMERATED,
            true,
            "Multiple-Services-Indicator",
            "0:MULTIPLE_SERVICES_NOT_SUPPORTED,1:MULTIPLE_SERVICES_SUPPORTED"),
    MULTIPLE_SERVICES_CREDIT_CONTROL(456, NONE, GROUPED, true, "Multiple-Services-Credit-Control"),
    G_S_U_POOL_REFERENCE(457, NONE, GROUPED, true, "G-S-U-Pool-Reference"),
    USER_EQUIPMENT_INFO(458, NONE, GROUPED, false, "User-Equipment-Info"),
    USER_EQUIPMENT_INFO_TYPE(
            459, NONE, ENUMERATED, false, "User-Equipment-Info-Type", "0:IMEISV,1:MAC,2:EUI64,3:MODIFIED_EUI64"),
    USER_EQUIPMENT_INFO_VALUE(460, NONE, OCTET_STRING, false, "User-Equipment-Info-Value"),
    SERVICE_CONTEXT_ID(461, NONE, UTF8_STRING, true, "Service-Context-Id"),

    // 3GPP TS 29.061 (the RADIUS-derived 3GPP AVPs a packet gateway sends on Gy)
    TGPP_IMSI(1, TGPP, UTF8_STRING, false, "3GPP-IMSI"),
    TGPP_CHARGING_ID(2, TGPP, UNSIGNED32, false, "3GPP-Charging-Id"),
    TGPP_PDP_TYPE(3, TGPP, ENUMERATED, false, "3GPP-PDP-Type", "0:IPv4,1:PPP,2:IPv6,3:IPv4v6,4:Non-IP"),
    TGPP_SGSN_ADDRESS(6, TGPP, OCTET_STRING, false, "3GPP-SGSN-Address"),
    TGPP_GGSN_ADDRESS(7, TGPP, OCTET_STRING, false, "3GPP-GGSN-Address"),
    TGPP_IMSI_MCC_MNC(8, TGPP, UTF8_STRING, false, "3GPP-IMSI-MCC-MNC"),
    TGPP_GGSN_MCC_MNC(9, TGPP, UTF8_STRING, false, "3GPP-GGSN-MCC-MNC"),
    TGPP_NSAPI(10, TGPP, OCTET_STRING, false, "3GPP-NSAPI"),
    TGPP_SELECTION_MODE(12, TGPP, UTF8_STRING, false, "3GPP-Selection-Mode"),
    TGPP_CHARGING_CHARACTERISTICS(13, TGPP, UTF8_STRING, false, "3GPP-Charging-Characteristics"),
    TGPP_SGSN_MCC_MNC(18, TGPP, UTF8_STRING, false, "3GPP-SGSN-MCC-MNC"),
    TGPP_RAT_TYPE(21, TGPP, OCTET_STRING, false, "3GPP-RAT-Type"),
    TGPP_USER_LOCATION_INFO(22, TGPP, OCTET_STRING, false, "3GPP-User-Location-Info"),
    TGPP_MS_TIMEZONE(23, TGPP, OCTET_STRING, false, "3GPP-MS-TimeZone"),

    // 3GPP TS 32.299 (Gy/Ro/Rf)
    EVENT_TYPE(823, TGPP, GROUPED, true, "Event-Type"),
    SIP_METHOD(824, TGPP, UTF8_STRING, true, "SIP-Method"),
    EVENT(825, TGPP, UTF8_STRING, true, "Event"),
    ROLE_OF_NODE(
            829, TGPP, ENUMERATED, true, "Role-Of-Node", "0:ORIGINATING_ROLE,1:TERMINATING_ROLE,2:FORWARDING_ROLE"),
    USER_SESSION_ID(830, TGPP, UTF8_STRING, true, "User-Session-Id"),
    CALLING_PARTY_ADDRESS(831, TGPP, UTF8_STRING, true, "Calling-Party-Address"),
    CALLED_PARTY_ADDRESS(832, TGPP, UTF8_STRING, true, "Called-Party-Address"),
    TIME_STAMPS(833, TGPP, GROUPED, true, "Time-Stamps"),
    SIP_REQUEST_TIMESTAMP(834, TGPP, TIME, true, "SIP-Request-Timestamp"),
    SIP_RESPONSE_TIMESTAMP(835, TGPP, TIME, true, "SIP-Response-Timestamp"),
    INTER_OPERATOR_IDENTIFIER(838, TGPP, GROUPED, true, "Inter-Operator-Identifier"),
    ORIGINATING_IOI(839, TGPP, UTF8_STRING, true, "Originating-IOI"),
    TERMINATING_IOI(840, TGPP, UTF8_STRING, true, "Terminating-IOI"),
    IMS_CHARGING_IDENTIFIER(841, TGPP, UTF8_STRING, true, "IMS-Charging-Identifier"),
    GGSN_ADDRESS(847, TGPP, ADDRESS, true, "GGSN-Address"),
    CAUSE_CODE(861, TGPP, INTEGER32, true, "Cause-Code"),
    NODE_FUNCTIONALITY(
            862,
            TGPP,
            ENUMERATED,
            true,
            "Node-Functionality",
            "0:S-CSCF,1:P-CSCF,2:I-CSCF,3:MRFC,4:MGCF,5:BGCF,6:AS,7:IBCF,8:S-GW,9:P-GW,10:HSGW,11:E-CSCF,"
                    + "12:MME,13:TRF,14:TF,15:ATCF,16:Proxy Function,17:ePDG"),
    TIME_QUOTA_THRESHOLD(868, TGPP, UNSIGNED32, true, "Time-Quota-Threshold"),
    VOLUME_QUOTA_THRESHOLD(869, TGPP, UNSIGNED32, true, "Volume-Quota-Threshold"),
    TRIGGER_TYPE(
            870,
            TGPP,
            ENUMERATED,
            true,
            "Trigger-Type",
            "1:CHANGE_IN_SGSN_IP_ADDRESS,2:CHANGE_IN_QOS,3:CHANGE_IN_LOCATION,4:CHANGE_IN_RAT,"
                    + "5:CHANGE_IN_UE_TIMEZONE,10:CHANGEINQOS_TRAFFIC_CLASS,11:CHANGEINQOS_RELIABILITY_CLASS,"
                    + "12:CHANGEINQOS_DELAY_CLASS,13:CHANGEINQOS_PEAK_THROUGHPUT,14:CHANGEINQOS_PRECEDENCE_CLASS,"
                    + "15:CHANGEINQOS_MEAN_THROUGHPUT,16:CHANGEINQOS_MAXIMUM_BIT_RATE_FOR_UPLINK,"
                    + "17:CHANGEINQOS_MAXIMUM_BIT_RATE_FOR_DOWNLINK,18:CHANGEINQOS_RESIDUAL_BER,"
                    + "19:CHANGEINQOS_SDU_ERROR_RATIO,20:CHANGEINQOS_TRANSFER_DELAY,"
                    + "21:CHANGEINQOS_TRAFFIC_HANDLING_PRIORITY,22:CHANGEINQOS_GUARANTEED_BIT_RATE_FOR_UPLINK,"
                    + "23:CHANGEINQOS_GUARANTEED_BIT_RATE_FOR_DOWNLINK,24:CHANGEINQOS_APN_AGGREGATE_MAXIMUM_BIT_RATE,"
                    + "30:CHANGEINLOCATION_MCC,31:CHANGEINLOCATION_MNC,32:CHANGEINLOCATION_RAC,"
                    + "33:CHANGEINLOCATION_LAC,34:CHANGEINLOCATION_CELLID,35:CHANGEINLOCATION_TAC,"
                    + "36:CHANGEINLOCATION_ECGI,40:CHANGE_IN_MEDIA_COMPOSITION,50:CHANGE_IN_PARTICIPANTS_NMB,"
                    + "59:CHANGE_IN_THRSHLD_OF_PARTICIPANTS_NMB,60:CHANGE_IN_USER_PARTICIPATING_TYPE,"
                    + "61:CHANGE_IN_SERVICE_CONDITION,62:CHANGE_IN_SERVING_NODE"),
    QUOTA_HOLDING_TIME(871, TGPP, UNSIGNED32, true, "Quota-Holding-Time"),
    REPORTING_REASON(
            872,
            TGPP,
            ENUMERATED,
            true,
            "Reporting-Reason",
            "0:THRESHOLD,1:QHT,2:FINAL,3:QUOTA_EXHAUSTED,4:VALIDITY_TIME,5:OTHER_QUOTA_TYPE,"
                    + "6:RATING_CONDITION_CHANGE,7:FORCED_REAUTHORISATION,8:POOL_EXHAUSTED,9:UNUSED_QUOTA_TIMER"),
    SERVICE_INFORMATION(873, TGPP, GROUPED, true, "Service-Information"),
    PS_INFORMATION(874, TGPP, GROUPED, true, "PS-Information"),
    IMS_INFORMATION(876, TGPP, GROUPED, true, "IMS-Information"),
    QUOTA_CONSUMPTION_TIME(881, TGPP, UNSIGNED32, true, "Quota-Consumption-Time"),
    CHARGING_RULE_BASE_NAME(1004, TGPP, OCTET_STRING, true, "Charging-Rule-Base-Name"),
    UNIT_QUOTA_THRESHOLD(1226, TGPP, UNSIGNED32, true, "Unit-Quota-Threshold"),
    PDP_ADDRESS(1227, TGPP, ADDRESS, true, "PDP-Address"),
    SGSN_ADDRESS(1228, TGPP, ADDRESS, true, "SGSN-Address"),
    REQUESTED_PARTY_ADDRESS(1251, TGPP, UTF8_STRING, true, "Requested-Party-Address"),
    TRIGGER(1264, TGPP, GROUPED, true, "Trigger"),
    LOW_BALANCE_INDICATION(2020, TGPP, ENUMERATED, true, "Low-Balance-Indication", "0:NOT-APPLICABLE,1:YES"),
    REMAINING_BALANCE(2021, TGPP, GROUPED, true, "Remaining-Balance"),
    PDN_CONNECTION_CHARGING_ID(2050, TGPP, UNSIGNED32, true, "PDN-Connection-Charging-ID"),
    NODE_ID(2064, TGPP, UTF8_STRING, true, "Node-Id");

    private final int code;
    private final int vendorId;
    private final AvpType type;
    /** The type's fixed data length (or -1), copied here so a validator reads it without a second hop. */
    private final int fixedLength;

    private final boolean grouped;
    private final boolean mandatory;
    private final String avpName;
    private final int[] enumValues;
    private final String[] enumNames;

    Avp(int code, int vendorId, AvpType type, boolean mandatory, String avpName) {
        this(code, vendorId, type, mandatory, avpName, "");
    }

    Avp(int code, int vendorId, AvpType type, boolean mandatory, String avpName, String enumeration) {
        this.code = code;
        this.vendorId = vendorId;
        this.type = type;
        this.fixedLength = type.fixedLength();
        this.grouped = type == AvpType.GROUPED;
        this.mandatory = mandatory;
        this.avpName = avpName;
        String[] items = enumeration.isEmpty() ? new String[0] : enumeration.split(",");
        this.enumValues = new int[items.length];
        this.enumNames = new String[items.length];
        for (int i = 0; i < items.length; i++) {
            int colon = items[i].indexOf(':');
            enumValues[i] = Integer.parseInt(items[i].substring(0, colon));
            enumNames[i] = items[i].substring(colon + 1);
        }
    }

    /** The fixed data length of this AVP's type, or -1 when its length varies. */
    public int fixedLength() {
        return fixedLength;
    }

    /** Whether this AVP is Grouped. */
    public boolean isGrouped() {
        return grouped;
    }

    /** The AVP code. */
    public int code() {
        return code;
    }

    /** The vendor id; {@link Vendor#NONE} for IETF AVPs (sent without the V bit). */
    public int vendorId() {
        return vendorId;
    }

    /** The data format. */
    public AvpType type() {
        return type;
    }

    /** Whether chargeflow sends this AVP with the M bit (the "MUST" column of the defining table). */
    public boolean mandatory() {
        return mandatory;
    }

    /** The name as written in the defining specification, e.g. {@code Multiple-Services-Credit-Control}. */
    public String avpName() {
        return avpName;
    }

    /** The AVP flags byte chargeflow sends: V when vendor-specific, M when {@link #mandatory()}. */
    public int flags() {
        return (vendorId != NONE ? 0x80 : 0) | (mandatory ? 0x40 : 0);
    }

    /** The name of an enumerated value, or null when the value is not named in the dictionary. */
    public String enumName(int value) {
        for (int i = 0; i < enumValues.length; i++) {
            if (enumValues[i] == value) {
                return enumNames[i];
            }
        }
        return null;
    }
}

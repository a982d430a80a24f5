package io.chargeflow.diameter.dictionary;

/**
 * Diameter application identifiers (IANA "Application IDs" registry) chargeflow names when printing or advertises in
 * capabilities exchange. Immutable; any thread.
 */
public enum Application {
    COMMON(0, "Diameter Common Messages"),
    NASREQ(1, "NASREQ"),
    BASE_ACCOUNTING(3, "Diameter Base Accounting"),
    CREDIT_CONTROL(4, "Diameter Credit Control Application"),
    TGPP_CX(16777216, "3GPP Cx"),
    TGPP_GX(16777238, "3GPP Gx"),
    TGPP_S6A(16777251, "3GPP S6a/S6d"),
    RELAY(0xffffffff, "Relay");

    private final int id;
    private final String applicationName;

    Application(int id, String applicationName) {
        this.id = id;
        this.applicationName = applicationName;
    }

    /** The application id as sent on the wire (an unsigned 32-bit value held in an int). */
    public int id() {
        return id;
    }

    /** A readable name. */
    public String applicationName() {
        return applicationName;
    }

    /** The readable name of an application id, or its unsigned decimal value when unknown. */
    public static String nameOf(int id) {
        for (Application application : values()) {
            if (application.id == id) {
                return application.applicationName;
            }
        }
        return Integer.toUnsignedString(id);
    }
}

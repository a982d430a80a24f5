package io.chargeflow.cdr;

/**
 * TS 32.298 causeForRecClosing with the specification's numeric values (Wireshark
 * {@code gprscdr_CauseForRecClosing_vals}), plus {@link #BINDING_CHANGE}, chargeflow's own cause for a subscriber
 * address that was re-bound to another subscriber. Immutable; used on any thread.
 */
public enum CauseForRecClosing {
    NORMAL_RELEASE(0, "normalRelease"),
    ABNORMAL_RELEASE(4, "abnormalRelease"),
    VOLUME_LIMIT(16, "volumeLimit"),
    TIME_LIMIT(17, "timeLimit"),
    SERVING_NODE_CHANGE(18, "servingNodeChange"),
    MAX_CHANGE_COND(19, "maxChangeCond"),
    MANAGEMENT_INTERVENTION(20, "managementIntervention"),
    /**
     * chargeflow: the subscriber's address binding ended or moved to another subscriber. Taken from the
     * operator-specific range above the TS 32.298 values so it never collides with a standard cause.
     */
    BINDING_CHANGE(100, "bindingChange");

    private static final CauseForRecClosing[] BY_CODE = new CauseForRecClosing[101];

    static {
        for (CauseForRecClosing cause : values()) {
            BY_CODE[cause.code] = cause;
        }
    }

    private final int code;
    private final String specName;

    CauseForRecClosing(int code, String specName) {
        this.code = code;
        this.specName = specName;
    }

    /** The TS 32.298 numeric value. */
    public int code() {
        return code;
    }

    /** The name as spelled in TS 32.298 (e.g. {@code volumeLimit}). */
    public String specName() {
        return specName;
    }

    /** Whether this cause closes the chain of partial records (it is the final record of the session). */
    public boolean isFinal() {
        return this != VOLUME_LIMIT && this != TIME_LIMIT && this != MAX_CHANGE_COND;
    }

    /** The cause with the numeric value {@code code}, or null when the code is unknown (bad input is data). */
    public static CauseForRecClosing ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}

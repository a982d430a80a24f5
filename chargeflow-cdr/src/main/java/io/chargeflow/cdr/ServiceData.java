package io.chargeflow.cdr;

/**
 * One entry of the TS 32.298 listOfServiceData (ChangeOfServiceCondition): the usage of one rating group and service
 * identifier within one record. Created by the {@link CdrAssembler} on the processor thread when a record is cut
 * (per record, never per packet); immutable afterwards.
 *
 * @param ratingGroup TS 32.298 ratingGroup
 * @param serviceIdentifier TS 32.298 serviceIdentifier (0 when none)
 * @param datavolumeFBCUplink uplink octets
 * @param datavolumeFBCDownlink downlink octets
 * @param uplinkPackets uplink packets (chargeflow)
 * @param downlinkPackets downlink packets (chargeflow)
 * @param timeOfFirstUsageMs epoch milliseconds of the first usage in this record
 * @param timeOfLastUsageMs epoch milliseconds of the last usage in this record
 * @param timeUsageMs active time in this record, milliseconds (the spec carries seconds)
 * @param serviceConditionChange TS 32.298 ServiceConditionChange bits (see the constants)
 * @param resultCode Diameter Result-Code of the service (0 when offline only)
 */
public record ServiceData(
        int ratingGroup,
        int serviceIdentifier,
        long datavolumeFBCUplink,
        long datavolumeFBCDownlink,
        long uplinkPackets,
        long downlinkPackets,
        long timeOfFirstUsageMs,
        long timeOfLastUsageMs,
        long timeUsageMs,
        int serviceConditionChange,
        int resultCode) {

    /** ServiceConditionChange bit: volumeLimit (TS 32.298, bit 14 of the BIT STRING). */
    public static final int SCC_VOLUME_LIMIT = 1 << 14;
    /** ServiceConditionChange bit: timeLimit (bit 15). */
    public static final int SCC_TIME_LIMIT = 1 << 15;
    /** ServiceConditionChange bit: serviceStop (bit 16). */
    public static final int SCC_SERVICE_STOP = 1 << 16;
    /** ServiceConditionChange bit: recordClosure (bit 21). */
    public static final int SCC_RECORD_CLOSURE = 1 << 21;
    /** ServiceConditionChange bit: managementIntervention (bit 22). */
    public static final int SCC_MANAGEMENT_INTERVENTION = 1 << 22;

    /** Uplink plus downlink octets. */
    public long totalVolume() {
        return datavolumeFBCUplink + datavolumeFBCDownlink;
    }
}

package io.chargeflow.cdr;

import java.util.List;
import java.util.Objects;

/**
 * One PGW-CDR after 3GPP TS 32.298 §5.2 (PGWRecord), with chargeflow's own fields. Built by the {@link CdrAssembler}
 * on the owning processor's thread (one per cut record, never per packet), encoded by {@link CdrCodec} and handed to
 * the journal writer; immutable, so any thread may read it.
 *
 * <p>{@code localSequenceNumber} is node-wide and gap-free because the journal writer assigns it: it is the sequence
 * of the journal frame that holds the record (0 until journalled; {@link CdrCodec#decode} fills it from the frame).
 * {@code recordSequenceNumber} numbers the partial records of one session from 1 without gaps.
 *
 * @param recordType TS 32.298 RecordType, {@link #PGW_RECORD} (85)
 * @param servedIMSI IMSI digits, or null
 * @param servedMSISDN MSISDN digits, or null
 * @param servedPDPPDNAddress the subscriber's IP address as text
 * @param chargingID unique per session on this node
 * @param nodeID the node that produced the record
 * @param recordOpeningTimeMs epoch milliseconds the record opened
 * @param durationMs record duration in milliseconds (the spec carries seconds)
 * @param causeForRecClosing why this record was cut
 * @param recordSequenceNumber 1-based number of this record in the session's chain
 * @param localSequenceNumber node-wide number, assigned by the journal
 * @param listOfServiceData usage per rating group and service
 * @param chargingSide chargeflow: side the subscriber was seen on
 * @param subscriberKeyHi chargeflow: subscriber key, high 64 bits
 * @param subscriberKeyLo chargeflow: subscriber key, low 64 bits
 * @param peerToPeer chargeflow: whether the other end was a subscriber too
 * @param peerKeyHi chargeflow: peer subscriber key, high 64 bits (0 unless peer-to-peer)
 * @param peerKeyLo chargeflow: peer subscriber key, low 64 bits (0 unless peer-to-peer)
 * @param subscriberId chargeflow: directory id, 0 when unattributed
 * @param account chargeflow: billing account, or null
 * @param plan chargeflow: tariff plan, or null
 */
public record PgwRecord(
        int recordType,
        String servedIMSI,
        String servedMSISDN,
        String servedPDPPDNAddress,
        long chargingID,
        String nodeID,
        long recordOpeningTimeMs,
        long durationMs,
        CauseForRecClosing causeForRecClosing,
        int recordSequenceNumber,
        long localSequenceNumber,
        List<ServiceData> listOfServiceData,
        ChargingSide chargingSide,
        long subscriberKeyHi,
        long subscriberKeyLo,
        boolean peerToPeer,
        long peerKeyHi,
        long peerKeyLo,
        long subscriberId,
        String account,
        String plan) {

    /** TS 32.298 RecordType pGWRecord. */
    public static final int PGW_RECORD = 85;

    public PgwRecord {
        Objects.requireNonNull(causeForRecClosing, "causeForRecClosing");
        Objects.requireNonNull(chargingSide, "chargingSide");
        listOfServiceData = List.copyOf(listOfServiceData);
        if (recordSequenceNumber < 1) {
            throw new IllegalArgumentException("recordSequenceNumber=" + recordSequenceNumber + " must be >= 1");
        }
    }

    /** A copy with the journal-assigned node-wide sequence. */
    public PgwRecord withLocalSequenceNumber(long sequence) {
        return new PgwRecord(
                recordType,
                servedIMSI,
                servedMSISDN,
                servedPDPPDNAddress,
                chargingID,
                nodeID,
                recordOpeningTimeMs,
                durationMs,
                causeForRecClosing,
                recordSequenceNumber,
                sequence,
                listOfServiceData,
                chargingSide,
                subscriberKeyHi,
                subscriberKeyLo,
                peerToPeer,
                peerKeyHi,
                peerKeyLo,
                subscriberId,
                account,
                plan);
    }

    /** Sum of uplink and downlink octets over all containers. */
    public long totalVolume() {
        long total = 0;
        for (ServiceData data : listOfServiceData) {
            total += data.totalVolume();
        }
        return total;
    }
}

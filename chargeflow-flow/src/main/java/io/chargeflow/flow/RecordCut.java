package io.chargeflow.flow;

/** Why a partial record of a session was cut (TS 32.298 causeForRecClosing of partial records). */
public enum RecordCut {
    /** The record reached the volume limit. */
    VOLUME_LIMIT,
    /** The record reached the time limit. */
    TIME_LIMIT,
    /** A new container would exceed the container limit of a record (maxChangeCond). */
    MAX_CONTAINERS
}

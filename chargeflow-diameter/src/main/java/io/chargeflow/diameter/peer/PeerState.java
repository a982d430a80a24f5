package io.chargeflow.diameter.peer;

/** The states of the peer state machine of RFC 6733 §5.6. */
public enum PeerState {
    CLOSED,
    WAIT_CONN_ACK,
    WAIT_I_CEA,
    WAIT_CONN_ACK_ELECT,
    WAIT_RETURNS,
    R_OPEN,
    I_OPEN,
    CLOSING;

    /** True in I-Open and R-Open, where application messages flow. */
    public boolean isOpen() {
        return this == R_OPEN || this == I_OPEN;
    }
}

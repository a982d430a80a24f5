package io.chargeflow.packet;

/**
 * GTP-U version 1 header (3GPP TS 29.281 §5).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Ver=1|P|R|E|S|N| Message Type  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Tunnel Endpoint Identifier (TEID)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       Sequence Number         |  N-PDU Number | Next Ext Type |  present when E, S or N is set
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Ext Length    |   contents (Ext Length * 4 - 2 octets) ...    |  repeated while Next Ext Type != 0;
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  its last octet is the next type
 * </pre>
 *
 * <p>Length counts the octets after the first 8 (optional fields, extensions and the T-PDU). Message type 255
 * (G-PDU) carries a subscriber packet; echo (1, 2), error indication (26), supported extension headers
 * notification (31) and end marker (254) are path signalling.
 */
final class GtpuFlyweight extends Flyweight {
    static final int MANDATORY_LENGTH = 8;
    static final int OPTIONAL_LENGTH = 4;
    static final int G_PDU = 255;

    int nextExtensionType() {
        return u8(11);
    }
}

package io.chargeflow.cdr;

/**
 * Configuration of a {@link CdrAssembler}: when partial records are cut. Immutable; built on the control plane.
 *
 * @param nodeID the node name written into every record
 * @param volumeLimitOctets cut a partial record (volumeLimit) once a record holds this many octets; 0 = never
 * @param timeLimitMs cut a partial record (timeLimit) once a record is this old; 0 = never
 * @param maxChangeConditions cut a partial record (maxChangeCond) before a record would hold more containers than
 *     this; 0 = unlimited
 * @param maxSessions how many sessions one assembler holds before its table grows (it doubles when full)
 */
public record AssemblerContext(
        String nodeID, long volumeLimitOctets, long timeLimitMs, int maxChangeConditions, int maxSessions) {

    public AssemblerContext {
        if (nodeID == null || nodeID.isBlank()) {
            throw new IllegalArgumentException("nodeID=" + nodeID + " must not be blank");
        }
        if (volumeLimitOctets < 0) {
            throw new IllegalArgumentException("volumeLimitOctets=" + volumeLimitOctets + " must be >= 0");
        }
        if (timeLimitMs < 0) {
            throw new IllegalArgumentException("timeLimitMs=" + timeLimitMs + " must be >= 0");
        }
        if (maxChangeConditions < 0) {
            throw new IllegalArgumentException("maxChangeConditions=" + maxChangeConditions + " must be >= 0");
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions=" + maxSessions + " must be >= 1");
        }
    }

    /** No partial records, 65,536 sessions. */
    public static AssemblerContext unlimited(String nodeID) {
        return new AssemblerContext(nodeID, 0, 0, 0, 65_536);
    }
}

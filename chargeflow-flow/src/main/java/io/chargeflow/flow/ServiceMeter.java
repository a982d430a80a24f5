package io.chargeflow.flow;

import io.chargeflow.flow.internal.KeyIndex;
import io.chargeflow.flow.internal.RecordLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-processor rating-group metering: a flow table (5-tuple to decision, idle timeout on packet time) and the usage
 * containers of each session per decision. Owned by one {@link Processor} and called on its thread only.
 *
 * <p>A flow is decided at its first packet by {@link ServiceRules#decide}. A TCP flow that has carried no payload yet
 * stays provisional: at its first payload packet (which carries the TLS SNI or HTTP Host) it is decided again, and
 * the handshake's usage moves to the container of the final decision, so a server name still counts.
 */
final class ServiceMeter {
    private static final int TCP = 6;
    private static final int C_UL_PACKETS = 0;
    private static final int C_UL_BYTES = 1;
    private static final int C_DL_PACKETS = 2;
    private static final int C_DL_BYTES = 3;
    private static final int C_FIRST_NS = 4;
    private static final int C_LAST_NS = 5;
    private static final int C_ACTIVE_NS = 6;
    private static final int F_SESSION = 0;
    private static final int F_LAST_NS = 1;
    private static final int F_DECISION = 2;
    private static final int F_PROVISIONAL = 3;

    private final ServiceRules rules;
    private final long flowIdleNs;
    private final long activityNs;

    private final KeyIndex flows;
    /** Hot flow columns interleaved, four longs per flow: session id, last packet time, decision, provisional. */
    private long[] flow;

    private long[] flowUlPackets;
    private long[] flowUlBytes;
    private long[] flowDlPackets;
    private long[] flowDlBytes;
    private long[] flowActiveNs;

    private final KeyIndex containers;
    /**
     * Container columns interleaved, eight longs (one cache line) per container: uplink packets, uplink bytes,
     * downlink packets, downlink bytes, first usage, last usage, active time.
     */
    private long[] cont;

    private long redecided;

    // what the last onPacket did, for the session recorder (read right after the call, processor thread)
    private long lastActiveDelta;
    private boolean moved;
    private int movedFrom;
    private long movedUlPackets;
    private long movedUlBytes;
    private long movedDlPackets;
    private long movedDlBytes;
    private long movedActiveNs;
    private long movedFirstNs;
    private long[] flowFirstNs;
    /** Per session row of the processor: the row of its last-used container (a hint, checked before use). */
    private int[] containerHint = new int[1024];

    ServiceMeter(ServiceRules rules, int expectedSessions, long flowIdleNs, long activityNs) {
        this.rules = rules;
        this.flowIdleNs = flowIdleNs;
        this.activityNs = activityNs;
        flows = new KeyIndex(expectedSessions * 2);
        growFlows(flows.capacity());
        containers = new KeyIndex(expectedSessions * 2);
        growContainers(containers.capacity());
    }

    /**
     * Meters one packet of a session and returns the decision its usage went to (bit to set in the session's mask).
     */
    int onPacket(
            int sessionRow,
            long sessionId,
            long keyHi,
            long keyLo,
            long peerHi,
            long peerLo,
            long ports,
            long meta,
            long nameMask,
            long timeNs) {
        int protocol = RecordLayout.protocol(meta);
        boolean portKnown = (ports & RecordLayout.PORTS_KNOWN_BIT) != 0;
        boolean payload = (ports & RecordLayout.PAYLOAD_BIT) != 0;
        int serverPort = (int) (ports >>> 16) & 0xFFFF;
        int bytes = RecordLayout.bytes(meta);
        boolean downlink = RecordLayout.downlink(meta);
        moved = false;
        if (protocol != TCP || !rules.usesNames()) {
            // Nothing later in the flow can change its decision (no TLS SNI or HTTP Host to wait for): the rules are
            // a function of the 5-tuple and of the DNS-learned server names the reader attaches to every packet, so
            // the flow needs no table entry.
            int decision = rules.decide(protocol, serverPort, portKnown, peerHi, peerLo, nameMask);
            count(container(sessionRow, sessionId, decision, timeNs), downlink, bytes, timeNs);
            return decision;
        }
        long fa = flowHashA(keyHi, keyLo, peerHi, peerLo, ports, protocol);
        long fb = flowHashB(keyHi, keyLo, peerHi, peerLo, ports, protocol);
        int f = flows.find(fa, fb);
        if (f < 0) {
            f = flows.insert(fa, fb);
            if (f << 2 >= flow.length) {
                growFlows(flows.capacity());
            }
            flow[(f << 2) + F_SESSION] = sessionId;
            flow[(f << 2) + F_DECISION] = rules.decide(protocol, serverPort, portKnown, peerHi, peerLo, nameMask);
            flow[(f << 2) + F_PROVISIONAL] =
                    (rules.usesNames() && protocol == TCP && !payload && nameMask == 0) ? 1 : 0;
            flow[(f << 2) + F_LAST_NS] = timeNs;
            flowFirstNs[f] = timeNs;
            clearFlowUsage(f);
        } else if (flow[(f << 2) + F_SESSION] != sessionId) {
            // the session closed and a new one started: the flow keeps its decision, counts afresh
            flow[(f << 2) + F_SESSION] = sessionId;
            flow[(f << 2) + F_PROVISIONAL] = 0;
            flowFirstNs[f] = timeNs;
            clearFlowUsage(f);
        } else if ((flow[(f << 2) + F_PROVISIONAL] != 0) && (payload || nameMask != 0)) {
            flow[(f << 2) + F_PROVISIONAL] = 0;
            int decision = rules.decide(protocol, serverPort, portKnown, peerHi, peerLo, nameMask);
            if (decision != (int) flow[(f << 2) + F_DECISION]) {
                moveFlowUsage(f, sessionRow, sessionId, decision);
                flow[(f << 2) + F_DECISION] = decision;
            }
        }
        int decision = (int) flow[(f << 2) + F_DECISION];
        count(container(sessionRow, sessionId, decision, timeNs), downlink, bytes, timeNs);
        if ((flow[(f << 2) + F_PROVISIONAL] != 0)) {
            long gap = timeNs - flow[(f << 2) + F_LAST_NS];
            if (gap > 0 && gap <= activityNs) {
                flowActiveNs[f] += gap;
            }
            if (downlink) {
                flowDlPackets[f]++;
                flowDlBytes[f] += bytes;
            } else {
                flowUlPackets[f]++;
                flowUlBytes[f] += bytes;
            }
        }
        flow[(f << 2) + F_LAST_NS] = timeNs;
        return decision;
    }

    private void count(int c, boolean downlink, int bytes, long timeNs) {
        if (downlink) {
            cont[(c << 3) + C_DL_PACKETS]++;
            cont[(c << 3) + C_DL_BYTES] += bytes;
        } else {
            cont[(c << 3) + C_UL_PACKETS]++;
            cont[(c << 3) + C_UL_BYTES] += bytes;
        }
        touch(c, timeNs);
    }

    private void touch(int c, long timeNs) {
        long gap = timeNs - cont[(c << 3) + C_LAST_NS];
        lastActiveDelta = 0;
        if (gap > 0) {
            if (gap <= activityNs) {
                cont[(c << 3) + C_ACTIVE_NS] += gap;
                lastActiveDelta = gap;
            }
            cont[(c << 3) + C_LAST_NS] = timeNs;
        }
    }

    /**
     * The container of (session, decision). The session's last container is remembered per session row and checked
     * against its key (rows move when containers close), which saves the hash probe for most packets.
     */
    private int container(int sessionRow, long sessionId, int decision, long timeNs) {
        if (sessionRow >= containerHint.length) {
            containerHint = Arrays.copyOf(containerHint, Math.max(sessionRow + 1, containerHint.length * 3 / 2));
        }
        int hint = containerHint[sessionRow];
        if (hint < containers.size() && containers.lo(hint) == decision && containers.hi(hint) == sessionId) {
            return hint;
        }
        int c = containers.find(sessionId, decision);
        if (c < 0) {
            c = containers.insert(sessionId, decision);
            if (c << 3 >= cont.length) {
                growContainers(containers.capacity());
            }
            cont[(c << 3) + C_UL_PACKETS] = 0;
            cont[(c << 3) + C_UL_BYTES] = 0;
            cont[(c << 3) + C_DL_PACKETS] = 0;
            cont[(c << 3) + C_DL_BYTES] = 0;
            cont[(c << 3) + C_FIRST_NS] = timeNs;
            cont[(c << 3) + C_LAST_NS] = timeNs;
            cont[(c << 3) + C_ACTIVE_NS] = 0;
        }
        containerHint[sessionRow] = c;
        return c;
    }

    private void moveFlowUsage(int f, int sessionRow, long sessionId, int decision) {
        redecided++;
        int to = container(sessionRow, sessionId, decision, flow[(f << 2) + F_LAST_NS]);
        int from = containers.find(sessionId, (int) flow[(f << 2) + F_DECISION]);
        cont[(from << 3) + C_UL_PACKETS] -= flowUlPackets[f];
        cont[(from << 3) + C_UL_BYTES] -= flowUlBytes[f];
        cont[(from << 3) + C_DL_PACKETS] -= flowDlPackets[f];
        cont[(from << 3) + C_DL_BYTES] -= flowDlBytes[f];
        cont[(to << 3) + C_UL_PACKETS] += flowUlPackets[f];
        cont[(to << 3) + C_UL_BYTES] += flowUlBytes[f];
        cont[(to << 3) + C_DL_PACKETS] += flowDlPackets[f];
        cont[(to << 3) + C_DL_BYTES] += flowDlBytes[f];
        long active = Math.min(flowActiveNs[f], cont[(from << 3) + C_ACTIVE_NS]);
        cont[(from << 3) + C_ACTIVE_NS] -= active;
        cont[(to << 3) + C_ACTIVE_NS] += active;
        moved = true;
        movedFrom = (int) flow[(f << 2) + F_DECISION];
        movedUlPackets = flowUlPackets[f];
        movedUlBytes = flowUlBytes[f];
        movedDlPackets = flowDlPackets[f];
        movedDlBytes = flowDlBytes[f];
        movedActiveNs = active;
        movedFirstNs = flowFirstNs[f];
        if (cont[(from << 3) + C_FIRST_NS] < cont[(to << 3) + C_FIRST_NS]) {
            cont[(to << 3) + C_FIRST_NS] = cont[(from << 3) + C_FIRST_NS];
        }
        if (cont[(from << 3) + C_LAST_NS] > cont[(to << 3) + C_LAST_NS]) {
            cont[(to << 3) + C_LAST_NS] = cont[(from << 3) + C_LAST_NS];
        }
        clearFlowUsage(f);
    }

    private void clearFlowUsage(int f) {
        flowUlPackets[f] = 0;
        flowUlBytes[f] = 0;
        flowDlPackets[f] = 0;
        flowDlBytes[f] = 0;
        flowActiveNs[f] = 0;
    }

    /** The containers of a closing session, in decision order; they are removed. */
    List<ServiceUsage> close(long sessionId, long decisions) {
        if (decisions == 0) {
            return List.of();
        }
        List<ServiceUsage> services = new ArrayList<>(Long.bitCount(decisions));
        for (long bits = decisions; bits != 0; bits &= bits - 1) {
            int decision = Long.numberOfTrailingZeros(bits);
            int c = containers.find(sessionId, decision);
            if (c < 0) {
                continue;
            }
            if (cont[(c << 3) + C_UL_PACKETS] + cont[(c << 3) + C_DL_PACKETS] > 0) {
                services.add(new ServiceUsage(
                        rules.ratingGroup(decision),
                        rules.serviceId(decision),
                        rules.label(decision),
                        cont[(c << 3) + C_UL_PACKETS],
                        cont[(c << 3) + C_UL_BYTES],
                        cont[(c << 3) + C_DL_PACKETS],
                        cont[(c << 3) + C_DL_BYTES],
                        cont[(c << 3) + C_FIRST_NS],
                        cont[(c << 3) + C_LAST_NS],
                        cont[(c << 3) + C_ACTIVE_NS]));
            }
            int moved = containers.remove(c);
            if (moved >= 0) {
                cont[(c << 3) + C_UL_PACKETS] = cont[(moved << 3) + C_UL_PACKETS];
                cont[(c << 3) + C_UL_BYTES] = cont[(moved << 3) + C_UL_BYTES];
                cont[(c << 3) + C_DL_PACKETS] = cont[(moved << 3) + C_DL_PACKETS];
                cont[(c << 3) + C_DL_BYTES] = cont[(moved << 3) + C_DL_BYTES];
                cont[(c << 3) + C_FIRST_NS] = cont[(moved << 3) + C_FIRST_NS];
                cont[(c << 3) + C_LAST_NS] = cont[(moved << 3) + C_LAST_NS];
                cont[(c << 3) + C_ACTIVE_NS] = cont[(moved << 3) + C_ACTIVE_NS];
            }
        }
        return services;
    }

    /** Forgets flows idle for longer than the flow idle timeout. */
    void sweep(long nowNs) {
        for (int f = flows.size() - 1; f >= 0; f--) {
            if (nowNs - flow[(f << 2) + F_LAST_NS] > flowIdleNs) {
                int moved = flows.remove(f);
                if (moved >= 0) {
                    flow[(f << 2) + F_SESSION] = flow[(moved << 2) + F_SESSION];
                    flow[(f << 2) + F_LAST_NS] = flow[(moved << 2) + F_LAST_NS];
                    flow[(f << 2) + F_DECISION] = flow[(moved << 2) + F_DECISION];
                    flow[(f << 2) + F_PROVISIONAL] = flow[(moved << 2) + F_PROVISIONAL];
                    flowUlPackets[f] = flowUlPackets[moved];
                    flowUlBytes[f] = flowUlBytes[moved];
                    flowDlPackets[f] = flowDlPackets[moved];
                    flowDlBytes[f] = flowDlBytes[moved];
                    flowActiveNs[f] = flowActiveNs[moved];
                    flowFirstNs[f] = flowFirstNs[moved];
                }
            }
        }
    }

    /** Active time the last packet added to its container. */
    long lastActiveDelta() {
        return lastActiveDelta;
    }

    /** Whether the last packet re-decided its flow and moved the flow's earlier usage to another decision. */
    boolean moved() {
        return moved;
    }

    int movedFrom() {
        return movedFrom;
    }

    long movedUlPackets() {
        return movedUlPackets;
    }

    long movedUlBytes() {
        return movedUlBytes;
    }

    long movedDlPackets() {
        return movedDlPackets;
    }

    long movedDlBytes() {
        return movedDlBytes;
    }

    long movedActiveNs() {
        return movedActiveNs;
    }

    long movedFirstNs() {
        return movedFirstNs;
    }

    ServiceRules rules() {
        return rules;
    }

    int flows() {
        return flows.size();
    }

    long redecided() {
        return redecided;
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        return h ^ (h >>> 33);
    }

    /**
     * Two independent 64-bit hashes of the 5-tuple (subscriber key, server address, ports, protocol) form the flow
     * table's 128-bit key: a collision of both needs about 2^64 flows, far beyond any table here.
     */
    private static long flowHashA(long keyHi, long keyLo, long peerHi, long peerLo, long ports, int protocol) {
        return mix(keyLo * 0x9E37_79B9_7F4A_7C15L
                ^ peerLo
                ^ Long.rotateLeft(keyHi ^ peerHi, 29)
                ^ ((ports & 0xFFFF_FFFFL) | ((long) protocol << 40)) * 0xC2B2_AE3D_27D4_EB4FL);
    }

    private static long flowHashB(long keyHi, long keyLo, long peerHi, long peerLo, long ports, int protocol) {
        return mix(peerLo * 0xD6E8_FEB8_6659_FD93L
                ^ keyLo
                ^ Long.rotateLeft(peerHi * 0x1656_67B1_9E37_79F9L ^ keyHi, 17)
                ^ ((ports & 0xFFFF_FFFFL) | ((long) protocol << 40)));
    }

    private void growFlows(int rows) {
        flow = Arrays.copyOf(flow == null ? new long[0] : flow, rows << 2);
        flowUlPackets = Arrays.copyOf(flowUlPackets == null ? new long[0] : flowUlPackets, rows);
        flowUlBytes = Arrays.copyOf(flowUlBytes == null ? new long[0] : flowUlBytes, rows);
        flowDlPackets = Arrays.copyOf(flowDlPackets == null ? new long[0] : flowDlPackets, rows);
        flowDlBytes = Arrays.copyOf(flowDlBytes == null ? new long[0] : flowDlBytes, rows);
        flowActiveNs = Arrays.copyOf(flowActiveNs == null ? new long[0] : flowActiveNs, rows);
        flowFirstNs = Arrays.copyOf(flowFirstNs == null ? new long[0] : flowFirstNs, rows);
    }

    private void growContainers(int rows) {
        cont = Arrays.copyOf(cont == null ? new long[0] : cont, rows << 3);
    }
}

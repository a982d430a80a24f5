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

    private final ServiceRules rules;
    private final long flowIdleNs;
    private final long activityNs;

    private final KeyIndex flows;
    private long[] flowSession;
    private long[] flowLastNs;
    private int[] flowDecision;
    private boolean[] flowProvisional;
    private long[] flowUlPackets;
    private long[] flowUlBytes;
    private long[] flowDlPackets;
    private long[] flowDlBytes;
    private long[] flowActiveNs;

    private final KeyIndex containers;
    private long[] ulPackets;
    private long[] ulBytes;
    private long[] dlPackets;
    private long[] dlBytes;
    private long[] firstNs;
    private long[] lastNs;
    private long[] activeNs;

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
    int onPacket(int sessionRow, long sessionId, long keyHi, long keyLo, long peerHi, long peerLo, long ports,
            long meta, long nameMask, long timeNs) {
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
            int decision = cachedDecision(protocol, serverPort, portKnown, peerHi, peerLo, nameMask);
            count(container(sessionRow, sessionId, decision, timeNs), downlink, bytes, timeNs);
            return decision;
        }
        long fa = flowHashA(keyHi, keyLo, peerHi, peerLo, ports, protocol);
        long fb = flowHashB(keyHi, keyLo, peerHi, peerLo, ports, protocol);
        int f = flows.find(fa, fb);
        if (f < 0) {
            f = flows.insert(fa, fb);
            if (f >= flowSession.length) {
                growFlows(flows.capacity());
            }
            flowSession[f] = sessionId;
            flowDecision[f] = rules.decide(protocol, serverPort, portKnown, peerHi, peerLo, nameMask);
            flowProvisional[f] = rules.usesNames() && protocol == TCP && !payload && nameMask == 0;
            flowLastNs[f] = timeNs;
            flowFirstNs[f] = timeNs;
            clearFlowUsage(f);
        } else if (flowSession[f] != sessionId) {
            // the session closed and a new one started: the flow keeps its decision, counts afresh
            flowSession[f] = sessionId;
            flowProvisional[f] = false;
            flowFirstNs[f] = timeNs;
            clearFlowUsage(f);
        } else if (flowProvisional[f] && (payload || nameMask != 0)) {
            flowProvisional[f] = false;
            int decision = rules.decide(protocol, serverPort, portKnown, peerHi, peerLo, nameMask);
            if (decision != flowDecision[f]) {
                moveFlowUsage(f, sessionRow, sessionId, decision);
                flowDecision[f] = decision;
            }
        }
        int decision = flowDecision[f];
        count(container(sessionRow, sessionId, decision, timeNs), downlink, bytes, timeNs);
        if (flowProvisional[f]) {
            long gap = timeNs - flowLastNs[f];
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
        flowLastNs[f] = timeNs;
        return decision;
    }

    // a direct-mapped cache of rule decisions by (protocol, server port, server address, name mask): the packets of
    // a flow repeat the same inputs, and decide() walks the rules in order
    private static final int DECISION_CACHE = 1 << 12;
    private final long[] cacheServerHi = new long[DECISION_CACHE];
    private final long[] cacheServerLo = new long[DECISION_CACHE];
    private final long[] cachePort = new long[DECISION_CACHE];
    private final long[] cacheMask = new long[DECISION_CACHE];
    private final int[] cacheDecision = new int[DECISION_CACHE];

    private int cachedDecision(int protocol, int serverPort, boolean portKnown, long serverHi, long serverLo,
            long nameMask) {
        long portKey = ((long) protocol << 17) | ((long) serverPort << 1) | (portKnown ? 1 : 0) | (1L << 40);
        int slot = (int) mix(serverLo ^ serverHi * 31 ^ portKey ^ nameMask * 0x9E37_79B9_7F4A_7C15L)
                & (DECISION_CACHE - 1);
        if (cachePort[slot] == portKey && cacheMask[slot] == nameMask && cacheServerLo[slot] == serverLo
                && cacheServerHi[slot] == serverHi) {
            return cacheDecision[slot];
        }
        int decision = rules.decide(protocol, serverPort, portKnown, serverHi, serverLo, nameMask);
        cachePort[slot] = portKey;
        cacheMask[slot] = nameMask;
        cacheServerLo[slot] = serverLo;
        cacheServerHi[slot] = serverHi;
        cacheDecision[slot] = decision;
        return decision;
    }

    private void count(int c, boolean downlink, int bytes, long timeNs) {
        if (downlink) {
            dlPackets[c]++;
            dlBytes[c] += bytes;
        } else {
            ulPackets[c]++;
            ulBytes[c] += bytes;
        }
        touch(c, timeNs);
    }

    private void touch(int c, long timeNs) {
        long gap = timeNs - lastNs[c];
        lastActiveDelta = 0;
        if (gap > 0) {
            if (gap <= activityNs) {
                activeNs[c] += gap;
                lastActiveDelta = gap;
            }
            lastNs[c] = timeNs;
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
            if (c >= ulPackets.length) {
                growContainers(containers.capacity());
            }
            ulPackets[c] = 0;
            ulBytes[c] = 0;
            dlPackets[c] = 0;
            dlBytes[c] = 0;
            firstNs[c] = timeNs;
            lastNs[c] = timeNs;
            activeNs[c] = 0;
        }
        containerHint[sessionRow] = c;
        return c;
    }

    private void moveFlowUsage(int f, int sessionRow, long sessionId, int decision) {
        redecided++;
        int to = container(sessionRow, sessionId, decision, flowLastNs[f]);
        int from = containers.find(sessionId, flowDecision[f]);
        ulPackets[from] -= flowUlPackets[f];
        ulBytes[from] -= flowUlBytes[f];
        dlPackets[from] -= flowDlPackets[f];
        dlBytes[from] -= flowDlBytes[f];
        ulPackets[to] += flowUlPackets[f];
        ulBytes[to] += flowUlBytes[f];
        dlPackets[to] += flowDlPackets[f];
        dlBytes[to] += flowDlBytes[f];
        long active = Math.min(flowActiveNs[f], activeNs[from]);
        activeNs[from] -= active;
        activeNs[to] += active;
        moved = true;
        movedFrom = flowDecision[f];
        movedUlPackets = flowUlPackets[f];
        movedUlBytes = flowUlBytes[f];
        movedDlPackets = flowDlPackets[f];
        movedDlBytes = flowDlBytes[f];
        movedActiveNs = active;
        movedFirstNs = flowFirstNs[f];
        if (firstNs[from] < firstNs[to]) {
            firstNs[to] = firstNs[from];
        }
        if (lastNs[from] > lastNs[to]) {
            lastNs[to] = lastNs[from];
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
            if (ulPackets[c] + dlPackets[c] > 0) {
                services.add(new ServiceUsage(rules.ratingGroup(decision), rules.serviceId(decision),
                        rules.label(decision), ulPackets[c], ulBytes[c], dlPackets[c], dlBytes[c], firstNs[c],
                        lastNs[c], activeNs[c]));
            }
            int moved = containers.remove(c);
            if (moved >= 0) {
                ulPackets[c] = ulPackets[moved];
                ulBytes[c] = ulBytes[moved];
                dlPackets[c] = dlPackets[moved];
                dlBytes[c] = dlBytes[moved];
                firstNs[c] = firstNs[moved];
                lastNs[c] = lastNs[moved];
                activeNs[c] = activeNs[moved];
            }
        }
        return services;
    }

    /** Forgets flows idle for longer than the flow idle timeout. */
    void sweep(long nowNs) {
        for (int f = flows.size() - 1; f >= 0; f--) {
            if (nowNs - flowLastNs[f] > flowIdleNs) {
                int moved = flows.remove(f);
                if (moved >= 0) {
                    flowSession[f] = flowSession[moved];
                    flowLastNs[f] = flowLastNs[moved];
                    flowDecision[f] = flowDecision[moved];
                    flowProvisional[f] = flowProvisional[moved];
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
        return mix(keyLo * 0x9E37_79B9_7F4A_7C15L ^ peerLo ^ Long.rotateLeft(keyHi ^ peerHi, 29)
                ^ ((ports & 0xFFFF_FFFFL) | ((long) protocol << 40)) * 0xC2B2_AE3D_27D4_EB4FL);
    }

    private static long flowHashB(long keyHi, long keyLo, long peerHi, long peerLo, long ports, int protocol) {
        return mix(peerLo * 0xD6E8_FEB8_6659_FD93L ^ keyLo ^ Long.rotateLeft(peerHi * 0x1656_67B1_9E37_79F9L ^ keyHi,
                17) ^ ((ports & 0xFFFF_FFFFL) | ((long) protocol << 40)));
    }

    private void growFlows(int rows) {
        flowSession = Arrays.copyOf(flowSession == null ? new long[0] : flowSession, rows);
        flowLastNs = Arrays.copyOf(flowLastNs == null ? new long[0] : flowLastNs, rows);
        flowDecision = Arrays.copyOf(flowDecision == null ? new int[0] : flowDecision, rows);
        flowProvisional = Arrays.copyOf(flowProvisional == null ? new boolean[0] : flowProvisional, rows);
        flowUlPackets = Arrays.copyOf(flowUlPackets == null ? new long[0] : flowUlPackets, rows);
        flowUlBytes = Arrays.copyOf(flowUlBytes == null ? new long[0] : flowUlBytes, rows);
        flowDlPackets = Arrays.copyOf(flowDlPackets == null ? new long[0] : flowDlPackets, rows);
        flowDlBytes = Arrays.copyOf(flowDlBytes == null ? new long[0] : flowDlBytes, rows);
        flowActiveNs = Arrays.copyOf(flowActiveNs == null ? new long[0] : flowActiveNs, rows);
        flowFirstNs = Arrays.copyOf(flowFirstNs == null ? new long[0] : flowFirstNs, rows);
    }

    private void growContainers(int rows) {
        ulPackets = Arrays.copyOf(ulPackets == null ? new long[0] : ulPackets, rows);
        ulBytes = Arrays.copyOf(ulBytes == null ? new long[0] : ulBytes, rows);
        dlPackets = Arrays.copyOf(dlPackets == null ? new long[0] : dlPackets, rows);
        dlBytes = Arrays.copyOf(dlBytes == null ? new long[0] : dlBytes, rows);
        firstNs = Arrays.copyOf(firstNs == null ? new long[0] : firstNs, rows);
        lastNs = Arrays.copyOf(lastNs == null ? new long[0] : lastNs, rows);
        activeNs = Arrays.copyOf(activeNs == null ? new long[0] : activeNs, rows);
    }
}

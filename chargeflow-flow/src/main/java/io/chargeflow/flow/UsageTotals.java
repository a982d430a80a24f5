package io.chargeflow.flow;

import io.chargeflow.flow.internal.KeyIndex;
import java.util.Arrays;

/**
 * Per-subscriber-key totals of a run, summed over every closed session of the key: what {@code usage.csv} reports.
 * Owned by one processor and written only on its thread when a session closes; read after the processor finished.
 */
public final class UsageTotals {
    private final KeyIndex keys;
    private long[] ulPackets;
    private long[] ulBytes;
    private long[] dlPackets;
    private long[] dlBytes;
    private long[] peerHi;
    private long[] peerLo;
    private long[] sessions;
    private boolean[] peerToPeer;
    private Subscriber[] subscriber;

    UsageTotals(int expectedKeys) {
        keys = new KeyIndex(expectedKeys);
        resize(keys.capacity());
    }

    void add(ClosedSession session) {
        int row = keys.find(session.keyHi(), session.keyLo());
        if (row < 0) {
            row = keys.insert(session.keyHi(), session.keyLo());
            if (row >= ulPackets.length) {
                resize(keys.capacity());
            }
        }
        ulPackets[row] += session.ulPackets();
        ulBytes[row] += session.ulBytes();
        dlPackets[row] += session.dlPackets();
        dlBytes[row] += session.dlBytes();
        sessions[row]++;
        if (session.peerToPeer()) {
            peerToPeer[row] = true;
            peerHi[row] = session.peerHi();
            peerLo[row] = session.peerLo();
        }
        if (session.subscriber() != null) {
            subscriber[row] = session.subscriber();
        }
    }

    public int size() {
        return keys.size();
    }

    /** Calls {@code visitor} once per key. */
    public void forEach(Visitor visitor) {
        for (int row = 0; row < keys.size(); row++) {
            visitor.visit(keys.hi(row), keys.lo(row), ulPackets[row], ulBytes[row], dlPackets[row], dlBytes[row],
                    sessions[row], peerToPeer[row], peerHi[row], peerLo[row], subscriber[row]);
        }
    }

    private void resize(int rows) {
        ulPackets = ulPackets == null ? new long[rows] : Arrays.copyOf(ulPackets, rows);
        ulBytes = ulBytes == null ? new long[rows] : Arrays.copyOf(ulBytes, rows);
        dlPackets = dlPackets == null ? new long[rows] : Arrays.copyOf(dlPackets, rows);
        dlBytes = dlBytes == null ? new long[rows] : Arrays.copyOf(dlBytes, rows);
        peerHi = peerHi == null ? new long[rows] : Arrays.copyOf(peerHi, rows);
        peerLo = peerLo == null ? new long[rows] : Arrays.copyOf(peerLo, rows);
        sessions = sessions == null ? new long[rows] : Arrays.copyOf(sessions, rows);
        peerToPeer = peerToPeer == null ? new boolean[rows] : Arrays.copyOf(peerToPeer, rows);
        subscriber = subscriber == null ? new Subscriber[rows] : Arrays.copyOf(subscriber, rows);
    }

    /** One key's totals. */
    @FunctionalInterface
    public interface Visitor {
        void visit(long keyHi, long keyLo, long ulPackets, long ulBytes, long dlPackets, long dlBytes, long sessions,
                boolean peerToPeer, long peerHi, long peerLo, Subscriber subscriber);
    }
}

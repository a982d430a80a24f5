package io.chargeflow.flow;

/**
 * Every subscriber key's totals while a run goes on ({@link FlowEngine#snapshotUsage}): a copy each processor made on
 * its own thread between two of its records, its closed sessions' totals plus its open sessions' usage so far. The
 * processors take their copies within moments of each other, not at one instant, so a packet charged to two keys
 * (peer-to-peer, both sides) may be in one key's figures and not yet in the other's; each key's own figures are
 * whole packets. At the end of a run the figures are final ({@link FlowEngine#forEachSubscriber}).
 */
public final class UsageSnapshot {
    private final Part[] parts;

    UsageSnapshot(Part[] parts) {
        this.parts = parts;
    }

    /** Keys in the snapshot. */
    public long keys() {
        long keys = 0;
        for (Part part : parts) {
            keys += part.size;
        }
        return keys;
    }

    /** Visits every key in key order (IPv4 first, then IPv6, each by address), merging the processors' copies. */
    public void forEachKey(Processor.KeyVisitor visitor) {
        KeyTable.merge(parts, visitor);
    }

    /** One processor's copy: a row per key, in the processor's row order. */
    static final class Part implements KeyTable {
        final int size;
        final long[] hi;
        final long[] lo;
        final long[] ulPackets;
        final long[] ulBytes;
        final long[] dlPackets;
        final long[] dlBytes;
        final long[] sessions;
        final boolean[] peerToPeer;
        final long[] peerHi;
        final long[] peerLo;
        /** The keys' subscribers, or null without a directory. */
        final Subscriber[] subscriber;

        Part(int size, boolean withSubscribers) {
            this.size = size;
            hi = new long[size];
            lo = new long[size];
            ulPackets = new long[size];
            ulBytes = new long[size];
            dlPackets = new long[size];
            dlBytes = new long[size];
            sessions = new long[size];
            peerToPeer = new boolean[size];
            peerHi = new long[size];
            peerLo = new long[size];
            subscriber = withSubscribers ? new Subscriber[size] : null;
        }

        @Override
        public int keys() {
            return size;
        }

        @Override
        public long keyHi(int row) {
            return hi[row];
        }

        @Override
        public long keyLo(int row) {
            return lo[row];
        }

        @Override
        public void visitRow(int row, Processor.KeyVisitor visitor) {
            visitor.visit(
                    hi[row],
                    lo[row],
                    ulPackets[row],
                    ulBytes[row],
                    dlPackets[row],
                    dlBytes[row],
                    sessions[row],
                    peerToPeer[row],
                    peerHi[row],
                    peerLo[row],
                    subscriber == null ? null : subscriber[row]);
        }

        void set(
                int row,
                long keyHi,
                long keyLo,
                long ulP,
                long ulB,
                long dlP,
                long dlB,
                long sessionCount,
                boolean p2p,
                long peerKeyHi,
                long peerKeyLo,
                Subscriber identity) {
            hi[row] = keyHi;
            lo[row] = keyLo;
            ulPackets[row] = ulP;
            ulBytes[row] = ulB;
            dlPackets[row] = dlP;
            dlBytes[row] = dlB;
            sessions[row] = sessionCount;
            peerToPeer[row] = p2p;
            peerHi[row] = peerKeyHi;
            peerLo[row] = peerKeyLo;
            if (subscriber != null) {
                subscriber[row] = identity;
            }
        }
    }
}

package io.chargeflow.app;

import io.chargeflow.flow.Processor;
import io.chargeflow.flow.Subscriber;
import java.util.Comparator;

/** One subscriber key's totals over a run, as reported in usage.csv. */
record UsageRow(
        long keyHi,
        long keyLo,
        String subscriber,
        long ulPackets,
        long ulBytes,
        long dlPackets,
        long dlBytes,
        long sessions,
        boolean peerToPeer,
        String peer,
        Subscriber identity) {

    /** IPv4 keys first in address order, then IPv6 keys in address order. */
    static final Comparator<UsageRow> KEY_ORDER =
            (a, b) -> Processor.compareKeys(a.keyHi(), a.keyLo(), b.keyHi(), b.keyLo());

    long totalBytes() {
        return ulBytes + dlBytes;
    }
}

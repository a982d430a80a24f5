package io.chargeflow.app;

import io.chargeflow.cdr.AssemblerContext;
import io.chargeflow.cdr.CauseForRecClosing;
import io.chargeflow.cdr.CdrAssembler;
import io.chargeflow.cdr.CdrSink;
import io.chargeflow.cdr.ChargingSide;
import io.chargeflow.cdr.SessionIdentity;
import io.chargeflow.flow.CloseCause;
import io.chargeflow.flow.RecordCut;
import io.chargeflow.flow.SessionRecorder;
import io.chargeflow.flow.Subscriber;
import io.chargeflow.flow.SubscriberKeys;

/**
 * Feeds one processor's sessions into a {@link CdrAssembler}: the processor's usage containers become the containers of
 * 3GPP PGW-CDRs, partial records are cut where the processor cut them (at the packet that reached a limit), and every
 * close yields the final record. One per processor, called on that processor's thread only.
 */
final class CdrRecorder implements SessionRecorder {
    private static final long NS_PER_MS = 1_000_000L;

    private final CdrAssembler assembler;
    private final int ipv6PrefixLength;
    private final java.util.concurrent.atomic.AtomicLong chargingIds;

    CdrRecorder(
            AssemblerContext context,
            CdrSink sink,
            int ipv6PrefixLength,
            java.util.concurrent.atomic.AtomicLong chargingIds) {
        this.assembler = new CdrAssembler(context, sink);
        this.ipv6PrefixLength = ipv6PrefixLength;
        this.chargingIds = chargingIds;
    }

    @Override
    public int onOpen(long sessionId, long keyHi, long keyLo, boolean downlink, long timeNs) {
        SessionIdentity identity = new SessionIdentity(
                null,
                null,
                SubscriberKeys.format(keyHi, keyLo, ipv6PrefixLength),
                downlink ? ChargingSide.NETWORK : ChargingSide.SUBSCRIBER,
                keyHi,
                keyLo,
                0,
                null,
                null);
        return assembler.open(chargingIds.getAndIncrement(), identity, timeNs / NS_PER_MS);
    }

    @Override
    public void onSubscriber(int handle, Subscriber s) {
        SessionIdentity current = assembler.identity(handle);
        assembler.identify(
                handle,
                new SessionIdentity(
                        s.imsi(),
                        s.msisdn(),
                        current.servedPDPPDNAddress(),
                        current.chargingSide(),
                        current.subscriberKeyHi(),
                        current.subscriberKeyLo(),
                        s.subscriberId(),
                        s.account(),
                        s.plan()));
    }

    @Override
    public void onUsage(
            int handle,
            int ratingGroup,
            int serviceId,
            long ulOctets,
            long dlOctets,
            long ulPackets,
            long dlPackets,
            long firstUsageNs,
            long lastUsageNs,
            long activeNs) {
        assembler.onUsage(
                handle,
                ratingGroup,
                serviceId,
                ulOctets,
                dlOctets,
                ulPackets,
                dlPackets,
                firstUsageNs / NS_PER_MS,
                lastUsageNs / NS_PER_MS,
                activeNs / NS_PER_MS);
    }

    @Override
    public void onPeer(int handle, long peerHi, long peerLo) {
        assembler.onPeer(handle, peerHi, peerLo);
    }

    @Override
    public void onCut(int handle, RecordCut cause, long atNs) {
        assembler.cut(
                handle,
                switch (cause) {
                    case VOLUME_LIMIT -> CauseForRecClosing.VOLUME_LIMIT;
                    case TIME_LIMIT -> CauseForRecClosing.TIME_LIMIT;
                    case MAX_CONTAINERS -> CauseForRecClosing.MAX_CHANGE_COND;
                },
                atNs / NS_PER_MS);
    }

    @Override
    public void onClose(int handle, CloseCause cause, long closeTimeNs) {
        assembler.close(handle, cause(cause), closeTimeNs / NS_PER_MS);
    }

    @Override
    public void flush() {
        assembler.flush();
    }

    /** TS 32.298 causeForRecClosing of a session's close. */
    static CauseForRecClosing cause(CloseCause cause) {
        return switch (cause) {
            case IDLE_TIMEOUT, SUBSCRIBER_STOP -> CauseForRecClosing.NORMAL_RELEASE;
            case BINDING_CHANGE -> CauseForRecClosing.BINDING_CHANGE;
            case END_OF_INPUT, MANAGEMENT -> CauseForRecClosing.MANAGEMENT_INTERVENTION;
        };
    }
}

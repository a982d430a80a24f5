package io.chargeflow.diameter.peer;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.codec.DiameterEncoder;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.dictionary.Avp;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The means to answer one received request, usable after the request flyweight is gone: it keeps the identifiers,
 * the command, the application and the Session-Id. The answer is written with the E bit for 3xxx codes, the
 * Session-Id first, then Result-Code, Origin-Host and Origin-Realm, then what the handler's writer adds. Call
 * {@link #answer} exactly once, from any thread; later calls are ignored and return false.
 */
public final class AnswerContext {
    private final DiameterNode node;
    private final Link link;
    private final int hopByHopId;
    private final int endToEndId;
    private final int commandCode;
    private final int applicationId;
    private final int flags;
    private final byte[] sessionId;
    private final long duplicateKey;
    private final AtomicBoolean answered = new AtomicBoolean();

    AnswerContext(DiameterNode node, Link link, DiameterMessage request, DiameterAvp scratch, long duplicateKey) {
        this.node = node;
        this.link = link;
        this.hopByHopId = request.hopByHopId();
        this.endToEndId = request.endToEndId();
        this.commandCode = request.commandCode();
        this.applicationId = request.applicationId();
        this.flags = request.flags() & DiameterMessage.FLAG_PROXIABLE;
        this.sessionId = request.find(Avp.SESSION_ID, scratch) ? scratch.getBytes() : null;
        this.duplicateKey = duplicateKey;
    }

    /** Sends the answer with {@code resultCode} and the AVPs {@code body} writes; false if already answered. */
    public boolean answer(long resultCode, MessageWriter body) {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        int answerFlags = resultCode >= 3000 && resultCode < 4000 ? flags | DiameterMessage.FLAG_ERROR : flags;
        DiameterEncoder encoder = node.scratchEncoder();
        encoder.header(answerFlags, commandCode, applicationId, hopByHopId, endToEndId);
        if (sessionId != null) {
            encoder.putOctets(Avp.SESSION_ID, sessionId);
        }
        if (resultCode >= 0) {
            encoder.putUnsigned32(Avp.RESULT_CODE, resultCode);
        }
        node.writeOrigin(encoder);
        body.write(encoder);
        byte[] message = node.finish(encoder);
        link.inboundPending.decrementAndGet();
        node.onAnswerSent(link, message, duplicateKey);
        return true;
    }

    /** Sends an answer whose result the body writes itself (e.g. Experimental-Result); false if already answered. */
    public boolean answerWithoutResultCode(MessageWriter body) {
        return answer(-1, body);
    }

    public int commandCode() {
        return commandCode;
    }

    public int applicationId() {
        return applicationId;
    }

    public int hopByHopId() {
        return hopByHopId;
    }

    public int endToEndId() {
        return endToEndId;
    }

    /** The Origin-Host of the peer the request came from (its hop, not necessarily the originator). */
    public String peerOriginHost() {
        Peer peer = link.peer;
        return peer == null ? null : peer.originHost;
    }
}

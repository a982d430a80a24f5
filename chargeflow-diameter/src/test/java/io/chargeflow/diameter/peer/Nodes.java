package io.chargeflow.diameter.peer;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.transport.NettyTransport;

/** Test helpers: nodes on loopback with short timers, and a credit-control server handler. */
final class Nodes {
    private Nodes() {}

    static DiameterNodeContext context(String originHost, String realm) {
        return new DiameterNodeContext()
                .originHost(originHost)
                .originRealm(realm)
                .authApplication(4)
                .ioThreads(1)
                .tickMs(5)
                .twMs(30_000)
                .reopenDwaCount(1)
                .capabilitiesTimeoutMs(1_000)
                .connectTimeoutMs(1_000)
                .reconnectBackoffMs(50, 200)
                .requestTimeoutMs(2_000)
                .dpaTimeoutMs(500);
    }

    static DiameterNode start(DiameterNodeContext context) {
        return new DiameterNode(context, new NettyTransport(context.ioThreads(), context.tls())).start();
    }

    /** A credit-control server: CCA with 2001 echoing CC-Request-Type/Number, granting 1 MB. */
    static RequestHandler creditControl(String tag) {
        DiameterAvp avp = new DiameterAvp();
        return (request, answer) -> {
            long type = request.find(Avp.CC_REQUEST_TYPE, avp) ? avp.getUnsigned32() : 0;
            long number = request.find(Avp.CC_REQUEST_NUMBER, avp) ? avp.getUnsigned32() : 0;
            answer.answer(2001, e -> {
                e.putUnsigned32(Avp.AUTH_APPLICATION_ID, 4);
                e.putInteger32(Avp.CC_REQUEST_TYPE, (int) type);
                e.putUnsigned32(Avp.CC_REQUEST_NUMBER, number);
                int gsu = e.beginGrouped(Avp.GRANTED_SERVICE_UNIT);
                e.putInteger64(Avp.CC_TOTAL_OCTETS, 1_000_000);
                e.endGrouped(gsu);
                e.putUtf8(Avp.COST_UNIT, tag);
            });
        };
    }
}

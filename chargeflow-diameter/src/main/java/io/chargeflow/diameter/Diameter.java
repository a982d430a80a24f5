package io.chargeflow.diameter;

import io.chargeflow.diameter.peer.DiameterNode;
import io.chargeflow.diameter.peer.DiameterNodeContext;
import io.chargeflow.diameter.transport.NettyTransport;

/**
 * Entry point for wiring: a {@link DiameterNode} over the Netty transport, configured by a
 * {@link DiameterNodeContext}. Called once on the configuring thread (the CLI, the charging module, tests).
 */
public final class Diameter {
    private Diameter() {}

    /** Creates and starts a node (listening and connecting as configured). */
    public static DiameterNode startNode(DiameterNodeContext context) {
        context.validate();
        return new DiameterNode(context, new NettyTransport(context.ioThreads(), context.tls())).start();
    }
}

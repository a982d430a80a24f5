package io.chargeflow.diameter.tool;

import io.chargeflow.diameter.dictionary.Application;
import io.chargeflow.diameter.peer.DiameterNode;
import io.chargeflow.diameter.peer.DiameterNodeContext;
import io.chargeflow.diameter.peer.PeerCapabilities;
import io.chargeflow.diameter.peer.PeerConfig;
import io.chargeflow.diameter.peer.TlsSettings;
import io.chargeflow.diameter.transport.NettyTransport;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The operator's probe ({@code chargeflow diameter probe HOST:PORT --origin-host H --origin-realm R [--tls]}):
 * connects, exchanges CER/CEA, sends a DWR, prints the peer's capabilities and the round-trip times, disconnects
 * with DPR/DPA. Exit code 0 when every step worked; otherwise exactly one line on {@code err} naming the failed step
 * (refused, timeout, CEA with an error Result-Code) and exit code 1 (2 for invalid options). Runs on the calling
 * thread (in-process in tests), with one I/O thread of its own that it stops before returning.
 */
public final class DiameterProbe {
    /** Every step succeeded. */
    public static final int EXIT_OK = 0;
    /** A step failed: refused, timeout, error answer. */
    public static final int EXIT_FAILED = 1;
    /** The options are invalid. */
    public static final int EXIT_USAGE = 2;

    private final ProbeOptions options;

    public DiameterProbe(ProbeOptions options) {
        this.options = options;
    }

    /** Runs the probe; returns the exit code. */
    public int run(PrintStream out, PrintStream err) {
        String where = options.host() + ":" + options.port();
        DiameterNode node;
        PeerConfig peer;
        try {
            peer = new PeerConfig(options.host(), options.port(), null, null, 0, options.tls());
            DiameterNodeContext context = new DiameterNodeContext()
                    .originHost(options.originHost())
                    .originRealm(options.originRealm())
                    .peer(peer)
                    .reconnect(false)
                    .ioThreads(1)
                    .connectTimeoutMs(options.connectTimeoutMs())
                    .capabilitiesTimeoutMs(options.answerTimeoutMs())
                    .dpaTimeoutMs(options.answerTimeoutMs())
                    .twMs(3_600_000L);
            for (long id : options.applicationIds()) {
                context.authApplication(id);
            }
            TlsSettings tls = options.tls()
                    ? new TlsSettings(
                            null,
                            null,
                            options.trustStore(),
                            options.trustStorePassword(),
                            true,
                            false,
                            options.insecure())
                    : null;
            context.tls(tls).validate();
            node = new DiameterNode(context, new NettyTransport(1, tls));
        } catch (IllegalArgumentException e) {
            err.println("probe: invalid options: " + e.getMessage());
            return EXIT_USAGE;
        }
        try {
            long startNs = System.nanoTime();
            node.start();
            long budgetMs = options.connectTimeoutMs() + options.answerTimeoutMs() + 2_000L;
            PeerCapabilities caps = await(node.whenOpen(peer), budgetMs);
            long ceNs = System.nanoTime() - startNs;
            out.printf(
                    Locale.ROOT,
                    "connected to %s over %s; capabilities exchange in %.3f ms%n",
                    where,
                    options.tls() ? "TLS" : "TCP",
                    ceNs / 1e6);
            printCapabilities(out, caps);
            long dwrNs = await(node.watchdog(peer), options.answerTimeoutMs() + 500);
            out.printf(Locale.ROOT, "DWR/DWA round trip: %.3f ms%n", dwrNs / 1e6);
            long dprNs = await(node.disconnect(peer), options.answerTimeoutMs() + 500);
            out.printf(Locale.ROOT, "DPR/DPA round trip: %.3f ms%n", dprNs / 1e6);
            return EXIT_OK;
        } catch (StepFailed e) {
            err.println("probe: " + e.getMessage());
            return EXIT_FAILED;
        } finally {
            node.close();
        }
    }

    private <T> T await(Future<T> future, long timeoutMs) {
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new StepFailed(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        } catch (TimeoutException e) {
            throw new StepFailed(
                    "no answer from " + options.host() + ":" + options.port() + " within " + timeoutMs + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailed("interrupted");
        }
    }

    private static void printCapabilities(PrintStream out, PeerCapabilities caps) {
        out.println("  Origin-Host:       " + caps.originHost());
        out.println("  Origin-Realm:      " + caps.originRealm());
        out.println("  Product-Name:      " + caps.productName());
        out.println("  Vendor-Id:         " + caps.vendorId());
        if (caps.firmwareRevision() >= 0) {
            out.println("  Firmware-Revision: " + caps.firmwareRevision());
        }
        out.println("  Host-IP-Address:   " + String.join(", ", caps.hostIpAddresses()));
        for (long id : caps.authApplicationIds()) {
            out.println("  Auth-Application-Id: " + id + " (" + Application.nameOf((int) id) + ")");
        }
        for (long id : caps.acctApplicationIds()) {
            out.println("  Acct-Application-Id: " + id + " (" + Application.nameOf((int) id) + ")");
        }
        for (String pair : caps.vendorSpecificApplications()) {
            int colon = pair.indexOf(':');
            out.println("  Vendor-Specific-Application-Id: vendor " + pair.substring(0, colon) + ", application "
                    + pair.substring(colon + 1));
        }
    }

    /** One failed step; its message is the single line printed. */
    private static final class StepFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StepFailed(String message) {
            super(message, null, false, false);
        }
    }
}

package io.chargeflow.diameter.peer;

import java.util.concurrent.CompletableFuture;

/**
 * One Diameter peer: the peer state machine of RFC 6733 §5.6 (with the election of §5.6.4), the watchdog of RFC
 * 3539 §3.4 (Tw, SUSPECT/DOWN/REOPEN, failover and failback) and the reconnect backoff. Every event method is
 * {@code synchronized}: events come from the I/O threads of two possible connections and from the node's timer
 * thread, and are rare (connect, CER/CEA, DWR, DPR), so a lock is simpler than a hand-off and costs nothing on the
 * message path, which reads only the volatile {@link #state}, {@link #watchdog} and {@link #active}.
 *
 * <p>The table of RFC 6733 §5.6, quoted beside each transition below:
 *
 * <pre>
 *   state            event              action         new state
 *   ---------------------------------------------------------------
 *   Closed           Start            I-Snd-Conn-Req   Wait-Conn-Ack
 *                    R-Conn-CER       R-Accept,        R-Open
 *                                     Process-CER,
 *                                     R-Snd-CEA
 *   Wait-Conn-Ack    I-Rcv-Conn-Ack   I-Snd-CER        Wait-I-CEA
 *                    I-Rcv-Conn-Nack  Cleanup          Closed
 *                    R-Conn-CER       R-Accept,        Wait-Conn-Ack/
 *                                     Process-CER      Elect
 *                    Timeout          Error            Closed
 *   Wait-I-CEA       I-Rcv-CEA        Process-CEA      I-Open
 *                    R-Conn-CER       R-Accept,        Wait-Returns
 *                                     Process-CER,
 *                                     Elect
 *                    I-Peer-Disc      I-Disc           Closed
 *                    I-Rcv-Non-CEA    Error            Closed
 *                    Timeout          Error            Closed
 *   Wait-Conn-Ack/   I-Rcv-Conn-Ack   I-Snd-CER,Elect  Wait-Returns
 *   Elect            I-Rcv-Conn-Nack  R-Snd-CEA        R-Open
 *                    R-Peer-Disc      R-Disc           Wait-Conn-Ack
 *                    R-Conn-CER       R-Reject         Wait-Conn-Ack/Elect
 *                    Timeout          Error            Closed
 *   Wait-Returns     Win-Election     I-Disc,R-Snd-CEA R-Open
 *                    I-Peer-Disc      I-Disc,          R-Open
 *                                     R-Snd-CEA
 *                    I-Rcv-CEA        R-Disc           I-Open
 *                    R-Peer-Disc      R-Disc           Wait-I-CEA
 *                    R-Conn-CER       R-Reject         Wait-Returns
 *                    Timeout          Error            Closed
 *   R-Open/I-Open    Send-Message     Snd-Message      (same)
 *                    Rcv-Message      Process          (same)
 *                    Rcv-DWR          Process-DWR,     (same)
 *                                     Snd-DWA
 *                    Rcv-DWA          Process-DWA      (same)
 *                    R-Conn-CER       R-Reject         (same)
 *                    Stop             Snd-DPR          Closing
 *                    Rcv-DPR          Snd-DPA          Closed
 *                    Peer-Disc        Disc             Closed
 *   Closing          Rcv-DPA          Disc             Closed
 *                    Peer-Disc        Disc             Closed
 *                    Timeout          Error            Closed
 * </pre>
 *
 * Snd-DPA then Closed: the connection is closed after the DPA is flushed, so the DPA is not lost.
 */
final class Peer {
    final DiameterNode node;
    final PeerConfig config;
    volatile String originHost;
    volatile String realm;
    volatile PeerState state = PeerState.CLOSED;
    volatile WatchdogState watchdog = WatchdogState.INITIAL;
    volatile Link active;
    volatile PeerCapabilities capabilities;
    volatile String lastError;
    volatile long lastWatchdogRttNs;

    private Link iLink;
    private Link rLink;
    private long deadlineNs;
    private long reconnectAtNs;
    private long backoffMs;
    private boolean stopping;
    private boolean everOpened;
    private long lastReceiveNs;
    private boolean dwrOutstanding;
    private int dwrHopByHopId;
    private long dwrSentNs;
    private int reopenDwas;
    private int dprHopByHopId;
    private long dprSentNs;
    private CompletableFuture<Long> watchdogFuture;
    private CompletableFuture<Long> disconnectFuture;
    final CompletableFuture<PeerCapabilities> firstOpen = new CompletableFuture<>();

    Peer(DiameterNode node, PeerConfig config, String originHost, String realm) {
        this.node = node;
        this.config = config;
        this.originHost = originHost;
        this.realm = realm;
        this.backoffMs = node.context.reconnectInitialMs();
    }

    /** Eligible for new requests: open with watchdog OKAY, on a connection (see {@link #drains}). */
    boolean isOpenAndOkay() {
        Link link = active;
        return state.isOpen() && watchdog == WatchdogState.OKAY && link != null && link.connection != null;
    }

    /** Whether its connection is under the high-water mark (the peer reads as fast as we send). */
    boolean drains() {
        Link link = active;
        Connection c = link == null ? null : link.connection;
        return c != null && c.isWritable();
    }

    // Closed / Start / I-Snd-Conn-Req / Wait-Conn-Ack
    synchronized void start(long nowNs) {
        stopping = false;
        if (state != PeerState.CLOSED || config == null) {
            return;
        }
        reconnectAtNs = 0;
        iLink = new Link(node, this, true, nowNs);
        setState(PeerState.WAIT_CONN_ACK, nowNs + (node.context.connectTimeoutMs() + 1_000L) * 1_000_000L);
        node.connect(config, iLink);
    }

    synchronized void onConnectAck(Link link, long nowNs) {
        if (link != iLink) {
            link.close();
            return;
        }
        switch (state) {
            // Wait-Conn-Ack  I-Rcv-Conn-Ack  I-Snd-CER  Wait-I-CEA
            case WAIT_CONN_ACK -> {
                node.sendCer(link);
                setState(PeerState.WAIT_I_CEA, nowNs + node.context.capabilitiesTimeoutMs() * 1_000_000L);
            }
            // Wait-Conn-Ack/Elect  I-Rcv-Conn-Ack  I-Snd-CER,Elect  Wait-Returns
            case WAIT_CONN_ACK_ELECT -> {
                node.sendCer(link);
                setState(PeerState.WAIT_RETURNS, nowNs + node.context.capabilitiesTimeoutMs() * 1_000_000L);
                electAndMaybeWin(nowNs);
            }
            default -> link.close();
        }
    }

    synchronized void onConnectNack(Link link, String reason, long nowNs) {
        if (link != iLink) {
            return;
        }
        iLink = null;
        lastError = reason;
        switch (state) {
            // Wait-Conn-Ack  I-Rcv-Conn-Nack  Cleanup  Closed
            case WAIT_CONN_ACK -> {
                failFirstOpen(reason);
                toClosed(nowNs, false);
            }
            // Wait-Conn-Ack/Elect  I-Rcv-Conn-Nack  R-Snd-CEA  R-Open
            case WAIT_CONN_ACK_ELECT -> rSendCeaAndOpen(nowNs);
            default -> {}
        }
    }

    /** R-Conn-CER: the node has already checked the allowlist and the common applications. */
    synchronized void onRConnCer(Link link, long nowNs) {
        switch (state) {
            // Closed  R-Conn-CER  R-Accept, Process-CER, R-Snd-CEA  R-Open
            case CLOSED -> {
                rLink = link;
                rSendCeaAndOpen(nowNs);
            }
            // Wait-Conn-Ack  R-Conn-CER  R-Accept, Process-CER  Wait-Conn-Ack/Elect
            case WAIT_CONN_ACK -> {
                rLink = link;
                setState(PeerState.WAIT_CONN_ACK_ELECT, deadlineNs);
            }
            // Wait-I-CEA  R-Conn-CER  R-Accept, Process-CER, Elect  Wait-Returns
            case WAIT_I_CEA -> {
                rLink = link;
                setState(PeerState.WAIT_RETURNS, deadlineNs);
                electAndMaybeWin(nowNs);
            }
            // Wait-Conn-Ack/Elect, Wait-Returns, R-Open, I-Open: R-Conn-CER  R-Reject  (same state)
            default -> link.close();
        }
    }

    synchronized void onCea(Link link, PeerCapabilities cea, long nowNs) {
        if (link != iLink) {
            return;
        }
        switch (state) {
            // Wait-I-CEA  I-Rcv-CEA  Process-CEA  I-Open
            case WAIT_I_CEA -> {
                if (!processCea(link, cea, nowNs)) {
                    return;
                }
                open(PeerState.I_OPEN, link, cea, nowNs);
            }
            // Wait-Returns  I-Rcv-CEA  R-Disc  I-Open
            case WAIT_RETURNS -> {
                if (!processCea(link, cea, nowNs)) {
                    return;
                }
                Link r = rLink;
                rLink = null;
                if (r != null) {
                    r.close();
                }
                open(PeerState.I_OPEN, link, cea, nowNs);
            }
            default -> {}
        }
    }

    private boolean processCea(Link link, PeerCapabilities cea, long nowNs) {
        if (cea.resultCode() != 2001) {
            String name = io.chargeflow.diameter.dictionary.ResultCode.nameOf(cea.resultCode());
            lastError = where() + " answered CER with Result-Code " + cea.resultCode()
                    + (name == null ? "" : " (" + name + ")")
                    + (cea.errorMessage() == null ? "" : ": " + cea.errorMessage());
            node.counters.increment(DiameterCounter.CEA_ERRORS);
            failFirstOpen(lastError);
            iLink = null;
            link.close();
            toClosed(nowNs, false);
            return false;
        }
        if (config != null
                && config.originHost() != null
                && !config.originHost().equalsIgnoreCase(cea.originHost())) {
            lastError =
                    where() + " sent CEA with Origin-Host " + cea.originHost() + ", expected " + config.originHost();
            node.counters.increment(DiameterCounter.PEERS_REJECTED);
            failFirstOpen(lastError);
            iLink = null;
            link.close();
            toClosed(nowNs, false);
            return false;
        }
        return true;
    }

    // Wait-I-CEA  I-Rcv-Non-CEA  Error  Closed
    synchronized void onNonCea(Link link, long nowNs) {
        if (link == iLink && state == PeerState.WAIT_I_CEA) {
            lastError = "message other than CEA before capabilities exchange";
            failFirstOpen(lastError);
            iLink = null;
            link.close();
            toClosed(nowNs, false);
        }
    }

    synchronized void onDisconnected(Link link, long nowNs) {
        if (link == iLink) {
            iLink = null;
            switch (state) {
                // Wait-Returns  I-Peer-Disc  I-Disc, R-Snd-CEA  R-Open
                case WAIT_RETURNS -> rSendCeaAndOpen(nowNs);
                // Wait-I-CEA / I-Open / Closing  I-Peer-Disc  I-Disc  Closed
                case WAIT_CONN_ACK, WAIT_I_CEA, I_OPEN, CLOSING -> {
                    if (state == PeerState.WAIT_I_CEA) {
                        lastError = "connection closed by " + where() + " before CEA";
                        failFirstOpen(lastError);
                    } else if (state == PeerState.I_OPEN) {
                        lastError = lastError != null ? lastError : "connection closed by peer";
                    }
                    toClosed(nowNs, false);
                }
                default -> {}
            }
        } else if (link == rLink) {
            rLink = null;
            switch (state) {
                // Wait-Conn-Ack/Elect  R-Peer-Disc  R-Disc  Wait-Conn-Ack
                case WAIT_CONN_ACK_ELECT -> setState(PeerState.WAIT_CONN_ACK, deadlineNs);
                // Wait-Returns  R-Peer-Disc  R-Disc  Wait-I-CEA
                case WAIT_RETURNS -> setState(PeerState.WAIT_I_CEA, deadlineNs);
                // R-Open / Closing  R-Peer-Disc  R-Disc  Closed
                case R_OPEN, CLOSING -> {
                    if (state == PeerState.R_OPEN) {
                        lastError = lastError != null ? lastError : "connection closed by peer";
                    }
                    toClosed(nowNs, false);
                }
                default -> {}
            }
        }
    }

    // I-Open / R-Open  Rcv-DPR  Snd-DPA  Closed (the node has sent the DPA before calling)
    synchronized void onDpr(Link link, long nowNs, long disconnectCause) {
        if (link != active || !state.isOpen()) {
            return;
        }
        lastError = "peer sent DPR (Disconnect-Cause " + disconnectCause + ")";
        link.close();
        forget(link);
        // DO_NOT_WANT_TO_TALK_TO_YOU (2): wait the longest backoff before trying again
        if (disconnectCause == 2) {
            backoffMs = node.context.reconnectMaxMs();
        }
        toClosed(nowNs, false);
    }

    // Closing  Rcv-DPA  Disc  Closed
    synchronized void onDpa(Link link, int hopByHopId, long nowNs) {
        if (state != PeerState.CLOSING || hopByHopId != dprHopByHopId) {
            return;
        }
        if (disconnectFuture != null) {
            disconnectFuture.complete(nowNs - dprSentNs);
        }
        link.close();
        forget(link);
        toClosed(nowNs, true);
    }

    /** Stop: DPR when open (then Closing), else just close. No reconnect afterwards. */
    synchronized CompletableFuture<Long> stop(long nowNs, int disconnectCause) {
        stopping = true;
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (state.isOpen()) {
            // R-Open / I-Open  Stop  Snd-DPR  Closing
            Link link = active;
            disconnectFuture = done;
            dprHopByHopId = node.nextHopByHopId();
            dprSentNs = nowNs;
            node.sendDpr(link, dprHopByHopId, disconnectCause);
            setState(PeerState.CLOSING, nowNs + node.context.dpaTimeoutMs() * 1_000_000L);
        } else {
            closeLinks();
            toClosed(nowNs, true);
            done.complete(0L);
        }
        return done;
    }

    synchronized CompletableFuture<Long> sendWatchdog(long nowNs) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        if (!state.isOpen()) {
            future.completeExceptionally(new IllegalStateException("peer not open: state=" + state));
            return future;
        }
        watchdogFuture = future;
        sendDwr(nowNs);
        return future;
    }

    /** Any message on the active connection resets the watchdog (RFC 3539: "receipt of any message"). */
    void onReceive(long nowNs) {
        lastReceiveNs = nowNs;
        if (watchdog == WatchdogState.SUSPECT) {
            synchronized (this) {
                if (watchdog == WatchdogState.SUSPECT) {
                    watchdog = WatchdogState.OKAY;
                }
            }
        }
    }

    synchronized void onDwa(int hopByHopId, long nowNs) {
        if (!dwrOutstanding || hopByHopId != dwrHopByHopId) {
            return;
        }
        dwrOutstanding = false;
        lastWatchdogRttNs = nowNs - dwrSentNs;
        if (watchdogFuture != null) {
            watchdogFuture.complete(lastWatchdogRttNs);
            watchdogFuture = null;
        }
        if (watchdog == WatchdogState.REOPEN) {
            reopenDwas++;
            if (reopenDwas >= node.context.reopenDwaCount()) {
                watchdog = WatchdogState.OKAY;
            } else {
                sendDwr(nowNs);
            }
        } else if (watchdog == WatchdogState.SUSPECT) {
            watchdog = WatchdogState.OKAY;
        }
    }

    /** Timer thread: timeouts of the waiting states, watchdog, stalled output, reconnect. */
    synchronized void tick(long nowNs) {
        switch (state) {
            case WAIT_CONN_ACK, WAIT_I_CEA, WAIT_CONN_ACK_ELECT, WAIT_RETURNS, CLOSING -> {
                if (nowNs - deadlineNs >= 0) {
                    // (any waiting state)  Timeout  Error  Closed
                    if (state == PeerState.WAIT_I_CEA || state == PeerState.WAIT_RETURNS) {
                        node.counters.increment(DiameterCounter.CEA_TIMEOUTS);
                        lastError =
                                "no CEA from " + where() + " within " + node.context.capabilitiesTimeoutMs() + " ms";
                    } else if (state == PeerState.CLOSING) {
                        lastError = "no DPA from " + where() + " within " + node.context.dpaTimeoutMs() + " ms";
                        if (disconnectFuture != null) {
                            disconnectFuture.completeExceptionally(
                                    new java.util.concurrent.TimeoutException(lastError));
                        }
                    } else {
                        lastError = "connection to " + where() + " not established within "
                                + node.context.connectTimeoutMs() + " ms";
                    }
                    failFirstOpen(lastError);
                    closeLinks();
                    toClosed(nowNs, state == PeerState.CLOSING);
                }
            }
            case R_OPEN, I_OPEN -> tickOpen(nowNs);
            case CLOSED -> {
                if (!stopping
                        && config != null
                        && node.context.reconnect()
                        && reconnectAtNs != 0
                        && nowNs - reconnectAtNs >= 0) {
                    start(nowNs);
                }
            }
        }
    }

    private void tickOpen(long nowNs) {
        Link link = active;
        Connection c = link == null ? null : link.connection;
        long twNs = node.twNs();
        if (c != null) {
            long since = c.unwritableSinceNs();
            if (since != 0 && nowNs - since >= node.context.writeStallTimeoutMs() * 1_000_000L) {
                node.counters.increment(DiameterCounter.WRITE_STALLS);
                lastError = "peer stopped reading for " + node.context.writeStallTimeoutMs() + " ms";
                link.abort();
                return;
            }
        }
        if (!dwrOutstanding) {
            if (nowNs - lastReceiveNs >= twNs) {
                sendDwr(nowNs);
            }
        } else if (nowNs - dwrSentNs >= twNs) {
            if (watchdog == WatchdogState.OKAY) {
                // RFC 3539: no answer within Tw: SUSPECT, fail over pending requests, wait one more Tw
                watchdog = WatchdogState.SUSPECT;
                node.counters.increment(DiameterCounter.WATCHDOG_SUSPECT);
                dwrSentNs = nowNs;
                node.failoverLater(this);
            } else {
                // SUSPECT or REOPEN and still nothing: DOWN, close and reconnect
                watchdog = WatchdogState.DOWN;
                node.counters.increment(DiameterCounter.WATCHDOG_DOWN);
                lastError = "no DWA within " + 2 * node.context.twMs() + " ms";
                if (link != null) {
                    link.abort();
                }
            }
        }
    }

    private void sendDwr(long nowNs) {
        Link link = active;
        if (link == null) {
            return;
        }
        dwrHopByHopId = node.nextHopByHopId();
        dwrOutstanding = true;
        dwrSentNs = nowNs;
        node.sendDwr(link, dwrHopByHopId);
    }

    private void electAndMaybeWin(long nowNs) {
        node.counters.increment(DiameterCounter.ELECTIONS);
        Link r = rLink;
        String remote = r == null || r.cerCapabilities == null ? "" : r.cerCapabilities.originHost();
        // RFC 6733 §5.6.4: the higher Diameter identity wins and keeps the connection it accepted
        boolean win = node.context.originHost().compareTo(remote) > 0;
        if (win) {
            // Wait-Returns  Win-Election  I-Disc, R-Snd-CEA  R-Open
            Link i = iLink;
            iLink = null;
            if (i != null) {
                i.close();
            }
            rSendCeaAndOpen(nowNs);
        }
    }

    private void rSendCeaAndOpen(long nowNs) {
        Link r = rLink;
        if (r == null) {
            toClosed(nowNs, false);
            return;
        }
        node.sendCea(r, 2001);
        open(PeerState.R_OPEN, r, r.cerCapabilities, nowNs);
    }

    private void open(PeerState openState, Link link, PeerCapabilities caps, long nowNs) {
        capabilities = caps;
        originHost = caps.originHost();
        if (realm == null || (config != null && config.realm() == null)) {
            realm = caps.originRealm();
        }
        link.peer = this;
        active = link;
        lastReceiveNs = nowNs;
        dwrOutstanding = false;
        backoffMs = node.context.reconnectInitialMs();
        lastError = null;
        setState(openState, 0);
        if (everOpened && node.context.reopenDwaCount() > 0) {
            watchdog = WatchdogState.REOPEN;
            reopenDwas = 0;
            sendDwr(nowNs);
        } else {
            watchdog = WatchdogState.OKAY;
        }
        everOpened = true;
        firstOpen.complete(caps);
    }

    private void toClosed(long nowNs, boolean byStop) {
        boolean wasOpen = state.isOpen() || state == PeerState.CLOSING;
        setState(PeerState.CLOSED, 0);
        active = null;
        dwrOutstanding = false;
        if (watchdog != WatchdogState.INITIAL) {
            watchdog = WatchdogState.DOWN;
        }
        if (watchdogFuture != null) {
            watchdogFuture.completeExceptionally(new IllegalStateException("peer closed"));
            watchdogFuture = null;
        }
        if (!byStop && !stopping && config != null) {
            reconnectAtNs = nowNs + backoffMs * 1_000_000L;
            backoffMs = Math.min(backoffMs * 2, node.context.reconnectMaxMs());
        }
        if (wasOpen) {
            node.failoverLater(this);
        }
    }

    private void closeLinks() {
        Link i = iLink;
        Link r = rLink;
        iLink = null;
        rLink = null;
        if (i != null) {
            i.close();
        }
        if (r != null) {
            r.close();
        }
    }

    private void forget(Link link) {
        if (link == iLink) {
            iLink = null;
        }
        if (link == rLink) {
            rLink = null;
        }
    }

    private String where() {
        return config != null ? config.host() + ":" + config.port() : String.valueOf(originHost);
    }

    private void failFirstOpen(String reason) {
        if (!node.context.reconnect()) {
            firstOpen.completeExceptionally(new PeerException(reason));
        }
    }

    private void setState(PeerState next, long deadline) {
        state = next;
        deadlineNs = deadline;
    }

    synchronized PeerStatus status() {
        Link link = active;
        String address = link != null ? link.remote() : config != null ? config.host() + ":" + config.port() : "?";
        return new PeerStatus(originHost, realm, address, state, watchdog, capabilities, lastError, lastWatchdogRttNs);
    }
}

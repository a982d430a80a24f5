package io.chargeflow.diameter.peer;

import io.chargeflow.diameter.codec.DiameterAvp;
import io.chargeflow.diameter.codec.DiameterEncoder;
import io.chargeflow.diameter.codec.DiameterMessage;
import io.chargeflow.diameter.codec.MessageValidator;
import io.chargeflow.diameter.dictionary.Avp;
import io.chargeflow.diameter.dictionary.Command;
import io.chargeflow.diameter.dictionary.ResultCode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Diameter node: the peers of its {@link DiameterNodeContext} (connected, watched, failed over, reconnected), the
 * peers that connect to it, realm-based routing of requests with a pending-request table and timeouts, and the
 * dispatch of received requests to the {@link RequestHandler} of their application. This is what a Gy client sends
 * its CCRs through ({@link #send}) and what an embedded OCS registers its handler on ({@link #registerHandler}).
 *
 * <p>Threads: {@link #send} and {@link AnswerContext#answer} from any thread; answers and requests are delivered on
 * the I/O thread of their connection; timeouts, watchdogs and reconnects run on one timer thread of the node.
 * Protocol errors in received requests are answered (Result-Code, Failed-AVP) and counted; a connection is closed
 * only when its framing is lost, its peer stops reading, or the state machine says so.
 */
public final class DiameterNode implements AutoCloseable {
    private static final int SCRATCH_BYTES = 65_536;
    private static final long SWEEP_INTERVAL_NS = 50_000_000L;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    final DiameterNodeContext context;
    final DiameterCounters counters = new DiameterCounters();
    private final Transport transport;
    private final List<Peer> peers = new CopyOnWriteArrayList<>();
    private final Map<Integer, PendingRequest> pending = new ConcurrentHashMap<>();
    private final Set<Link> unboundLinks = ConcurrentHashMap.newKeySet();
    private final Map<Long, RequestHandler> handlers = new ConcurrentHashMap<>();
    private final Map<Long, byte[]> answeredRequests;
    private final AtomicInteger hopByHop =
            new AtomicInteger(ThreadLocalRandom.current().nextInt());
    private final AtomicInteger endToEnd;
    private final byte[] originHostBytes;
    private final byte[] originRealmBytes;
    private final long originStateId;
    private final ScheduledExecutorService timer;
    private volatile boolean stopped;
    private volatile int listenPort = -1;
    private volatile String lastHandlerError;
    private long nextSweepNs;

    /** Creates the node; nothing happens on the network until {@link #start()}. */
    public DiameterNode(DiameterNodeContext context, Transport transport) {
        this.context = context.validate();
        if (transport == null) {
            throw new IllegalArgumentException("transport=null");
        }
        this.transport = transport;
        this.originHostBytes = context.originHost().getBytes(StandardCharsets.UTF_8);
        this.originRealmBytes = context.originRealm().getBytes(StandardCharsets.UTF_8);
        this.originStateId = System.currentTimeMillis() / 1000L;
        // RFC 6733 §3: high 12 bits from the clock, low 20 bits random, then incremented
        int e2eStart = (int) ((System.currentTimeMillis() / 1000L) << 20)
                ^ ThreadLocalRandom.current().nextInt(1 << 20);
        this.endToEnd = new AtomicInteger(e2eStart);
        int cacheSize = context.duplicateCacheSize();
        this.answeredRequests = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > cacheSize;
            }
        });
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chargeflow-diameter-timer");
            t.setDaemon(true);
            return t;
        });
        for (PeerConfig config : context.peers()) {
            peers.add(new Peer(this, config, config.originHost(), config.realm()));
        }
    }

    /** Listens (when configured), connects to every configured peer, starts the timer thread. */
    public DiameterNode start() {
        if (context.listenPort() >= 0) {
            listenPort = transport.listen(
                    context.listenHost(),
                    context.listenPort(),
                    context.listenTls(),
                    () -> new Link(this, null, false, now()));
        }
        timer.scheduleAtFixedRate(this::tick, context.tickMs(), context.tickMs(), TimeUnit.MILLISECONDS);
        long now = now();
        for (Peer peer : peers) {
            peer.start(now);
        }
        return this;
    }

    /** The port actually bound (useful with port 0), or -1 when not listening. */
    public int listenPort() {
        return listenPort;
    }

    /** Registers the server side of an application; announce the application in the context too. */
    public void registerHandler(long applicationId, RequestHandler handler) {
        if (handler == null) {
            throw new IllegalArgumentException("handler=null applicationId=" + applicationId);
        }
        handlers.put(applicationId & 0xffffffffL, handler);
    }

    /**
     * Sends a request to {@code destinationRealm}: the header, then what {@code body} writes (Session-Id first when
     * the application has one), then Origin-Host, Origin-Realm and Destination-Realm, added by the node. The
     * outcome goes to {@code listener}, exactly once.
     */
    public void send(
            String destinationRealm, int applicationId, int commandCode, MessageWriter body, AnswerListener listener) {
        if (stopped) {
            listener.onFailure(RequestFailure.NODE_STOPPED);
            return;
        }
        Peer peer = select(destinationRealm, applicationId, null);
        Link link = peer == null ? null : peer.active;
        if (link == null) {
            counters.increment(DiameterCounter.REQUESTS_NO_ROUTE);
            listener.onFailure(RequestFailure.NO_ROUTE);
            return;
        }
        Connection connection = link.connection;
        if (connection != null && !connection.isWritable() && connection.queuedBytes() >= context.maxOutboundBytes()) {
            counters.increment(DiameterCounter.REQUESTS_BACKPRESSURE);
            listener.onFailure(RequestFailure.BACKPRESSURE);
            return;
        }
        int hbh = nextHopByHopId();
        DiameterEncoder encoder = scratchEncoder();
        encoder.header(
                DiameterMessage.FLAG_REQUEST | DiameterMessage.FLAG_PROXIABLE,
                commandCode,
                applicationId,
                hbh,
                endToEnd.getAndIncrement());
        body.write(encoder);
        writeOrigin(encoder);
        encoder.putUtf8(Avp.DESTINATION_REALM, destinationRealm);
        byte[] message = finish(encoder);
        long deadline = now() + context.requestTimeoutMs() * 1_000_000L;
        pending.put(hbh, new PendingRequest(hbh, message, listener, deadline, peer, destinationRealm, applicationId));
        counters.increment(DiameterCounter.REQUESTS_SENT);
        link.send(message);
    }

    /** As {@link #send(String, int, int, MessageWriter, AnswerListener)}, the answer copied into its own buffer. */
    public CompletableFuture<DiameterMessage> send(
            String destinationRealm, int applicationId, int commandCode, MessageWriter body) {
        CompletableFuture<DiameterMessage> future = new CompletableFuture<>();
        send(destinationRealm, applicationId, commandCode, body, new AnswerListener() {
            @Override
            public void onAnswer(DiameterMessage answer) {
                byte[] copy = answer.toByteArray();
                future.complete(new DiameterMessage().wrap(ByteBuffer.wrap(copy), 0, copy.length));
            }

            @Override
            public void onFailure(RequestFailure failure) {
                future.completeExceptionally(new RequestFailedException(failure));
            }
        });
        return future;
    }

    /** Completes when the configured peer first reaches I-Open or R-Open (fails on the first error when not reconnecting). */
    public CompletableFuture<PeerCapabilities> whenOpen(PeerConfig config) {
        return peerFor(config).firstOpen;
    }

    /** Sends a DWR to the peer now; completes with the round-trip time in nanoseconds. */
    public CompletableFuture<Long> watchdog(PeerConfig config) {
        return peerFor(config).sendWatchdog(now());
    }

    /** Disconnects the peer with DPR (Disconnect-Cause REBOOTING); completes with the DPR/DPA round trip in ns. */
    public CompletableFuture<Long> disconnect(PeerConfig config) {
        return peerFor(config).stop(now(), 0);
    }

    /** Re-starts a peer that was disconnected with {@link #disconnect}. */
    public void connect(PeerConfig config) {
        peerFor(config).start(now());
    }

    /** Snapshot of every peer, configured and accepted. */
    public List<PeerStatus> peers() {
        List<PeerStatus> list = new ArrayList<>();
        for (Peer peer : peers) {
            list.add(peer.status());
        }
        return list;
    }

    /** The status of the peer with this Origin-Host, or null. */
    public PeerStatus peer(String originHost) {
        Peer peer = findPeer(originHost);
        return peer == null ? null : peer.status();
    }

    public DiameterCounters counters() {
        return counters;
    }

    /** Requests sent and not yet answered, timed out or failed. */
    public int pendingRequests() {
        return pending.size();
    }

    /** The last exception a handler or listener threw (counted as HANDLER_ERRORS), or null. */
    public String lastHandlerError() {
        return lastHandlerError;
    }

    /** Disconnects every open peer with DPR (waiting for the DPAs up to the DPA timeout) and stops the I/O threads. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        long now = now();
        List<CompletableFuture<Long>> dpas = new ArrayList<>();
        for (Peer peer : peers) {
            dpas.add(peer.stop(now, 0));
        }
        try {
            CompletableFuture.allOf(dpas.toArray(new CompletableFuture<?>[0]))
                    .get(context.dpaTimeoutMs() + 200, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // a peer that does not answer DPR in time is simply closed below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        transport.close();
        for (PendingRequest request : pending.values()) {
            if (pending.remove(request.hopByHopId, request)) {
                request.listener.onFailure(RequestFailure.NODE_STOPPED);
            }
        }
    }

    // ---- transport events (I/O threads) ----

    void onLinkConnected(Link link) {
        if (link.initiator) {
            link.peer.onConnectAck(link, now());
        } else {
            unboundLinks.add(link);
        }
    }

    void onLinkConnectFailed(Link link, String reason) {
        counters.increment(DiameterCounter.CONNECT_FAILURES);
        link.peer.onConnectNack(link, reason, now());
    }

    void onLinkClosed(Link link) {
        unboundLinks.remove(link);
        Peer peer = link.peer;
        if (peer != null) {
            peer.onDisconnected(link, now());
        }
    }

    void onLinkFramingError(Link link, String reason) {
        counters.increment(DiameterCounter.FRAMING_ERRORS);
        Peer peer = link.peer;
        if (peer != null) {
            peer.lastError = "framing lost: " + reason;
        }
    }

    void onLinkMessage(Link link, DiameterMessage message) {
        long now = now();
        MessageValidator validator = link.validator;
        int resultCode = validator.validate(message);
        if (validator.framingLost()) {
            counters.increment(DiameterCounter.FRAMING_ERRORS);
            link.close();
            return;
        }
        boolean request = message.isRequest();
        if (resultCode != ResultCode.SUCCESS) {
            counters.increment(DiameterCounter.INVALID_MESSAGES);
            if (request) {
                sendErrorAnswer(link, message, resultCode, validator);
                return;
            }
        }
        int command = message.commandCode();
        if (command == Command.CAPABILITIES_EXCHANGE.code()) {
            if (request) {
                onCer(link, message, now);
            } else {
                onCeaMessage(link, message, now);
            }
            return;
        }
        Peer peer = link.peer;
        if (peer == null || peer.active != link) {
            if (peer != null && link.initiator && peer.state == PeerState.WAIT_I_CEA) {
                peer.onNonCea(link, now);
                return;
            }
            counters.increment(DiameterCounter.MESSAGES_BEFORE_OPEN);
            link.close();
            return;
        }
        peer.onReceive(now);
        if (command == Command.DEVICE_WATCHDOG.code()) {
            if (request) {
                sendBaseAnswer(link, message, Command.DEVICE_WATCHDOG);
            } else {
                peer.onDwa(message.hopByHopId(), now);
            }
        } else if (command == Command.DISCONNECT_PEER.code()) {
            if (request) {
                DiameterAvp avp = SCRATCH.get().avp;
                long cause = message.find(Avp.DISCONNECT_CAUSE, avp) ? avp.getUnsigned32() : 0;
                sendBaseAnswer(link, message, Command.DISCONNECT_PEER);
                peer.onDpr(link, now, cause);
            } else {
                peer.onDpa(link, message.hopByHopId(), now);
            }
        } else if (request) {
            dispatchRequest(link, message);
        } else {
            deliverAnswer(message);
        }
    }

    private void onCer(Link link, DiameterMessage cer, long now) {
        if (link.initiator || link.cerCapabilities != null) {
            counters.increment(DiameterCounter.MESSAGES_BEFORE_OPEN);
            link.close();
            return;
        }
        unboundLinks.remove(link);
        PeerCapabilities caps = PeerCapabilities.from(cer);
        link.cerHopByHopId = cer.hopByHopId();
        link.cerEndToEndId = cer.endToEndId();
        link.cerCapabilities = caps;
        String remoteIp = link.connection.remoteAddress().getAddress().getHostAddress();
        Peer peer = findPeer(caps.originHost());
        if (peer != null && peer.config != null && !addressMatches(peer.config.host(), remoteIp)) {
            peer = null;
        }
        if (peer == null) {
            String allowed = context.allowedPeers().get(caps.originHost());
            if (allowed != null && (allowed.equals("*") || addressMatches(allowed, remoteIp))) {
                peer = new Peer(this, null, caps.originHost(), caps.originRealm());
                peers.add(peer);
            } else {
                counters.increment(DiameterCounter.PEERS_REJECTED);
                sendCea(link, ResultCode.DIAMETER_UNKNOWN_PEER.code());
                link.close();
                return;
            }
        }
        if (!hasCommonApplication(caps)) {
            counters.increment(DiameterCounter.PEERS_REJECTED);
            sendCea(link, ResultCode.DIAMETER_NO_COMMON_APPLICATION.code());
            link.close();
            return;
        }
        link.peer = peer;
        peer.onRConnCer(link, now);
    }

    private void onCeaMessage(Link link, DiameterMessage cea, long now) {
        Peer peer = link.peer;
        if (!link.initiator || peer == null) {
            counters.increment(DiameterCounter.MESSAGES_BEFORE_OPEN);
            link.close();
            return;
        }
        peer.onCea(link, PeerCapabilities.from(cea), now);
    }

    private void dispatchRequest(Link link, DiameterMessage request) {
        counters.increment(DiameterCounter.REQUESTS_RECEIVED);
        Scratch scratch = SCRATCH.get();
        long duplicateKey = duplicateKey(request, scratch.avp);
        if (request.isRetransmit()) {
            byte[] cached = answeredRequests.get(duplicateKey);
            if (cached != null) {
                // RFC 6733 §6.1.8 / RFC 4006 §5.7: answer a retransmitted duplicate from the cache, not twice
                counters.increment(DiameterCounter.DUPLICATE_REQUESTS);
                byte[] copy = cached.clone();
                ByteBuffer.wrap(copy).putInt(12, request.hopByHopId());
                link.send(copy);
                return;
            }
        }
        if (link.inboundPending.incrementAndGet() > context.maxInboundPending()) {
            link.inboundPending.decrementAndGet();
            counters.increment(DiameterCounter.TOO_BUSY_ANSWERED);
            sendErrorAnswer(link, request, ResultCode.DIAMETER_TOO_BUSY.code(), null);
            return;
        }
        RequestHandler handler = handlers.get(request.applicationId() & 0xffffffffL);
        if (handler == null) {
            link.inboundPending.decrementAndGet();
            counters.increment(DiameterCounter.APPLICATION_UNSUPPORTED);
            sendErrorAnswer(link, request, ResultCode.DIAMETER_APPLICATION_UNSUPPORTED.code(), null);
            return;
        }
        AnswerContext answer = new AnswerContext(this, link, request, scratch.avp, duplicateKey);
        try {
            handler.onRequest(request, answer);
        } catch (RuntimeException e) {
            counters.increment(DiameterCounter.HANDLER_ERRORS);
            lastHandlerError = e.toString();
            answer.answer(ResultCode.DIAMETER_UNABLE_TO_COMPLY.code(), MessageWriter.EMPTY);
        }
    }

    private void deliverAnswer(DiameterMessage answer) {
        PendingRequest request = pending.remove(answer.hopByHopId());
        if (request == null) {
            counters.increment(DiameterCounter.UNMATCHED_ANSWERS);
            return;
        }
        counters.increment(DiameterCounter.ANSWERS_RECEIVED);
        try {
            request.listener.onAnswer(answer);
        } catch (RuntimeException e) {
            counters.increment(DiameterCounter.HANDLER_ERRORS);
            lastHandlerError = e.toString();
        }
    }

    void onAnswerSent(Link link, byte[] message, long duplicateKey) {
        counters.increment(DiameterCounter.ANSWERS_SENT);
        answeredRequests.put(duplicateKey, message);
        link.send(message);
    }

    // ---- timer thread ----

    private void tick() {
        try {
            tickOnce();
        } catch (RuntimeException e) {
            // a failing tick must not stop the timer (a scheduled task that throws is never run again)
            counters.increment(DiameterCounter.HANDLER_ERRORS);
            lastHandlerError = e.toString();
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(trace));
            lastHandlerError = trace.toString();
        }
    }

    private void tickOnce() {
        long now = now();
        for (Peer peer : peers) {
            peer.tick(now);
        }
        long cerTimeoutNs = context.capabilitiesTimeoutMs() * 1_000_000L;
        for (Link link : unboundLinks) {
            if (now - link.createdNs >= cerTimeoutNs) {
                counters.increment(DiameterCounter.CER_TIMEOUTS);
                unboundLinks.remove(link);
                link.close();
            }
        }
        if (now - nextSweepNs >= 0) {
            nextSweepNs = now + SWEEP_INTERVAL_NS;
            for (PendingRequest request : pending.values()) {
                if (now - request.deadlineNs >= 0 && pending.remove(request.hopByHopId, request)) {
                    counters.increment(DiameterCounter.REQUEST_TIMEOUTS);
                    notifyFailure(request, RequestFailure.TIMEOUT);
                }
            }
        }
    }

    void failoverLater(Peer peer) {
        if (!timer.isShutdown()) {
            try {
                timer.execute(() -> failover(peer));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the node is stopping: close() fails what is still pending
            }
        }
    }

    /** RFC 3539 §3.4: requests pending on a failed peer go to an alternate peer, marked with the T flag. */
    private void failover(Peer peer) {
        for (PendingRequest request : pending.values()) {
            if (request.peer != peer) {
                continue;
            }
            Peer alternate = select(request.realm, request.applicationId, peer);
            Link link = alternate == null ? null : alternate.active;
            if (link != null) {
                byte[] copy = request.message.clone();
                copy[4] |= (byte) DiameterMessage.FLAG_RETRANSMIT;
                request.peer = alternate;
                counters.increment(DiameterCounter.FAILOVERS);
                counters.increment(DiameterCounter.RETRANSMISSIONS);
                link.send(copy);
            } else if (!peer.state.isOpen() && pending.remove(request.hopByHopId, request)) {
                notifyFailure(request, RequestFailure.PEER_DOWN);
            }
        }
    }

    private void notifyFailure(PendingRequest request, RequestFailure failure) {
        try {
            request.listener.onFailure(failure);
        } catch (RuntimeException e) {
            counters.increment(DiameterCounter.HANDLER_ERRORS);
            lastHandlerError = e.toString();
        }
    }

    // ---- routing ----

    /**
     * Realm-based routing: the peer of the realm with the lowest priority value (primary before secondary) that is
     * open with watchdog OKAY and supports the application; peers configured with realm "*" are the default route.
     * Peers whose connection drains come first; when none does (a burst of pipelined requests put every connection
     * above its high-water mark), a busy one takes the request, which {@link #send} queues there up to
     * {@code maxOutboundBytes}. Null: no open peer (NO_ROUTE).
     */
    private Peer select(String realm, int applicationId, Peer exclude) {
        Peer best = select(realm, applicationId, exclude, true);
        return best != null ? best : select(realm, applicationId, exclude, false);
    }

    private Peer select(String realm, int applicationId, Peer exclude, boolean draining) {
        Peer best = select(realm, applicationId, exclude, false, draining);
        return best != null ? best : select(realm, applicationId, exclude, true, draining);
    }

    private Peer select(String realm, int applicationId, Peer exclude, boolean defaultRoute, boolean draining) {
        Peer best = null;
        int bestPriority = Integer.MAX_VALUE;
        for (Peer peer : peers) {
            if (peer == exclude || !peer.isOpenAndOkay() || (draining && !peer.drains())) {
                continue;
            }
            String peerRealm = peer.config != null && peer.config.realm() != null ? peer.config.realm() : peer.realm;
            boolean matches = defaultRoute ? "*".equals(peerRealm) : realm == null || realm.equalsIgnoreCase(peerRealm);
            if (!matches) {
                continue;
            }
            PeerCapabilities caps = peer.capabilities;
            if (caps != null && !caps.supports(applicationId & 0xffffffffL)) {
                continue;
            }
            int priority = peer.config == null ? 0 : peer.config.priority();
            if (priority < bestPriority) {
                best = peer;
                bestPriority = priority;
            }
        }
        return best;
    }

    private boolean hasCommonApplication(PeerCapabilities caps) {
        List<Long> ours = ourApplications();
        if (ours.isEmpty()
                || ours.contains(PeerCapabilities.RELAY)
                || caps.allApplicationIds().contains(PeerCapabilities.RELAY)) {
            return true;
        }
        for (long id : ours) {
            if (caps.allApplicationIds().contains(id)) {
                return true;
            }
        }
        return false;
    }

    private List<Long> ourApplications() {
        List<Long> ours = new ArrayList<>(context.authApplicationIds());
        ours.addAll(context.acctApplicationIds());
        for (long[] pair : context.vendorSpecificApplications()) {
            ours.add(pair[1]);
        }
        return ours;
    }

    private static boolean addressMatches(String configured, String remoteIp) {
        try {
            for (InetAddress address : InetAddress.getAllByName(configured)) {
                if (address.getHostAddress().equals(remoteIp)) {
                    return true;
                }
            }
            return false;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private Peer findPeer(String originHost) {
        for (Peer peer : peers) {
            if (originHost != null && originHost.equalsIgnoreCase(peer.originHost)) {
                return peer;
            }
        }
        return null;
    }

    private Peer peerFor(PeerConfig config) {
        for (Peer peer : peers) {
            if (peer.config == config || config.equals(peer.config)) {
                return peer;
            }
        }
        throw new IllegalArgumentException("peer not configured: peer=" + config);
    }

    // ---- base protocol messages ----

    void connect(PeerConfig config, Link link) {
        transport.connect(config.host(), config.port(), config.tls(), context.connectTimeoutMs(), link);
    }

    void sendCer(Link link) {
        DiameterEncoder encoder = scratchEncoder();
        encoder.header(
                DiameterMessage.FLAG_REQUEST,
                Command.CAPABILITIES_EXCHANGE.code(),
                0,
                nextHopByHopId(),
                endToEnd.getAndIncrement());
        writeCapabilities(encoder, link);
        link.send(finish(encoder));
    }

    void sendCea(Link link, int resultCode) {
        DiameterEncoder encoder = scratchEncoder();
        encoder.header(0, Command.CAPABILITIES_EXCHANGE.code(), 0, link.cerHopByHopId, link.cerEndToEndId);
        encoder.putUnsigned32(Avp.RESULT_CODE, resultCode);
        writeCapabilities(encoder, link);
        link.send(finish(encoder));
    }

    private void writeCapabilities(DiameterEncoder encoder, Link link) {
        writeOrigin(encoder);
        Connection connection = link.connection;
        InetAddress local = connection == null
                ? InetAddress.getLoopbackAddress()
                : connection.localAddress().getAddress();
        encoder.putAddress(Avp.HOST_IP_ADDRESS, local);
        encoder.putUnsigned32(Avp.VENDOR_ID, context.vendorId());
        encoder.putUtf8(Avp.PRODUCT_NAME, context.productName());
        encoder.putUnsigned32(Avp.ORIGIN_STATE_ID, originStateId);
        if (!context.vendorSpecificApplications().isEmpty()) {
            encoder.putUnsigned32(
                    Avp.SUPPORTED_VENDOR_ID,
                    context.vendorSpecificApplications().get(0)[0]);
        }
        for (long id : context.authApplicationIds()) {
            encoder.putUnsigned32(Avp.AUTH_APPLICATION_ID, id);
        }
        for (long id : context.acctApplicationIds()) {
            encoder.putUnsigned32(Avp.ACCT_APPLICATION_ID, id);
        }
        for (long[] pair : context.vendorSpecificApplications()) {
            int token = encoder.beginGrouped(Avp.VENDOR_SPECIFIC_APPLICATION_ID);
            encoder.putUnsigned32(Avp.VENDOR_ID, pair[0]);
            encoder.putUnsigned32(Avp.AUTH_APPLICATION_ID, pair[1]);
            encoder.endGrouped(token);
        }
        encoder.putUnsigned32(Avp.FIRMWARE_REVISION, context.firmwareRevision());
    }

    void sendDwr(Link link, int hopByHopId) {
        DiameterEncoder encoder = scratchEncoder();
        encoder.header(
                DiameterMessage.FLAG_REQUEST,
                Command.DEVICE_WATCHDOG.code(),
                0,
                hopByHopId,
                endToEnd.getAndIncrement());
        writeOrigin(encoder);
        encoder.putUnsigned32(Avp.ORIGIN_STATE_ID, originStateId);
        link.send(finish(encoder));
    }

    void sendDpr(Link link, int hopByHopId, int disconnectCause) {
        DiameterEncoder encoder = scratchEncoder();
        encoder.header(
                DiameterMessage.FLAG_REQUEST,
                Command.DISCONNECT_PEER.code(),
                0,
                hopByHopId,
                endToEnd.getAndIncrement());
        writeOrigin(encoder);
        encoder.putInteger32(Avp.DISCONNECT_CAUSE, disconnectCause);
        link.send(finish(encoder));
    }

    /** DWA or DPA: Result-Code, Origin-Host, Origin-Realm (and Origin-State-Id for DWA). */
    private void sendBaseAnswer(Link link, DiameterMessage request, Command command) {
        DiameterEncoder encoder = scratchEncoder();
        encoder.header(0, command.code(), 0, request.hopByHopId(), request.endToEndId());
        encoder.putUnsigned32(Avp.RESULT_CODE, ResultCode.SUCCESS);
        writeOrigin(encoder);
        if (command == Command.DEVICE_WATCHDOG) {
            encoder.putUnsigned32(Avp.ORIGIN_STATE_ID, originStateId);
        }
        link.send(finish(encoder));
    }

    private void sendErrorAnswer(Link link, DiameterMessage request, int resultCode, MessageValidator validator) {
        counters.increment(DiameterCounter.ERROR_ANSWERS_SENT);
        DiameterEncoder encoder = scratchEncoder();
        link.errorAnswers.write(request, resultCode, validator, context.originHost(), context.originRealm(), encoder);
        link.send(finish(encoder));
    }

    // ---- helpers ----

    void writeOrigin(DiameterEncoder encoder) {
        encoder.putOctets(Avp.ORIGIN_HOST, originHostBytes);
        encoder.putOctets(Avp.ORIGIN_REALM, originRealmBytes);
    }

    DiameterEncoder scratchEncoder() {
        Scratch scratch = SCRATCH.get();
        return scratch.encoder.wrap(scratch.buffer, 0);
    }

    byte[] finish(DiameterEncoder encoder) {
        int length = encoder.finish();
        byte[] message = new byte[length];
        encoder.buffer().get(encoder.start(), message, 0, length);
        return message;
    }

    int nextHopByHopId() {
        return hopByHop.incrementAndGet();
    }

    long twNs() {
        long tw = context.twMs();
        if (tw >= 6_000) {
            // RFC 3539 §3.4.1: jitter of ±2 s so that watchdogs of many peers do not synchronise
            tw += ThreadLocalRandom.current().nextLong(-2_000, 2_001);
        }
        return tw * 1_000_000L;
    }

    long now() {
        return context.nanoClock().getAsLong();
    }

    /** Origin-Host bytes hashed in place with the End-to-End id: the duplicate-detection key of RFC 6733 §6.1.8. */
    private static long duplicateKey(DiameterMessage request, DiameterAvp avp) {
        int hash = 0;
        if (request.find(Avp.ORIGIN_HOST, avp)) {
            ByteBuffer buffer = avp.buffer();
            int end = avp.dataOffset() + avp.dataLength();
            for (int i = avp.dataOffset(); i < end; i++) {
                hash = 31 * hash + buffer.get(i);
            }
        }
        return ((long) hash << 32) | (request.endToEndId() & 0xffffffffL);
    }

    private static final class Scratch {
        final ByteBuffer buffer = ByteBuffer.allocate(SCRATCH_BYTES);
        final DiameterEncoder encoder = new DiameterEncoder();
        final DiameterAvp avp = new DiameterAvp();
    }
}

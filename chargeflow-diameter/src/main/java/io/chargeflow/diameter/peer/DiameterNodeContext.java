package io.chargeflow.diameter.peer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Configuration of a {@link DiameterNode}: our identity and applications (what CER/CEA announce), the peers to
 * connect to and accept, the listening address, and the timers of RFC 6733 / RFC 3539 with their defaults. Fluent
 * setters, filled on the configuring thread before {@link DiameterNode} is created; not changed afterwards.
 */
public final class DiameterNodeContext {
    private String originHost;
    private String originRealm;
    private long vendorId = 0;
    private String productName = "chargeflow";
    private long firmwareRevision = 1;
    private final List<Long> authApplicationIds = new ArrayList<>();
    private final List<Long> acctApplicationIds = new ArrayList<>();
    private final List<long[]> vendorSpecificApplications = new ArrayList<>();
    private final List<PeerConfig> peers = new ArrayList<>();
    private final Map<String, String> allowedPeers = new HashMap<>();
    private String listenHost = "0.0.0.0";
    private int listenPort = -1;
    private boolean listenTls = false;
    private TlsSettings tls;
    private long twMs = 30_000;
    private int reopenDwaCount = 3;
    private long capabilitiesTimeoutMs = 5_000;
    private int connectTimeoutMs = 5_000;
    private long reconnectInitialMs = 1_000;
    private long reconnectMaxMs = 30_000;
    private long requestTimeoutMs = 15_000;
    private long dpaTimeoutMs = 2_000;
    private int maxInboundPending = 10_000;
    private long writeStallTimeoutMs = 10_000;
    private long maxOutboundBytes = 32L << 20;
    private int duplicateCacheSize = 4_096;
    private int ioThreads = 2;
    private long tickMs = 10;
    private LongSupplier nanoClock = System::nanoTime;
    private boolean reconnect = true;

    public DiameterNodeContext originHost(String originHost) {
        this.originHost = originHost;
        return this;
    }

    public DiameterNodeContext originRealm(String originRealm) {
        this.originRealm = originRealm;
        return this;
    }

    public DiameterNodeContext vendorId(long vendorId) {
        this.vendorId = vendorId;
        return this;
    }

    public DiameterNodeContext productName(String productName) {
        this.productName = productName;
        return this;
    }

    public DiameterNodeContext firmwareRevision(long firmwareRevision) {
        this.firmwareRevision = firmwareRevision;
        return this;
    }

    /** Announces an authorization application (e.g. 4 for credit control) in CER/CEA. */
    public DiameterNodeContext authApplication(long applicationId) {
        authApplicationIds.add(applicationId);
        return this;
    }

    /** Announces an accounting application (e.g. 3 for base accounting / Rf). */
    public DiameterNodeContext acctApplication(long applicationId) {
        acctApplicationIds.add(applicationId);
        return this;
    }

    /** Announces a Vendor-Specific-Application-Id with an Auth-Application-Id. */
    public DiameterNodeContext vendorSpecificAuthApplication(long vendor, long applicationId) {
        vendorSpecificApplications.add(new long[] {vendor, applicationId});
        return this;
    }

    /** A peer to connect to (and to accept when it connects first). */
    public DiameterNodeContext peer(PeerConfig peer) {
        peers.add(peer);
        return this;
    }

    /** Accepts a connecting peer that is not configured: by Origin-Host, from {@code address} ("*" for any). */
    public DiameterNodeContext allowPeer(String originHost, String address) {
        allowedPeers.put(originHost, address);
        return this;
    }

    /** Listens for peers on {@code host:port} (port 0: any free port; see {@link DiameterNode#listenPort()}). */
    public DiameterNodeContext listen(String host, int port, boolean tls) {
        this.listenHost = host;
        this.listenPort = port;
        this.listenTls = tls;
        return this;
    }

    public DiameterNodeContext tls(TlsSettings tls) {
        this.tls = tls;
        return this;
    }

    /** Watchdog interval Tw (RFC 3539 §3.4.1: default 30 s, jittered by ±2 s when at least 6 s). */
    public DiameterNodeContext twMs(long twMs) {
        this.twMs = twMs;
        return this;
    }

    /** DWAs needed in REOPEN before a reconnected peer takes traffic again (RFC 3539: 3). */
    public DiameterNodeContext reopenDwaCount(int reopenDwaCount) {
        this.reopenDwaCount = reopenDwaCount;
        return this;
    }

    /** Longest wait for a CEA after our CER, and for a CER on an accepted connection. */
    public DiameterNodeContext capabilitiesTimeoutMs(long capabilitiesTimeoutMs) {
        this.capabilitiesTimeoutMs = capabilitiesTimeoutMs;
        return this;
    }

    public DiameterNodeContext connectTimeoutMs(int connectTimeoutMs) {
        this.connectTimeoutMs = connectTimeoutMs;
        return this;
    }

    /** Reconnect backoff: first delay, doubled per failure up to {@code maxMs}. */
    public DiameterNodeContext reconnectBackoffMs(long initialMs, long maxMs) {
        this.reconnectInitialMs = initialMs;
        this.reconnectMaxMs = maxMs;
        return this;
    }

    /** Diameter-layer request timeout (keep it above the credit-control Tx, GY-RULES 1). */
    public DiameterNodeContext requestTimeoutMs(long requestTimeoutMs) {
        this.requestTimeoutMs = requestTimeoutMs;
        return this;
    }

    public DiameterNodeContext dpaTimeoutMs(long dpaTimeoutMs) {
        this.dpaTimeoutMs = dpaTimeoutMs;
        return this;
    }

    /** Unanswered requests from one connection beyond which new ones get DIAMETER_TOO_BUSY (flood guard). */
    public DiameterNodeContext maxInboundPending(int maxInboundPending) {
        this.maxInboundPending = maxInboundPending;
        return this;
    }

    /** How long a peer may stop reading (our output stays above the high-water mark) before it is cut off. */
    public DiameterNodeContext writeStallTimeoutMs(long writeStallTimeoutMs) {
        this.writeStallTimeoutMs = writeStallTimeoutMs;
        return this;
    }

    /**
     * Bytes of requests that may wait for one connection whose peer reads slowly (output above the high-water mark);
     * a request beyond it fails at once with {@link RequestFailure#BACKPRESSURE}, counted as REQUESTS_BACKPRESSURE.
     */
    public DiameterNodeContext maxOutboundBytes(long maxOutboundBytes) {
        if (maxOutboundBytes <= 0) {
            throw new IllegalArgumentException("maxOutboundBytes=" + maxOutboundBytes);
        }
        this.maxOutboundBytes = maxOutboundBytes;
        return this;
    }

    public DiameterNodeContext duplicateCacheSize(int duplicateCacheSize) {
        this.duplicateCacheSize = duplicateCacheSize;
        return this;
    }

    public DiameterNodeContext ioThreads(int ioThreads) {
        this.ioThreads = ioThreads;
        return this;
    }

    /** Period of the timer thread that runs watchdogs, reconnects and request timeouts. */
    public DiameterNodeContext tickMs(long tickMs) {
        this.tickMs = tickMs;
        return this;
    }

    /** Whether a lost or refused peer is retried with backoff (true) or left closed (false: the probe). */
    public DiameterNodeContext reconnect(boolean reconnect) {
        this.reconnect = reconnect;
        return this;
    }

    public boolean reconnect() {
        return reconnect;
    }

    public DiameterNodeContext nanoClock(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        return this;
    }

    /** Fails fast on a missing or impossible setting, naming it. */
    public DiameterNodeContext validate() {
        require(originHost != null && !originHost.isEmpty(), "originHost=" + originHost);
        require(originRealm != null && !originRealm.isEmpty(), "originRealm=" + originRealm);
        require(twMs > 0, "twMs=" + twMs);
        require(reopenDwaCount >= 0, "reopenDwaCount=" + reopenDwaCount);
        require(capabilitiesTimeoutMs > 0, "capabilitiesTimeoutMs=" + capabilitiesTimeoutMs);
        require(connectTimeoutMs > 0, "connectTimeoutMs=" + connectTimeoutMs);
        require(
                reconnectInitialMs > 0 && reconnectMaxMs >= reconnectInitialMs,
                "reconnectInitialMs=" + reconnectInitialMs + " reconnectMaxMs=" + reconnectMaxMs);
        require(requestTimeoutMs > 0, "requestTimeoutMs=" + requestTimeoutMs);
        require(maxInboundPending > 0, "maxInboundPending=" + maxInboundPending);
        require(ioThreads > 0, "ioThreads=" + ioThreads);
        require(tickMs > 0, "tickMs=" + tickMs);
        require(!listenTls || (tls != null && tls.keyStore() != null), "listenTls=true tls.keyStore=null");
        for (PeerConfig peer : peers) {
            require(!peer.tls() || tls != null, "peer.tls=true tls=null (peer " + peer.host() + ")");
        }
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public String originHost() {
        return originHost;
    }

    public String originRealm() {
        return originRealm;
    }

    public long vendorId() {
        return vendorId;
    }

    public String productName() {
        return productName;
    }

    public long firmwareRevision() {
        return firmwareRevision;
    }

    public List<Long> authApplicationIds() {
        return authApplicationIds;
    }

    public List<Long> acctApplicationIds() {
        return acctApplicationIds;
    }

    public List<long[]> vendorSpecificApplications() {
        return vendorSpecificApplications;
    }

    public List<PeerConfig> peers() {
        return peers;
    }

    public Map<String, String> allowedPeers() {
        return allowedPeers;
    }

    public String listenHost() {
        return listenHost;
    }

    public int listenPort() {
        return listenPort;
    }

    public boolean listenTls() {
        return listenTls;
    }

    public TlsSettings tls() {
        return tls;
    }

    public long twMs() {
        return twMs;
    }

    public int reopenDwaCount() {
        return reopenDwaCount;
    }

    public long capabilitiesTimeoutMs() {
        return capabilitiesTimeoutMs;
    }

    public int connectTimeoutMs() {
        return connectTimeoutMs;
    }

    public long reconnectInitialMs() {
        return reconnectInitialMs;
    }

    public long reconnectMaxMs() {
        return reconnectMaxMs;
    }

    public long requestTimeoutMs() {
        return requestTimeoutMs;
    }

    public long dpaTimeoutMs() {
        return dpaTimeoutMs;
    }

    public int maxInboundPending() {
        return maxInboundPending;
    }

    public long writeStallTimeoutMs() {
        return writeStallTimeoutMs;
    }

    public long maxOutboundBytes() {
        return maxOutboundBytes;
    }

    public int duplicateCacheSize() {
        return duplicateCacheSize;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public long tickMs() {
        return tickMs;
    }

    public LongSupplier nanoClock() {
        return nanoClock;
    }
}

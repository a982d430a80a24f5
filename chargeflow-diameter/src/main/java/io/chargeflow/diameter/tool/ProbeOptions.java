package io.chargeflow.diameter.tool;

import java.nio.file.Path;
import java.util.List;

/**
 * Options of {@code chargeflow diameter probe HOST:PORT}: whom to reach, who we claim to be, TLS and its trust, the
 * timeouts of each step, and the applications announced in our CER. Immutable; validated by {@link DiameterProbe}.
 *
 * @param host peer host name or address
 * @param port peer port (3868 for TCP, 5658 for TLS by convention)
 * @param originHost our Origin-Host
 * @param originRealm our Origin-Realm
 * @param tls TLS from the first byte (RFC 6733 §13)
 * @param connectTimeoutMs TCP (and TLS handshake) timeout
 * @param answerTimeoutMs timeout of each of CEA, DWA and DPA
 * @param trustStore PKCS#12 trust store for the peer certificate, or null for the JDK default
 * @param trustStorePassword its password (may be null)
 * @param insecure accept any certificate and skip the host-name check
 * @param applicationIds Auth-Application-Ids announced in the CER (a peer rejects a CER with no common application)
 */
public record ProbeOptions(
        String host,
        int port,
        String originHost,
        String originRealm,
        boolean tls,
        int connectTimeoutMs,
        long answerTimeoutMs,
        Path trustStore,
        char[] trustStorePassword,
        boolean insecure,
        List<Long> applicationIds) {

    /** Plain TCP, 3 s timeouts, announcing credit control (4). */
    public static ProbeOptions of(String host, int port, String originHost, String originRealm) {
        return new ProbeOptions(
                host, port, originHost, originRealm, false, 3_000, 3_000, null, null, false, List.of(4L));
    }

    /** A copy with TLS switched on and the given trust settings. */
    public ProbeOptions withTls(Path trustStore, char[] trustStorePassword, boolean insecure) {
        return new ProbeOptions(
                host,
                port,
                originHost,
                originRealm,
                true,
                connectTimeoutMs,
                answerTimeoutMs,
                trustStore,
                trustStorePassword,
                insecure,
                applicationIds);
    }

    /** A copy with other timeouts. */
    public ProbeOptions withTimeouts(int connectTimeoutMs, long answerTimeoutMs) {
        return new ProbeOptions(
                host,
                port,
                originHost,
                originRealm,
                tls,
                connectTimeoutMs,
                answerTimeoutMs,
                trustStore,
                trustStorePassword,
                insecure,
                applicationIds);
    }
}

package io.chargeflow.diameter.peer;

import java.nio.file.Path;

/**
 * TLS material and checks for RFC 6733 §13 (TLS from the first byte, "Diameter over TLS" port 5658): our key and
 * certificate (PKCS#12), the trust store peers are checked against, whether the peer's certificate must name the
 * host we dialled, and whether a connecting peer must present a certificate. Immutable configuration.
 *
 * @param keyStore PKCS#12 file with our private key and certificate chain, or null (client without certificate)
 * @param keyStorePassword its password
 * @param trustStore PKCS#12 file of trusted certificates, or null for the JDK's default trust store
 * @param trustStorePassword its password
 * @param verifyHostname check that the server certificate matches the host name dialled
 * @param requireClientCertificate a server asks for and checks the client's certificate
 * @param trustAll accept any certificate (operator probing only; never for charging traffic)
 */
public record TlsSettings(
        Path keyStore,
        char[] keyStorePassword,
        Path trustStore,
        char[] trustStorePassword,
        boolean verifyHostname,
        boolean requireClientCertificate,
        boolean trustAll) {

    /** Client settings that trust the given store and check the host name. */
    public static TlsSettings trusting(Path trustStore, char[] password) {
        return new TlsSettings(null, null, trustStore, password, true, false, false);
    }
}

package dev.raftify;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS for peer traffic and the admin RPCs. With a certificate chain and key, the node serves TLS; with trusted
 * certificates, it verifies the peers it connects to; with client auth, it also requires and verifies a client
 * certificate on every incoming call (mutual TLS). All files are PEM.
 *
 * @param certChain this node's certificate chain, or null for plaintext
 * @param privateKey this node's private key (PKCS#8 PEM), or null
 * @param trustCerts certificates of the CA(s) that sign peers' certificates, or null to trust the JVM default
 * @param clientAuth require client certificates (mutual TLS)
 */
public record TlsConfig(Path certChain, Path privateKey, Path trustCerts, boolean clientAuth) {

    public static TlsConfig disabled() {
        return new TlsConfig(null, null, null, false);
    }

    /** TLS with this node's certificate and key, trusting {@code trustCerts}; mutual when {@code clientAuth}. */
    public static TlsConfig of(Path certChain, Path privateKey, Path trustCerts, boolean clientAuth) {
        return new TlsConfig(certChain, privateKey, trustCerts, clientAuth);
    }

    public boolean enabled() {
        return certChain != null;
    }

    TlsConfig withCertChain(Path p) {
        return new TlsConfig(p, privateKey, trustCerts, clientAuth);
    }

    TlsConfig withPrivateKey(Path p) {
        return new TlsConfig(certChain, p, trustCerts, clientAuth);
    }

    TlsConfig withTrustCerts(Path p) {
        return new TlsConfig(certChain, privateKey, p, clientAuth);
    }

    TlsConfig withClientAuth(boolean v) {
        return new TlsConfig(certChain, privateKey, trustCerts, v);
    }

    void validate() {
        if ((certChain == null) != (privateKey == null)) {
            throw new Config.InvalidConfigException("tls.cert-chain and tls.private-key must be given together");
        }
        if (!enabled() && (trustCerts != null || clientAuth)) {
            throw new Config.InvalidConfigException(
                    "tls.trust-certs and tls.client-auth need tls.cert-chain and tls.private-key");
        }
        if (clientAuth && trustCerts == null) {
            throw new Config.InvalidConfigException("tls.client-auth needs tls.trust-certs to verify clients with");
        }
        for (Path p : new Path[] {certChain, privateKey, trustCerts}) {
            if (p != null && !Files.isReadable(p)) {
                throw new Config.InvalidConfigException("TLS file " + p + " does not exist or is not readable");
            }
        }
    }
}

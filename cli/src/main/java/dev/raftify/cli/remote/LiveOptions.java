package dev.raftify.cli.remote;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options of every command that talks to live nodes: the cluster id, the timeout and TLS. */
public final class LiveOptions {

    @Option(names = "--cluster-id", paramLabel = "<id>", defaultValue = "raftify",
            description = "The cluster id sent with every call; nodes of another cluster refuse. Default: ${DEFAULT-VALUE}.")
    String clusterId;

    @Option(names = "--timeout", paramLabel = "<duration>", defaultValue = "5s", converter = DurationConverter.class,
            description = "How long to wait for each node's answer (500ms, 5s, 1m). Commands that change the cluster "
                    + "wait this long for the outcome. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--tls", description = "Connect with TLS, trusting the system's certificate authorities "
            + "(implied by the other --tls options).")
    boolean tls;

    @Option(names = "--tls-ca", paramLabel = "<pem>", description = "Trust the certificate authorities in this PEM file.")
    Path tlsCa;

    @Option(names = "--tls-cert", paramLabel = "<pem>",
            description = "Client certificate chain (PEM) for mutual TLS; needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "<pem>", description = "Client private key (PKCS#8 PEM) for mutual TLS.")
    Path tlsKey;

    @Option(names = "--tls-server-name", paramLabel = "<name>",
            description = "The name to verify the server's certificate against (default: the host of the address).")
    String tlsServerName;

    public String clusterId() {
        return clusterId;
    }

    public Duration timeout() {
        return timeout;
    }

    public boolean tlsEnabled() {
        return tls || tlsCa != null || tlsCert != null || tlsKey != null || tlsServerName != null;
    }
}

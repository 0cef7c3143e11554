package dev.raftify.examples.memstore;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The command line of {@code ./raftify-memstore}. */
final class NodeOptions {

    @Option(names = "--id", paramLabel = "ID",
            description = "This node's id (a positive integer). Required with --peers on a new data dir; with --join "
                    + "the cluster assigns one; on restart it is read from the data dir.")
    Long id;

    @Option(names = "--raft-addr", required = true, paramLabel = "HOST:PORT",
            description = "Where this node serves Raft (gRPC) to its peers.")
    String raftAddr;

    @Option(names = "--web-addr", required = true, paramLabel = "HOST:PORT",
            description = "Where this node serves the HTTP API.")
    String webAddr;

    @Option(names = "--data-dir", required = true, paramLabel = "DIR",
            description = "The node's storage directory (created if missing). Restarting on it needs neither "
                    + "--peers nor --join.")
    Path dataDir;

    @ArgGroup(exclusive = true)
    Start start = new Start();

    static final class Start {
        @Option(names = "--peers", paramLabel = "ID=HOST:PORT[,...]",
                description = "Bootstrap a new cluster with these initial members (this node among them).")
        String peers;

        @Option(names = "--join", paramLabel = "HOST:PORT",
                description = "Join a running cluster through any member's Raft address.")
        String join;
    }

    @Option(names = "--learner", description = "With --join: join as a learner (replicates, does not vote).")
    boolean learner;

    @Option(names = "--cluster-id", paramLabel = "ID",
            description = "Nodes refuse peers with another cluster id (default: from --config, else 'raftify').")
    String clusterId;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Engine settings as a .properties file (tick-interval=100ms, election-tick=10, "
                    + "proposal-timeout=5s, ...: the keys of Config.fromProperties).")
    Path configFile;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "TLS for Raft traffic: this node's certificate chain.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "TLS: this node's private key (PKCS#8).")
    Path tlsKey;

    @Option(names = "--tls-ca", paramLabel = "PEM", description = "TLS: the CA certificates peers are verified with.")
    Path tlsCa;

    @Option(names = "--tls-client-auth", description = "TLS: require client certificates (mutual TLS).")
    boolean tlsClientAuth;

    /**
     * {@code 1=127.0.0.1:60061,2=127.0.0.1:60062} → {1: ..., 2: ...}, in the given order.
     *
     * @throws IllegalArgumentException naming the malformed item
     */
    static Map<Long, String> parsePeers(String value) {
        Map<Long, String> peers = new LinkedHashMap<>();
        for (String item : value.split(",")) {
            String s = item.trim();
            int eq = s.indexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                throw new IllegalArgumentException("--peers: expected ID=HOST:PORT, got '" + s + "'");
            }
            long id;
            try {
                id = Long.parseLong(s.substring(0, eq));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--peers: '" + s.substring(0, eq) + "' is not a node id");
            }
            if (id <= 0) {
                throw new IllegalArgumentException("--peers: node ids are positive, got " + id);
            }
            if (peers.put(id, s.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("--peers: node " + id + " is listed twice");
            }
        }
        return peers;
    }
}

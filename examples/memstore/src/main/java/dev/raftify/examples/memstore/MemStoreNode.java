package dev.raftify.examples.memstore;

import dev.raftify.Config;
import dev.raftify.JoinTicket;
import dev.raftify.Raft;
import dev.raftify.TlsConfig;
import dev.raftify.transport.FaultInjector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One memstore node: the key-value state machine, its Raft node and the HTTP API in front of them. */
final class MemStoreNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MemStoreNode.class);

    /** Thrown for a start-up the user can fix (wrong or missing options for this data dir). */
    static final class StartupException extends Exception {
        StartupException(String message) {
            super(message);
        }
    }

    private final Raft raft;
    private final HttpApi http;
    private volatile boolean closed;

    private MemStoreNode(Raft raft, HttpApi http) {
        this.raft = raft;
        this.http = http;
    }

    /**
     * Starts a node as the options say: restart on an existing store, bootstrap with {@code --peers}, or join
     * with {@code --join}. {@code onLeft} runs once the node has left the cluster through {@code POST /leave}.
     */
    static MemStoreNode start(NodeOptions o, Runnable onLeft) throws Exception {
        Config config = config(o);
        MemStoreStateMachine store = new MemStoreStateMachine();
        boolean existing = Files.exists(o.dataDir.resolve("data.mdb"));
        FaultInjector faults = FaultEndpoints.injectorIfEnabled();

        Raft raft;
        if (existing) {
            long id = storedId(o);
            if (o.start.peers != null || o.start.join != null) {
                log.info("node {}: {} holds a store already; restarting from it (--peers/--join ignored)", id,
                        o.dataDir);
            }
            raft = build(id, o, config, store, faults).build().start();
        } else if (o.start.join != null) {
            raft = join(o, config, store, faults);
        } else if (o.start.peers != null) {
            raft = bootstrap(o, config, store, faults);
        } else {
            throw new StartupException(o.dataDir + " holds no store yet: give --peers to start a new cluster or "
                    + "--join HOST:PORT to join a running one");
        }

        HttpApi http;
        try {
            http = new HttpApi(Addresses.parse(o.webAddr), raft.node(), store, requestDeadline(config), onLeft);
            if (faults != null) {
                http.addContext("/faults/", new FaultEndpoints(faults));
                log.warn("fault injection is ON (-D{}=true): POST /faults/drop/IDS and /faults/heal cut Raft links",
                        FaultEndpoints.PROPERTY);
            }
            http.start();
        } catch (IOException | RuntimeException e) {
            raft.close();
            throw new StartupException("cannot serve HTTP at " + o.webAddr + ": " + e.getMessage());
        }
        log.info("node {}: serving HTTP at {} and Raft at {} (data in {})", raft.node().id(), o.webAddr,
                o.raftAddr, o.dataDir);
        return new MemStoreNode(raft, http);
    }

    private static long storedId(NodeOptions o) throws IOException, StartupException {
        OptionalLong stored = NodeIdFile.read(o.dataDir);
        if (stored.isPresent() && o.id != null && o.id != stored.getAsLong()) {
            throw new StartupException(o.dataDir + " belongs to node " + stored.getAsLong() + ", not --id " + o.id);
        }
        if (stored.isPresent()) {
            return stored.getAsLong();
        }
        if (o.id == null) {
            throw new StartupException(o.dataDir + " has a store but no " + NodeIdFile.NAME + " (the node never "
                    + "finished joining, or the store was made by another program): give --id, or remove the "
                    + "directory and join again");
        }
        NodeIdFile.write(o.dataDir, o.id);
        return o.id;
    }

    private static Raft bootstrap(NodeOptions o, Config config, MemStoreStateMachine store,
            FaultInjector faults) throws Exception {
        Map<Long, String> peers;
        try {
            peers = NodeOptions.parsePeers(o.start.peers);
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        }
        if (o.id == null) {
            throw new StartupException("--peers needs --id: which of the listed nodes is this one?");
        }
        if (!peers.containsKey(o.id)) {
            throw new StartupException("--peers does not list this node (--id " + o.id + ")");
        }
        if (!peers.get(o.id).equals(o.raftAddr)) {
            throw new StartupException("--peers gives node " + o.id + " the address " + peers.get(o.id)
                    + " but --raft-addr is " + o.raftAddr);
        }
        Raft raft = build(o.id, o, config, store, faults).initialMembers(peers).build().start();
        NodeIdFile.write(o.dataDir, o.id);
        return raft;
    }

    private static Raft join(NodeOptions o, Config config, MemStoreStateMachine store,
            FaultInjector faults) throws Exception {
        JoinTicket ticket = Raft.requestId(o.raftAddr, o.start.join, config);
        if (o.id != null && o.id != ticket.reservedId()) {
            throw new StartupException("the cluster assigned id " + ticket.reservedId() + " but --id is " + o.id
                    + "; omit --id with --join");
        }
        log.info("node {}: joining through {} (leader {} at {})", ticket.reservedId(), o.start.join,
                ticket.leaderId(), ticket.leaderAddress());
        Raft raft = build(ticket.reservedId(), o, config, store, faults).joinTicket(ticket).build().start();
        try {
            raft.joinCluster(ticket, o.learner)
                    .get(config.confChangeTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            raft.close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new StartupException("joining through " + o.start.join + " failed: " + cause.getMessage());
        }
        NodeIdFile.write(o.dataDir, ticket.reservedId());
        return raft;
    }

    private static Raft.Builder build(long id, NodeOptions o, Config config, MemStoreStateMachine store,
            FaultInjector faults) {
        Raft.Builder b = Raft.builder(id, o.raftAddr).dataDir(o.dataDir).stateMachine(store).config(config);
        return faults == null ? b : b.faultInjector(faults);
    }

    /** The engine settings: the --config file (or the defaults), then the cluster id and TLS options on top. */
    static Config config(NodeOptions o) throws IOException {
        Config base = o.configFile != null ? Config.load(o.configFile) : Config.defaults();
        Config.Builder b = base.toBuilder();
        if (o.clusterId != null) {
            b.clusterId(o.clusterId);
        }
        if (o.tlsCert != null || o.tlsKey != null || o.tlsCa != null || o.tlsClientAuth) {
            b.tls(TlsConfig.of(o.tlsCert, o.tlsKey, o.tlsCa, o.tlsClientAuth));
        }
        return b.build();
    }

    /**
     * A safety net past the engine's own timeouts (each operation completes within them): if a future ever
     * outlived this, the client still gets a 504 rather than a hung connection.
     */
    static Duration requestDeadline(Config c) {
        Duration longest = c.proposalTimeout();
        for (Duration d : new Duration[] {c.confChangeTimeout(), c.electionTimeout().multipliedBy(2)}) {
            if (d.compareTo(longest) > 0) {
                longest = d;
            }
        }
        return longest.plusSeconds(2);
    }

    long id() {
        return raft.node().id();
    }

    int webPort() {
        return http.port();
    }

    /** Graceful: a leader hands leadership over, pending requests are answered, then HTTP stops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long id = raft.node().id();
        log.info("node {}: shutting down", id);
        long t0 = System.nanoTime();
        long raftMillis;
        try {
            raft.close();
        } finally {
            raftMillis = (System.nanoTime() - t0) / 1_000_000;
            http.close();
        }
        log.info("node {}: stopped (Raft closed in {} ms, HTTP in {} ms)", id, raftMillis,
                (System.nanoTime() - t0) / 1_000_000 - raftMillis);
    }
}

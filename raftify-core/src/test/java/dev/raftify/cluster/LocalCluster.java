package dev.raftify.cluster;

import static org.awaitility.Awaitility.await;

import dev.raftify.Config;
import dev.raftify.JoinTicket;
import dev.raftify.Raft;
import dev.raftify.RaftNode;
import dev.raftify.transport.FaultInjector;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Real nodes in one JVM: gRPC on loopback, LMDB in a temporary directory, fast ticks. */
final class LocalCluster implements AutoCloseable {
    final Path root;
    final Config config;
    final Map<Long, String> addresses = new TreeMap<>();
    final Map<Long, Raft> nodes = new TreeMap<>();
    final Map<Long, KvStateMachine> machines = new TreeMap<>();
    /** Per-node fault injectors, only for clusters built {@link #withFaultInjection()}. */
    final Map<Long, FaultInjector> faults = new TreeMap<>();
    private boolean faultInjection;

    LocalCluster(Path root, Config config) {
        this.root = root;
        this.config = config;
    }

    /** Gives every node started from now on a {@link FaultInjector} (kept across restarts), in {@link #faults}. */
    LocalCluster withFaultInjection() {
        faultInjection = true;
        return this;
    }

    static Config fastConfig() {
        return Config.builder()
                .tickInterval(Duration.ofMillis(20))
                .electionTick(10)
                .heartbeatTick(2)
                .proposalTimeout(Duration.ofSeconds(5))
                .confChangeTimeout(Duration.ofSeconds(8))
                .build();
    }

    static int freePort() {
        return dev.raftify.transport.LocalPorts.free();
    }

    /** Starts {@code n} nodes (ids 1..n) as the initial members. */
    LocalCluster startStatic(int n) throws IOException {
        for (long id = 1; id <= n; id++) {
            addresses.put(id, "127.0.0.1:" + freePort());
        }
        for (long id = 1; id <= n; id++) {
            start(id, Map.copyOf(addresses), null);
        }
        return this;
    }

    Raft start(long id, Map<Long, String> initial, JoinTicket ticket) throws IOException {
        KvStateMachine sm = new KvStateMachine();
        Raft.Builder b = Raft.builder(id, addresses.get(id))
                .dataDir(root.resolve("node-" + id))
                .stateMachine(sm)
                .config(config)
                // Real threads and sockets make this cluster nondeterministic anyway; a fixed seed per node
                // would only make every test start with the same election-timeout collisions.
                .random(new Random());
        if (faultInjection) {
            b.faultInjector(faults.computeIfAbsent(id, x -> new FaultInjector()));
        }
        if (ticket != null) {
            b.joinTicket(ticket);
        } else if (initial != null) {
            b.initialMembers(initial);
        }
        Raft r = b.build().start();
        nodes.put(id, r);
        machines.put(id, sm);
        return r;
    }

    /** Restarts a stopped node from its data directory: no members listed, no ticket. */
    Raft restart(long id) throws IOException {
        return start(id, null, null);
    }

    void stop(long id) {
        Raft r = nodes.remove(id);
        if (r != null) {
            r.close();
        }
    }

    RaftNode node(long id) {
        return nodes.get(id).node();
    }

    /** Waits until the running nodes agree on one leader, and returns it. */
    long awaitLeader() {
        long[] leader = new long[1];
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            long seen = 0;
            for (Raft r : nodes.values()) {
                long l = r.node().leaderId();
                if (l == 0 || (seen != 0 && l != seen) || !nodes.containsKey(l)) {
                    return false;
                }
                seen = l;
            }
            leader[0] = seen;
            return seen != 0 && nodes.get(seen).node().isLeader();
        });
        return leader[0];
    }

    long followerOf(long leader) {
        for (long id : nodes.keySet()) {
            if (id != leader) {
                return id;
            }
        }
        throw new IllegalStateException("no follower");
    }

    List<Long> running() {
        return new ArrayList<>(nodes.keySet());
    }

    @Override
    public void close() {
        for (Raft r : nodes.values()) {
            try {
                r.close();
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
        nodes.clear();
    }
}

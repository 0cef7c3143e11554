package dev.raftify.cli.support;

import static org.awaitility.Awaitility.await;

import dev.raftify.Config;
import dev.raftify.JoinTicket;
import dev.raftify.Raft;
import dev.raftify.RaftNode;
import dev.raftify.StateMachine;
import dev.raftify.transport.FaultInjector;
import dev.raftify.transport.LocalPorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Real engine nodes in the test's JVM (gRPC on loopback, LMDB under a temporary directory), for running the CLI
 * against a cluster the engine itself drives, as the engine's own {@code LocalCluster} does. Optionally with the
 * transport's opt-in {@link FaultInjector} per node, to cut network links.
 */
public final class EngineCluster implements AutoCloseable {
    public final Path root;
    public final Config config;
    public final Map<Long, String> addresses = new TreeMap<>();
    public final Map<Long, Raft> nodes = new TreeMap<>();
    /** Per-node fault injectors, only for clusters built {@link #withFaultInjection()}. */
    public final Map<Long, FaultInjector> faults = new TreeMap<>();
    private boolean faultInjection;

    public EngineCluster(Path root, Config config) {
        this.root = root;
        this.config = config;
    }

    /** Fast ticks (20 ms, elections after 10 to 20 ticks), as the engine's cluster tests use. */
    public static Config fastConfig() {
        return Config.builder().tickInterval(Duration.ofMillis(20)).electionTick(10).heartbeatTick(2)
                .proposalTimeout(Duration.ofSeconds(5)).confChangeTimeout(Duration.ofSeconds(8)).build();
    }

    /** Gives every node started from now on a {@link FaultInjector}, in {@link #faults}. */
    public EngineCluster withFaultInjection() {
        faultInjection = true;
        return this;
    }

    /** A loopback address on a free port below the ephemeral range (always five digits: 20000 and up). */
    public static String freeAddress() {
        return "127.0.0.1:" + LocalPorts.free();
    }

    /** Starts {@code n} nodes (ids 1..n) as the initial members. */
    public EngineCluster startStatic(int n) throws IOException {
        for (long id = 1; id <= n; id++) {
            addresses.put(id, freeAddress());
        }
        Map<Long, String> initial = Map.copyOf(addresses);
        for (long id = 1; id <= n; id++) {
            start(id, initial, null);
        }
        return this;
    }

    /** Starts node {@code id} (its address must be in {@link #addresses}) as an initial member or with a ticket. */
    public Raft start(long id, Map<Long, String> initial, JoinTicket ticket) throws IOException {
        Raft.Builder b = Raft.builder(id, addresses.get(id)).dataDir(store(id)).stateMachine(new Counter())
                .config(config);
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
        return r;
    }

    /** Starts a new node {@code id} on a fresh address, ready to be added by the leader (a ticket from the test). */
    public Raft startJoiner(long id, long leader) throws IOException {
        addresses.put(id, freeAddress());
        return start(id, null, new JoinTicket(id, leader, addresses.get(leader), Map.copyOf(addresses)));
    }

    public Path store(long id) {
        return root.resolve("node-" + id);
    }

    public RaftNode node(long id) {
        return nodes.get(id).node();
    }

    public void stop(long id) {
        Raft r = nodes.remove(id);
        if (r != null) {
            r.close();
        }
    }

    /** Waits until the running nodes agree on one running leader, and returns it. */
    public long awaitLeader() {
        long[] leader = new long[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
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

    public long followerOf(long leader) {
        return nodes.keySet().stream().filter(id -> id != leader).findFirst().orElseThrow();
    }

    /** The addresses of these nodes, comma-separated, as the CLI takes them. */
    public String addressList(Collection<Long> ids) {
        return ids.stream().map(addresses::get).collect(Collectors.joining(","));
    }

    /** Every known address, comma-separated. */
    public String allAddresses() {
        return addressList(addresses.keySet());
    }

    /** Cuts the running nodes into groups that cannot exchange Raft messages (client calls still go through). */
    @SafeVarargs
    public final void partition(List<Long>... groups) {
        for (List<Long> group : groups) {
            List<Long> others = new ArrayList<>(nodes.keySet());
            others.removeAll(group);
            for (long id : group) {
                faults.get(id).block(others);
            }
        }
    }

    public void heal() {
        faults.values().forEach(FaultInjector::heal);
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

    /** Counts applied commands; its snapshot is the count in ASCII, so that stores are reproducible. */
    public static final class Counter implements StateMachine {
        private long applied;

        @Override
        public synchronized byte[] apply(long index, byte[] command) {
            applied++;
            return new byte[0];
        }

        @Override
        public synchronized void snapshot(OutputStream out) throws IOException {
            out.write(Long.toString(applied).getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public synchronized void restore(InputStream in) throws IOException {
            applied = Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
    }
}

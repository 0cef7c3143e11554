package dev.raftify.examples.memstore;

import static org.awaitility.Awaitility.await;

import dev.raftify.Config;
import dev.raftify.Raft;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** memstore nodes (Raft + HTTP API) inside the test JVM, for testing the HTTP layer against a real engine. */
final class InProcessNodes implements AutoCloseable {
    final Map<Long, String> raftAddresses = new TreeMap<>();
    final Map<Long, Raft> rafts = new TreeMap<>();
    final Map<Long, HttpApi> apis = new TreeMap<>();
    final Map<Long, MemStoreStateMachine> stores = new TreeMap<>();
    private final Path root;
    private final Config config;

    InProcessNodes(Path root, Config config) {
        this.root = root;
        this.config = config;
    }

    static Config fastConfig() {
        return Config.builder().tickInterval(Duration.ofMillis(20)).electionTick(10).heartbeatTick(2).build();
    }

    static int freePort() {
        // Below the ephemeral range: a restarted node gets its port back (see LocalPorts).
        return dev.raftify.transport.LocalPorts.free();
    }

    /** Declares {@code n} members (ids 1..n) and starts those listed in {@code running}. */
    InProcessNodes start(int n, long... running) throws IOException {
        for (long id = 1; id <= n; id++) {
            raftAddresses.put(id, "127.0.0.1:" + freePort());
        }
        for (long id : running) {
            MemStoreStateMachine sm = new MemStoreStateMachine();
            Raft raft = Raft.builder(id, raftAddresses.get(id)).dataDir(root.resolve("node-" + id)).stateMachine(sm)
                    .config(config).initialMembers(raftAddresses).build().start();
            HttpApi api = new HttpApi(new InetSocketAddress("127.0.0.1", 0), raft.node(), sm,
                    MemStoreNode.requestDeadline(config), () -> { });
            api.start();
            rafts.put(id, raft);
            apis.put(id, api);
            stores.put(id, sm);
        }
        return this;
    }

    String web(long id) {
        return "127.0.0.1:" + apis.get(id).port();
    }

    /** Waits until the running nodes agree on a leader among them. */
    long awaitLeader() {
        long[] leader = new long[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            long seen = 0;
            for (Raft r : rafts.values()) {
                long l = r.node().leaderId();
                if (l == 0 || (seen != 0 && l != seen)) {
                    return false;
                }
                seen = l;
            }
            leader[0] = seen;
            return rafts.containsKey(seen) && rafts.get(seen).node().isLeader();
        });
        return leader[0];
    }

    void stop(long id) {
        HttpApi api = apis.remove(id);
        Raft raft = rafts.remove(id);
        try {
            if (raft != null) {
                raft.close();
            }
        } finally {
            if (api != null) {
                api.close();
            }
        }
    }

    @Override
    public void close() {
        for (long id : new java.util.ArrayList<>(rafts.keySet())) {
            try {
                stop(id);
            } catch (RuntimeException e) {
                // keep stopping the others
            }
        }
    }
}

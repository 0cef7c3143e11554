package dev.raftify.cli.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftify.JoinTicket;
import dev.raftify.Raft;
import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.EngineCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every live command against a real cluster of engine nodes (gRPC on loopback, LMDB), and offline ones on its stores. */
class RealClusterCliTest {
    @TempDir
    Path dir;

    private EngineCluster cluster;
    private Map<Long, Raft> nodes;
    private Map<Long, String> addresses;

    @AfterEach
    void stopAll() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String freeAddress() {
        return EngineCluster.freeAddress();
    }

    private Raft start(long id, Map<Long, String> initial, JoinTicket ticket) throws IOException {
        return cluster.start(id, initial, ticket);
    }

    private long awaitLeader() {
        return cluster.awaitLeader();
    }

    private String all() {
        return cluster.allAddresses();
    }

    @Test
    void liveCommandsAgainstRealNodes() throws Exception {
        cluster = new EngineCluster(dir, EngineCluster.fastConfig());
        nodes = cluster.nodes;
        addresses = cluster.addresses;
        for (long id = 1; id <= 3; id++) {
            addresses.put(id, freeAddress());
        }
        Map<Long, String> initial = Map.copyOf(addresses);
        for (long id = 1; id <= 3; id++) {
            start(id, initial, null);
        }
        long leader = awaitLeader();
        for (int i = 0; i < 10; i++) {
            nodes.get(leader).node().propose(new byte[] {(byte) i}).get(5, TimeUnit.SECONDS);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Cli.Result status = Cli.run("cluster", "status", all(), "--no-color");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out()).contains("healthy");
        });
        Cli.Result json = Cli.run("describe", "node", addresses.get(leader), "-o", "json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        assertThat(json.out()).contains("\"role\": \"leader\"");

        Cli.Result members = Cli.run("member", "list", addresses.get(leader), "--no-color");
        assertThat(members.exitCode()).as(members.toString()).isZero();
        assertThat(members.out()).contains(addresses.get(1L), addresses.get(2L), addresses.get(3L));

        long target = leader == 1 ? 2 : 1;
        Cli.Result transfer = Cli.run("leader", "transfer", addresses.get(leader), "--to", Long.toString(target));
        assertThat(transfer.exitCode()).as(transfer.toString()).isZero();
        leader = awaitLeader();
        assertThat(leader).isEqualTo(target);

        Cli.Result snap = Cli.run("snapshot", "create", addresses.get(leader));
        assertThat(snap.exitCode()).as(snap.toString()).isZero();

        // A fourth node, added as a learner, promoted, then removed: each command waits for the outcome.
        addresses.put(4L, freeAddress());
        start(4, null, new JoinTicket(4, leader, addresses.get(leader), Map.copyOf(addresses)));
        Cli.Result add = Cli.run("member", "add", addresses.get(leader), "--id", "4", "--address",
                addresses.get(4L), "--learner");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        Cli.Result promote = Cli.run("member", "promote", addresses.get(leader), "--id", "4");
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        Cli.Result remove = Cli.run("member", "remove", addresses.get(leader), "--id", "4");
        assertThat(remove.exitCode()).as(remove.toString()).isZero();
        nodes.remove(4L).close();
        addresses.remove(4L);

        // One member down: degraded (exit 1). Two down: no quorum (exit 2).
        long down1 = nodes.keySet().stream().filter(id -> id != target).findFirst().orElseThrow();
        nodes.remove(down1).close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Cli.Result degraded = Cli.run("cluster", "status", all(), "--no-color", "--timeout", "2s");
            assertThat(degraded.exitCode()).as(degraded.toString()).isEqualTo(1);
        });
        nodes.remove(target).close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Cli.Result noQuorum = Cli.run("cluster", "status", all(), "--no-color", "--timeout", "2s");
            assertThat(noQuorum.exitCode()).as(noQuorum.toString()).isEqualTo(2);
        });

        // Offline commands read what the engine wrote.
        Path store = dir.resolve("node-" + target);
        Cli.Result meta = Cli.run("describe", "metadata", store.toString(), "--no-color");
        assertThat(meta.exitCode()).as(meta.toString()).isZero();
        assertThat(meta.out()).contains(addresses.get(target));
        Cli.Result logs = Cli.run("describe", "logs", store.toString(), "--no-color", "--tail", "5");
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        Cli.Result check = Cli.run("check", store.toString());
        assertThat(check.exitCode()).as(check.toString()).isZero();
    }
}

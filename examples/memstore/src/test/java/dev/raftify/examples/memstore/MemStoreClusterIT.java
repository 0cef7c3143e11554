package dev.raftify.examples.memstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * memstore end to end: real node processes started through {@code ./raftify-memstore}, talking gRPC to each other
 * and HTTP to the test. One static three-node cluster for the class (starting JVMs is the slow part); every test
 * begins by waiting for a healthy cluster and leaves one behind. Logs and data stay in
 * {@code target/it-work/cluster}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class MemStoreClusterIT {
    private final Map<Long, NodeProcess> nodes = new TreeMap<>();
    private Path work;

    @BeforeAll
    void startStaticCluster() throws Exception {
        work = RepoRoot.find().resolve("examples/memstore/target/it-work/cluster");
        deleteRecursively(work);
        Files.createDirectories(work);
        StringBuilder peers = new StringBuilder();
        for (long id = 1; id <= 3; id++) {
            NodeProcess n = newNode(id);
            nodes.put(id, n);
            peers.append(peers.length() == 0 ? "" : ",").append(id).append('=').append(n.raftAddr);
        }
        for (Map.Entry<Long, NodeProcess> e : nodes.entrySet()) {
            e.getValue().start("--id", Long.toString(e.getKey()), "--peers", peers.toString());
        }
        nodes.values().forEach(NodeProcess::awaitServing);
        awaitLeader();
    }

    @AfterAll
    void stopEverything() throws InterruptedException {
        for (NodeProcess n : nodes.values()) {
            n.stop();
        }
    }

    private NodeProcess newNode(long id) {
        return new NodeProcess("127.0.0.1:" + InProcessNodes.freePort(), "127.0.0.1:" + InProcessNodes.freePort(),
                work.resolve("node-" + id), work.resolve("node-" + id + ".log"));
    }

    /** Waits until every running node reports the same leader, itself running; returns its id. */
    private long awaitLeader() {
        long[] leader = new long[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            long seen = -1;
            for (NodeProcess n : running()) {
                long l = n.leader();
                if (l == 0 || (seen != -1 && l != seen)) {
                    return false;
                }
                seen = l;
            }
            leader[0] = seen;
            return nodes.containsKey(seen) && nodes.get(seen).isAlive();
        });
        return leader[0];
    }

    private List<NodeProcess> running() {
        List<NodeProcess> out = new ArrayList<>();
        for (NodeProcess n : nodes.values()) {
            if (n.isAlive()) {
                out.add(n);
            }
        }
        return out;
    }

    private long followerOf(long leader) {
        return nodes.keySet().stream().filter(id -> id != leader && nodes.get(id).isAlive()).findFirst()
                .orElseThrow();
    }

    @Test
    @Order(1)
    void writesAndLinearizableReadsThroughEveryNode() throws Exception {
        awaitLeader();
        for (Map.Entry<Long, NodeProcess> writer : nodes.entrySet()) {
            long key = 10 + writer.getKey();
            HttpResponse<String> put = writer.getValue().call("PUT", "/store/" + key + "/from-node-" + writer.getKey());
            assertThat(put.statusCode()).as("PUT through node %d: %s", writer.getKey(), put.body()).isEqualTo(200);
            assertThat(put.body()).isEqualTo("OK");
            // Linearizable: a read through any node, right after the write was acknowledged, sees it.
            for (Map.Entry<Long, NodeProcess> reader : nodes.entrySet()) {
                HttpResponse<String> get = reader.getValue().call("GET", "/store/" + key);
                assertThat(get.statusCode()).as("GET through node %d", reader.getKey()).isEqualTo(200);
                assertThat(get.body()).isEqualTo("from-node-" + writer.getKey());
            }
        }
        assertThat(nodes.get(1L).call("GET", "/store/999").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void compareAndSwapThroughAFollower() throws Exception {
        long leader = awaitLeader();
        NodeProcess follower = nodes.get(followerOf(leader));
        assertThat(nodes.get(leader).call("PUT", "/store/50/a").statusCode()).isEqualTo(200);
        assertThat(follower.call("POST", "/cas/50/a/b").statusCode()).isEqualTo(200);
        HttpResponse<String> lost = follower.call("POST", "/cas/50/a/c");
        assertThat(lost.statusCode()).isEqualTo(409);
        assertThat(lost.body()).isEqualTo("b");
        for (NodeProcess n : nodes.values()) {
            assertThat(n.call("GET", "/store/50").body()).isEqualTo("b");
        }
    }

    @Test
    @Order(3)
    void aFourthNodeJoinsThroughAnyMemberAndLeavesAgain() throws Exception {
        long leader = awaitLeader();
        assertThat(nodes.get(leader).call("PUT", "/store/60/before-join").statusCode()).isEqualTo(200);

        // Join through a follower's Raft address: the request is redirected to the leader; the cluster picks the id.
        NodeProcess fourth = newNode(4);
        fourth.start("--join", nodes.get(followerOf(leader)).raftAddr);
        fourth.awaitServing();
        nodes.put(4L, fourth);
        assertThat(Files.readString(fourth.dataDir.resolve("memstore-node-id")).trim()).isEqualTo("4");
        assertThat(nodes.get(1L).call("GET", "/peers").body()).contains("\"4\":\"" + fourth.raftAddr + "\"");

        await().atMost(Duration.ofSeconds(30)).until(() -> "before-join".equals(fourth.staleGet(60)));
        HttpResponse<String> put = fourth.call("PUT", "/store/61/through-node-4");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        for (NodeProcess n : nodes.values()) {
            assertThat(n.call("GET", "/store/61").body()).isEqualTo("through-node-4");
        }

        // POST /leave: removed from the membership, then the process exits by itself.
        assertThat(fourth.call("POST", "/leave").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> !fourth.isAlive());
        assertThat(fourth.exitValue()).isZero();
        nodes.remove(4L);
        assertThat(nodes.get(1L).call("GET", "/peers").body()).doesNotContain("\"4\"");
    }

    @Test
    @Order(4)
    void killedLeaderIsReplacedAndRestartsWithItsDataIntact() throws Exception {
        long leader = awaitLeader();
        for (int k = 100; k < 105; k++) {
            assertThat(nodes.get(leader).call("PUT", "/store/" + k + "/v" + k).statusCode()).isEqualTo(200);
        }
        NodeProcess old = nodes.get(leader);
        old.kill();

        long newLeader = awaitLeader();
        assertThat(newLeader).isNotEqualTo(leader);
        HttpResponse<String> degradedWrite = nodes.get(followerOf(newLeader)).call("PUT", "/store/105/v105");
        assertThat(degradedWrite.statusCode()).as(degradedWrite.body()).isEqualTo(200);

        // Restart with the data dir alone: the id, membership and peer addresses come from disk.
        old.start();
        old.awaitServing();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int k = 100; k <= 105; k++) {
                assertThat(old.staleGet(k)).as("key %d on the restarted node %d", k, leader).isEqualTo("v" + k);
            }
        });
        awaitLeader();
        assertThat(old.call("GET", "/store/105").body()).isEqualTo("v105");
        assertThat(old.call("GET", "/store/11").body()).isEqualTo("from-node-1");
    }

    static void deleteRecursively(Path p) throws java.io.IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}

package dev.raftify.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftify.transport.FaultInjector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transport's fault-injection hook behaves like a cut network link, and healing restores it. */
class FaultInjectionTest {
    @TempDir
    Path dir;

    LocalCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Cuts {@code isolated} off from everyone, on both sides of the link. */
    private void isolate(long isolated) {
        List<Long> others = new ArrayList<>(cluster.running());
        others.remove(isolated);
        cluster.faults.get(isolated).block(others);
        for (long o : others) {
            cluster.faults.get(o).block(List.of(isolated));
        }
    }

    @Test
    void anIsolatedLeaderIsReplacedAndCatchesUpAfterHealing() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig()).withFaultInjection().startStatic(3);
        long leader = cluster.awaitLeader();
        cluster.node(leader).propose(KvStateMachine.put("k", "before")).get(5, TimeUnit.SECONDS);

        isolate(leader);
        long follower = cluster.followerOf(leader);
        // The majority elects a new leader; the isolated one steps down (check-quorum) and cannot commit.
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            long l = cluster.node(follower).leaderId();
            return l != 0 && l != leader && cluster.node(l).isLeader();
        });
        long next = cluster.node(follower).leaderId();
        cluster.node(next).propose(KvStateMachine.put("k", "during")).get(5, TimeUnit.SECONDS);
        CompletableFuture<byte[]> stuck = cluster.node(leader).propose(KvStateMachine.put("k", "lost"));
        await().atMost(Duration.ofSeconds(15)).until(() -> !cluster.node(leader).isLeader());
        assertThat(cluster.machines.get(leader).map).containsEntry("k", "before");

        for (FaultInjector f : cluster.faults.values()) {
            f.heal();
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(stuck).isDone());
        cluster.node(next).propose(KvStateMachine.put("k", "after")).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(cluster.machines.get(leader).map).containsEntry("k", "after"));
    }

    @Test
    void aHealthyClusterIsUnaffectedByAnInjectorThatBlocksNothing() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig()).withFaultInjection().startStatic(3);
        long leader = cluster.awaitLeader();
        cluster.node(cluster.followerOf(leader)).propose(KvStateMachine.put("k", "v")).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> cluster.machines.values()
                .forEach(m -> assertThat(m.map).containsEntry("k", "v")));
        assertThat(cluster.faults.values()).allSatisfy(f -> assertThat(f.blocked()).isEmpty());
    }
}

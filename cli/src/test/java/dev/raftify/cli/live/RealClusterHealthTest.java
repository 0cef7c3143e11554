package dev.raftify.cli.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftify.Config;
import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.EngineCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verdict of {@code cluster status} on real engine nodes cut apart by the transport's opt-in fault injector:
 * Raft traffic between the groups is dropped, while the CLI still reaches every node. (Stopped nodes are covered by
 * {@link RealClusterCliTest}. A split, two leaders of one term, cannot be produced by a correct engine; it is
 * covered against scripted nodes in {@link ClusterStatusTest}.)
 */
class RealClusterHealthTest {
    @TempDir
    Path dir;

    EngineCluster cluster;

    @AfterEach
    void stopAll() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Cli.Result status(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "cluster";
        args[1] = "status";
        args[2] = cluster.allAddresses();
        args[3] = "--timeout=2s";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return Cli.run(args);
    }

    private void awaitHealthy() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Cli.Result r = status("--no-color");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("Verdict: healthy");
        });
    }

    @Test
    void isolatedLeaderIsDegradedAndAFullPartitionHasNoQuorum() throws Exception {
        check(EngineCluster.fastConfig(), false);
    }

    /**
     * Without pre-vote the isolated node campaigns and its term climbs past the majority's: the majority still
     * works, so the verdict must stay degraded (not "no quorum" because the highest term has no leader).
     */
    @Test
    void withoutPreVoteAnIsolatedNodeInAHigherTermDoesNotHideTheWorkingMajority() throws Exception {
        check(EngineCluster.fastConfig().toBuilder().preVote(false).build(), true);
    }

    private long term(long id) throws Exception {
        return cluster.node(id).status().get(5, TimeUnit.SECONDS).getTerm();
    }

    /**
     * @param isolatedTermClimbs whether to wait, before judging, until the isolated node's term is above the new
     *        leader's (it campaigns on its own when pre-vote is off)
     */
    private void check(Config config, boolean isolatedTermClimbs) throws Exception {
        cluster = new EngineCluster(dir, config).withFaultInjection().startStatic(3);
        long leader = cluster.awaitLeader();
        cluster.node(leader).propose("before".getBytes()).get(5, TimeUnit.SECONDS);
        awaitHealthy();

        // The leader cut off from both followers: they elect a new leader; the old one is out of step.
        List<Long> others = cluster.nodes.keySet().stream().filter(id -> id != leader).toList();
        cluster.partition(List.of(leader), others);
        if (isolatedTermClimbs) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                long l = cluster.node(others.get(0)).leaderId();
                return l != 0 && l != leader && term(leader) > term(l);
            });
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Cli.Result r = status("-o", "json");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.out()).contains("\"verdict\": \"degraded\"").doesNotContain("\"leader_id\": " + leader + ",\n  \"membership\"")
                    .contains("node " + leader + " is out of step");
        });
        Cli.Result degraded = status("--no-color");
        assertThat(degraded.exitCode()).as(degraded.toString()).isEqualTo(1);
        assertThat(degraded.out()).contains("Verdict: degraded (leader ").contains("node " + leader + " is out of step");
        long next = cluster.node(others.get(0)).leaderId();
        assertThat(next).isIn(others);
        // The majority still commits.
        cluster.node(next).propose("during".getBytes()).get(5, TimeUnit.SECONDS);

        cluster.heal();
        awaitHealthy();

        // Every node cut off from every other: each answers the CLI, but none leads, so there is no quorum.
        cluster.partition(List.of(1L), List.of(2L), List.of(3L));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Cli.Result r = status("-o", "json");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.out()).contains("\"verdict\": \"no quorum\"").contains("\"leader_id\": 0,")
                    .doesNotContain("\"reachable\": false");
        });
        // Until check-quorum makes the cut-off leader step down, the reason names it; afterwards, no one leads.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Cli.Result noQuorum = status("--no-color");
            assertThat(noQuorum.exitCode()).as(noQuorum.toString()).isEqualTo(2);
            assertThat(noQuorum.out()).contains("Verdict: no quorum").contains("no member knows a leader in term ");
        });

        cluster.heal();
        awaitHealthy();
    }
}

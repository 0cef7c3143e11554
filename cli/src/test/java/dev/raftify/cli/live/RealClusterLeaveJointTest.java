package dev.raftify.cli.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.EngineCluster;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster leave-joint} against real engine nodes: the engine enters a joint configuration that does not
 * leave by itself (a ConfChangeV2 with an explicit transition), {@code cluster status} says so, and the CLI leaves
 * it through any member.
 */
class RealClusterLeaveJointTest {
    @TempDir
    Path dir;

    EngineCluster cluster;

    @AfterEach
    void stopAll() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void leavesAJointConfigurationEnteredWithAnExplicitTransition() throws Exception {
        cluster = new EngineCluster(dir, EngineCluster.fastConfig()).startStatic(3);
        long leader = cluster.awaitLeader();
        for (int i = 0; i < 5; i++) {
            cluster.node(leader).propose(("cmd " + i).getBytes()).get(5, TimeUnit.SECONDS);
        }
        long removed = cluster.followerOf(leader);
        cluster.startJoiner(4, leader);

        // Joint: 4 joins and one follower leaves in one step; explicit, so the engine stays joint until told.
        ConfChangeV2 joint = ConfChangeV2.newBuilder().setTransition(ConfChangeTransition.Explicit)
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.AddNode).setNodeId(4))
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.RemoveNode).setNodeId(removed))
                .build();
        ConfState entered = cluster.node(leader).changeConfig(joint, Map.of(4L, cluster.addresses.get(4L)))
                .get(10, TimeUnit.SECONDS);
        assertThat(entered.getVotersOutgoingList()).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(entered.getVotersList()).hasSize(3).contains(4L).doesNotContain(removed);
        assertThat(entered.getAutoLeave()).isFalse();

        // cluster status: degraded, and it says how to get out.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Cli.Result status = Cli.run("cluster", "status", cluster.allAddresses(), "--no-color", "--timeout", "2s");
            assertThat(status.exitCode()).as(status.toString()).isEqualTo(1);
            assertThat(status.out()).contains("Verdict: degraded")
                    .contains("the cluster is in a joint configuration (voters ")
                    .contains("leave it with: raftify-cli cluster leave-joint");
        });

        // Leave through a member that is not the leader: the CLI finds the leader and waits for the outcome.
        long via = 4;
        Cli.Result left = Cli.run("cluster", "leave-joint", cluster.addresses.get(via), "-o", "json");
        assertThat(left.exitCode()).as(left.toString()).isZero();
        assertThat(left.out()).contains("\"operation\": \"leave-joint\"").contains("\"voters_outgoing\": []")
                .contains("\"auto_leave\": false");

        // Every remaining member applies the new membership: no outgoing half, 4 in, the removed follower out.
        List<Long> stay = cluster.nodes.keySet().stream().filter(id -> id != removed).toList();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (long id : stay) {
                ConfState cs = cluster.node(id).status().get(5, TimeUnit.SECONDS).getConfState();
                assertThat(cs.getVotersOutgoingList()).as("node %d", id).isEmpty();
                assertThat(cs.getVotersList()).as("node %d", id).containsExactlyInAnyOrderElementsOf(stay);
            }
        });
        String expected = "Left the joint configuration; the membership is now voters " + votersOf(left.out()) + ".";
        assertThat(left.out()).contains("\"message\": \"" + expected + "\"");
        assertThat(votersOf(left.out())).isEqualTo(cluster.node(leader).status().get(5, TimeUnit.SECONDS)
                .getConfState().getVotersList().toString());

        Cli.Result members = Cli.run("member", "list", cluster.addresses.get(leader), "--no-color");
        assertThat(members.exitCode()).as(members.toString()).isZero();
        assertThat(members.out()).contains(cluster.addresses.get(4L)).doesNotContain("outgoing");

        // Not joint any more: the engine refuses to leave again, and the CLI says so (exit 4, one line).
        Cli.Result again = Cli.run("cluster", "leave-joint", cluster.addresses.get(leader));
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(4);
        assertThat(again.err()).startsWith("raftify-cli: ").hasLineCount(1);
        assertThat(again.out()).isEmpty();

        // With the removed node stopped, the three members are healthy again.
        cluster.stop(removed);
        cluster.addresses.remove(removed);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Cli.Result status = Cli.run("cluster", "status", cluster.allAddresses(), "--no-color", "--timeout", "2s");
            assertThat(status.exitCode()).as(status.toString()).isZero();
        });

        // The leader's log holds both steps, as describe logs decodes them.
        cluster.close();
        Cli.Result logs = Cli.run("describe", "logs", cluster.store(leader).toString(), "--type", "confchange",
                "--no-color");
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.out()).contains("ConfChangeV2 { transition: Explicit, changes: [AddNode 4, RemoveNode "
                + removed + "]");
        Cli.Result check = Cli.run("check", cluster.store(leader).toString());
        assertThat(check.exitCode()).as(check.toString()).isZero();
    }

    /** The voters list of the first conf_state in a JSON outcome, as {@code [1, 2, 4]}. */
    private static String votersOf(String json) {
        String compact = json.replaceAll("\\s+", "");
        int at = compact.indexOf("\"voters\":[") + "\"voters\":[".length();
        return "[" + compact.substring(at, compact.indexOf(']', at)).replace(",", ", ") + "]";
    }
}

package dev.raftify.cli.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftify.Config;
import dev.raftify.JoinTicket;
import dev.raftify.Raft;
import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.EngineCluster;
import dev.raftify.cli.support.Golden;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.proto.service.NodeStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden output of the offline commands on stores the real engine wrote: a cluster is run through a fixed script,
 * stopped, and its stores described. Only what varies from run to run is normalised: the listen ports (always five
 * digits, so replacing them with {@code PORTn} keeps every column aligned) and the temporary directory.
 *
 * <p>The script keeps the stores reproducible: node 1 bootstraps alone, so it leads term 2 at once (a lone voter
 * campaigns without waiting for an election timeout); the others join through it and never vote it out (election
 * timeouts of 2 to 4 s, far above the heartbeat); every step waits for its outcome; and the nodes are stopped only
 * once every member has applied everything, followers first, and the leader when it would not hand over.
 */
class EngineStoreGoldenTest {

    @TempDir
    static Path tmp;
    static EngineCluster cluster;

    @BeforeAll
    static void runTheEngine() throws Exception {
        Config config = EngineCluster.fastConfig().toBuilder().electionTick(100).build();
        cluster = new EngineCluster(tmp, config);
        try {
            for (long id = 1; id <= 3; id++) {
                cluster.addresses.put(id, EngineCluster.freeAddress());
            }
            cluster.start(1, Map.of(1L, cluster.addresses.get(1L)), null);
            assertThat(cluster.awaitLeader()).isEqualTo(1);
            propose("set x=1");
            propose(new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff});
            propose("fmt:hello");

            // Node 2 reserves its id through node 1 (a ReserveId entry), starts, and is added as a voter.
            JoinTicket ticket = Raft.requestId(cluster.addresses.get(2L), cluster.addresses.get(1L), config);
            assertThat(ticket.reservedId()).isEqualTo(2);
            cluster.start(2, null, ticket);
            cluster.node(1).addVoter(2, cluster.addresses.get(2L)).get(10, TimeUnit.SECONDS);
            propose("multi\nline\ttext");
            awaitCaughtUp(2);

            // Node 1 snapshots (compacting its log); node 2 keeps its whole log.
            SnapshotMetadata snap = cluster.node(1).makeSnapshot().get(10, TimeUnit.SECONDS);
            assertThat(snap.getIndex()).isEqualTo(cluster.node(1).appliedIndex());

            // Node 3 joins as a learner. Node 1's log no longer starts at 1, so node 3 gets a snapshot: a fresh one
            // (the last one predates node 3), taken at the applied index; nothing is proposed until node 3 has it.
            cluster.start(3, null, new JoinTicket(3, 1, cluster.addresses.get(1L), Map.copyOf(cluster.addresses)));
            cluster.node(1).addLearner(3, cluster.addresses.get(3L)).get(10, TimeUnit.SECONDS);
            awaitCaughtUp(3);
            propose("set y=2");
            awaitCaughtUp(2);
            awaitCaughtUp(3);
            assertThat(cluster.awaitLeader()).as("node 1 led throughout").isEqualTo(1);

            // Followers first, then node 1 once it no longer counts node 2 as recently heard from: a leader that
            // closes hands leadership to such a voter, which would add a term and an entry at a racy moment.
            cluster.stop(3);
            cluster.stop(2);
            long handOverWindow = config.tickInterval().toMillis() * config.heartbeatTick() * 3L;
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node(1).status().get(5, TimeUnit.SECONDS)
                    .getProgressList().stream().filter(p -> p.getNodeId() == 2)
                    .allMatch(p -> p.getLastContactMillis() > handOverWindow));
            assertThat(cluster.node(1).isLeader()).isTrue();
        } finally {
            cluster.close();
        }
    }

    private static void propose(String command) throws Exception {
        propose(command.getBytes(StandardCharsets.UTF_8));
    }

    private static void propose(byte[] command) throws Exception {
        cluster.node(1).propose(command).get(10, TimeUnit.SECONDS);
    }

    /** Waits until node {@code id} has the leader's last entry, committed and applied. */
    private static void awaitCaughtUp(long id) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            NodeStatus leader = cluster.node(1).status().get(5, TimeUnit.SECONDS);
            NodeStatus s = cluster.node(id).status().get(5, TimeUnit.SECONDS);
            assertThat(s.getLastIndex()).isEqualTo(leader.getLastIndex());
            assertThat(s.getCommitIndex()).isEqualTo(leader.getLastIndex());
            assertThat(s.getAppliedIndex()).isEqualTo(leader.getLastIndex());
        });
    }

    /** Ports to PORTn (same width), the temporary directory to TMP. */
    static String normalize(String output) {
        String s = output;
        for (Map.Entry<Long, String> a : cluster.addresses.entrySet()) {
            String port = a.getValue().substring(a.getValue().lastIndexOf(':') + 1);
            assertThat(port).hasSize(5);
            s = s.replace(":" + port, ":PORT" + a.getKey());
        }
        return s.replace(tmp.toString(), "TMP");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "engine-logs-follower.txt         | describe logs NODE2",
        "engine-logs-follower.json        | describe logs NODE2 -o json",
        "engine-logs-confchange.txt       | describe logs NODE2 --type confchange",
        "engine-logs-leader.txt           | describe logs NODE1",
        "engine-metadata-leader.txt       | describe metadata NODE1",
        "engine-metadata-leader.json      | describe metadata NODE1 -o json",
        "engine-metadata-follower.txt     | describe metadata NODE2",
        "engine-metadata-learner.txt      | describe metadata NODE3",
        "engine-check-leader.txt          | check NODE1",
        "engine-check-follower.txt        | check NODE2",
    })
    void matchesGolden(String golden, String command) {
        String line = command;
        for (long id = 1; id <= 3; id++) {
            line = line.replace("NODE" + id, cluster.store(id).toString());
        }
        Cli.Result r = Cli.run((line + " --no-color").split(" "));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        Golden.assertMatches(golden, normalize(r.out()));
    }
}

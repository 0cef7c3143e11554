package dev.raftify.cli.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.FakeCluster;
import dev.raftify.cli.support.Golden;
import dev.raftify.proto.service.ProgressState;
import dev.raftify.proto.service.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code cluster status} against scripted nodes: every verdict, its exit code, and the rendering. */
class ClusterStatusTest {

    private final FakeCluster cluster = new FakeCluster(3);

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Cli.Result status(String seeds, String... more) {
        String[] args = new String[3 + more.length];
        args[0] = "cluster";
        args[1] = "status";
        args[2] = seeds;
        System.arraycopy(more, 0, args, 3, more.length);
        return Cli.run(args);
    }

    @Test
    void healthyClusterFoundFromOneFollower() {
        Cli.Result r = status(cluster.node(3).address(), "--no-color");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        Golden.assertMatches("cluster-status-healthy.txt", cluster.normalize(r.out()));
        assertThat(cluster.nodes).allSatisfy(n -> assertThat(n.clusterIdsSeen).containsOnly("raftify"));
    }

    @Test
    void healthyAsJson() {
        Cli.Result r = status(cluster.node(1).address(), "-o", "json");
        assertThat(r.exitCode()).isZero();
        Golden.assertMatches("cluster-status-healthy.json", cluster.normalize(r.out()));
    }

    @Test
    void degradedWhenAFollowerIsDown() {
        cluster.node(3).stop();
        cluster.progress(3, p -> p.setRecentActive(false).setLastContactMillis(12_500).setState(ProgressState.PROBE));
        Cli.Result r = status(cluster.node(1).address(), "--no-color");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        Golden.assertMatches("cluster-status-degraded.txt", cluster.normalize(r.out())
                .replaceAll("cannot reach node at 127.0.0.1:PORT3: .*", "cannot reach node at 127.0.0.1:PORT3: (reason)"));
    }

    @Test
    void degradedWhenAFollowerLags() {
        cluster.update(1, s -> s.setLastIndex(5042).setCommitIndex(5042));
        cluster.update(2, s -> s.setLastIndex(5042).setCommitIndex(5042).setAppliedIndex(5042));
        cluster.progress(2, p -> p.setMatchIndex(5042).setNextIndex(5043));
        cluster.progress(3, p -> p.setMatchIndex(42).setNextIndex(43));
        Cli.Result r = status(cluster.addresses(), "--no-color");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("Verdict: degraded (leader 1, term 2)")
                .contains("  - node 3 is 5000 entries behind the leader")
                .contains("  - node 3 has applied 5000 fewer entries than the leader committed");
        assertThat(status(cluster.addresses(), "--max-lag", "10000").exitCode()).isZero();
    }

    @Test
    void degradedWhenAMemberDoesNotAnswerInTime() {
        cluster.node(2).setSilent(true);
        Cli.Result r = status(cluster.node(1).address(), "--no-color", "--timeout", "300ms");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("  - node 2 is down or unreachable: node at " + cluster.node(2).address()
                + " did not answer GetStatus within 300ms");
    }

    @Test
    void noQuorumWhenTwoOfThreeAreDown() {
        cluster.node(2).stop();
        cluster.node(3).stop();
        cluster.progress(2, p -> p.setRecentActive(false));
        cluster.progress(3, p -> p.setRecentActive(false));
        Cli.Result r = status(cluster.node(1).address(), "--no-color");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).contains("Verdict: no quorum (leader 1, term 2)")
                .contains("  - only 1 of 3 voters [1, 2, 3] follow leader 1 in term 2 (a quorum needs 2)");
    }

    @Test
    void noQuorumWhenNobodyKnowsALeader() {
        cluster.node(1).stop();
        cluster.update(2, s -> s.setTerm(5).setLeaderId(0).setRole(Role.CANDIDATE));
        cluster.update(3, s -> s.setTerm(4).setLeaderId(0).setRole(Role.PRE_CANDIDATE));
        Cli.Result r = status(cluster.addresses(), "--no-color");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).contains("Verdict: no quorum (term 5)").contains("  - no member knows a leader in term 5");
    }

    /** Without pre-vote, a node cut off from the others campaigns on its own and climbs terms; the majority works. */
    @Test
    void degradedNotNoQuorumWhenALoneNodeCampaignsInAHigherTerm() {
        cluster.update(3, s -> s.setTerm(74).setLeaderId(0).setRole(Role.CANDIDATE).setCommitIndex(41));
        cluster.progress(3, p -> p.setRecentActive(false).setLastContactMillis(3_000).setState(ProgressState.PROBE));
        Cli.Result r = status(cluster.addresses(), "--no-color");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).contains("Verdict: degraded (leader 1, term 2)")
                .contains("  - node 3 is out of step: term 74, later than the leader's, and it knows no leader "
                        + "(campaigning while cut off from the others?)")
                .contains("  - the leader has not heard from node 3 recently (last contact 3.0s ago)");
    }

    /** A stale leader whose followers moved on to a later term: they do not count for it, even if recently active. */
    @Test
    void noQuorumWhenTheMajorityMovedOnFromAStaleLeader() {
        cluster.update(2, s -> s.setTerm(3).setLeaderId(0).setRole(Role.CANDIDATE));
        cluster.update(3, s -> s.setTerm(3).setLeaderId(0).setRole(Role.FOLLOWER));
        Cli.Result r = status(cluster.addresses(), "--no-color");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).contains("Verdict: no quorum (leader 1, term 2)")
                .contains("  - only 1 of 3 voters [1, 2, 3] follow leader 1 in term 2 (a quorum needs 2)");
    }

    @Test
    void splitWhenMembersOfAnEarlierTermDisagree() {
        cluster.update(2, s -> s.setLeaderId(3));
        cluster.update(3, s -> s.setTerm(5).setLeaderId(0).setRole(Role.CANDIDATE));
        Cli.Result r = status(cluster.addresses(), "--no-color");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).contains("Verdict: split (term 5)")
                .contains("  - members disagree about the leader of term 2: nodes [1] follow node 1, nodes [2] follow node 3");
    }

    @Test
    void splitWhenTwoNodesLeadTheSameTerm() {
        cluster.update(3, s -> s.setRole(Role.LEADER).setLeaderId(3));
        Cli.Result r = status(cluster.addresses(), "--no-color");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).contains("Verdict: split (term 2)")
                .contains("  - nodes [1, 3] all claim to lead term 2")
                .contains("  - members disagree about the leader of term 2: nodes [1, 2] follow node 1, nodes [3] follow node 3");
    }

    @Test
    void splitWhenMembersDisagreeAboutTheLeader() {
        cluster.update(1, s -> s.setRole(Role.FOLLOWER).setLeaderId(2));
        cluster.update(2, s -> s.setRole(Role.LEADER).setLeaderId(2));
        cluster.update(3, s -> s.setLeaderId(1));
        Cli.Result r = status(cluster.node(2).address(), "-o", "json");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).contains("\"verdict\": \"split\"").contains("\"exit_code\": 2")
                .contains("members disagree about the leader of term 2: nodes [3] follow node 1, nodes [1, 2] follow node 2");
    }

    @Test
    void unreachableIsOneLineAndExitTwo() {
        String seeds = cluster.addresses();
        cluster.close();
        Cli.Result r = status(seeds);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("raftify-cli: no node answered: cannot reach node at " + cluster.node(1).address())
                .hasLineCount(1);
        Cli.Result json = status(seeds, "-o", "json");
        assertThat(json.exitCode()).isEqualTo(2);
        assertThat(json.out()).contains("\"verdict\": \"unreachable\"");
    }

    @Test
    void anotherClusterIsRefused() {
        Cli.Result r = status(cluster.node(1).address(), "--cluster-id", "staging");
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err()).isEqualTo("raftify-cli: no node answered: node at " + cluster.node(1).address()
                + " refused cluster id 'staging' (a node of another cluster?): this node belongs to cluster 'raftify', "
                + "the call is for cluster 'staging'\n");
    }

    @Test
    void watchRefreshesUntilTheCount() {
        Cli.Result r = status(cluster.node(1).address(), "--watch", "--count", "2", "--interval", "10ms", "--no-color");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Every 10ms (refresh 1 of 2)").contains("Every 10ms (refresh 2 of 2)");
        assertThat(r.out().split("Verdict: healthy", -1)).hasSize(3);
        // Not a terminal: no escape sequences to redraw the screen.
        assertThat(r.out()).doesNotContain("\u001b[");
    }
}

package dev.raftify.cli.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.FakeCluster;
import dev.raftify.cli.support.Golden;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.proto.service.ChangeConfigArgs;
import dev.raftify.proto.service.ChangeConfigResponse;
import dev.raftify.proto.service.CreateSnapshotResponse;
import dev.raftify.proto.service.Error;
import dev.raftify.proto.service.Peer;
import dev.raftify.proto.service.TransferLeaderArgs;
import dev.raftify.proto.service.TransferLeaderResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** describe node, member, leader, snapshot and leave-joint against scripted nodes. */
class AdminCommandsTest {

    private final FakeCluster cluster = new FakeCluster(3);

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void describeNodeOnTheLeader() {
        Cli.Result r = Cli.run("describe", "node", cluster.node(1).address(), "--no-color");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Golden.assertMatches("describe-node-leader.txt", cluster.normalize(r.out()));
        Cli.Result json = Cli.run("describe", "node", cluster.node(2).address(), "-o", "json");
        assertThat(json.exitCode()).isZero();
        Golden.assertMatches("describe-node-follower.json", cluster.normalize(json.out()));
        Cli.Result debug = Cli.run("describe", "node", cluster.node(1).address(), "--debug");
        assertThat(debug.out()).isEqualTo("{\"node_id\":1}\n");
    }

    @Test
    void memberListFromAFollower() {
        Cli.Result r = Cli.run("member", "list", cluster.node(2).address(), "--no-color");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Golden.assertMatches("member-list.txt", cluster.normalize(r.out()));
    }

    @Test
    void memberAddGoesToTheLeaderWithTheAddress() {
        cluster.node(1).onChangeConfig = args -> ChangeConfigResponse.newBuilder().setConfState(
                ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).addLearners(4)).build();
        Cli.Result r = Cli.run("member", "add", cluster.node(3).address(), "--id", "4", "--address",
                "127.0.0.1:60064", "--learner");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Added node 4 (127.0.0.1:60064) as a learner; the membership is now "
                + "voters [1, 2, 3], learners [4].\n");
        ChangeConfigArgs sent = (ChangeConfigArgs) cluster.node(1).calls.stream()
                .filter(c -> c instanceof ChangeConfigArgs).findFirst().orElseThrow();
        assertThat(sent.getConfChange().getChangesList()).containsExactly(ConfChangeSingle.newBuilder()
                .setChangeType(ConfChangeType.AddLearnerNode).setNodeId(4).build());
        assertThat(sent.getAddressesList()).containsExactly(Peer.newBuilder().setNodeId(4)
                .setAddress("127.0.0.1:60064").build());
    }

    @Test
    void memberAddFollowsANotLeaderAnswer() {
        // Leadership moved between the CLI's question and its call: node 1 answers NOT_LEADER, pointing at node 2.
        cluster.node(1).onChangeConfig = args -> ChangeConfigResponse.newBuilder().setError(Error.newBuilder()
                .setCode(Error.Code.NOT_LEADER).setLeaderId(2).setLeaderAddress(cluster.node(2).address())).build();
        cluster.node(2).onChangeConfig = args -> ChangeConfigResponse.newBuilder().setConfState(
                ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).addVoters(4)).build();
        Cli.Result r = Cli.run("member", "add", cluster.node(1).address(), "--id", "4", "--address", "127.0.0.1:60064",
                "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("\"operation\": \"member add\"").contains("\"voters\": [1, 2, 3, 4]");
    }

    @Test
    void memberChangesRefusedWithAClearMessage() {
        Cli.Result existing = Cli.run("member", "add", cluster.node(1).address(), "--id", "2", "--address", "x:1");
        assertThat(existing.exitCode()).isEqualTo(4);
        assertThat(existing.err()).isEqualTo("raftify-cli: node 2 is already a member (voter); membership: "
                + "voters [1, 2, 3]\n");
        Cli.Result promote = Cli.run("member", "promote", cluster.node(1).address(), "--id", "3");
        assertThat(promote.exitCode()).isEqualTo(4);
        assertThat(promote.err()).isEqualTo("raftify-cli: node 3 is not a learner (voter); membership: voters [1, 2, 3]\n");
        cluster.node(1).onChangeConfig = args -> ChangeConfigResponse.newBuilder().setError(Error.newBuilder()
                .setCode(Error.Code.CONF_CHANGE_IN_PROGRESS).setMessage("a membership change is pending")).build();
        Cli.Result remove = Cli.run("member", "remove", cluster.node(1).address(), "--id", "3");
        assertThat(remove.exitCode()).isEqualTo(4);
        assertThat(remove.err()).isEqualTo("raftify-cli: member remove failed on " + cluster.node(1).address()
                + ": CONF_CHANGE_IN_PROGRESS: a membership change is pending\n");
    }

    @Test
    void memberRemoveAndPromote() {
        cluster.update(1, s -> s.setConfState(s.getConfState().toBuilder().addLearners(4)));
        cluster.node(1).onChangeConfig = args -> {
            ConfChangeSingle c = args.getConfChange().getChanges(0);
            return ChangeConfigResponse.newBuilder().setConfState(c.getChangeType() == ConfChangeType.RemoveNode
                    ? ConfState.newBuilder().addVoters(1).addVoters(2).addLearners(4)
                    : ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).addVoters(4)).build();
        };
        Cli.Result remove = Cli.run("member", "remove", cluster.node(2).address(), "--id", "3");
        assertThat(remove.out()).isEqualTo("Removed node 3; the membership is now voters [1, 2], learners [4].\n");
        Cli.Result promote = Cli.run("member", "promote", cluster.node(2).address(), "--id", "4");
        assertThat(promote.exitCode()).as(promote.toString()).isZero();
        assertThat(promote.out()).isEqualTo("Promoted node 4 to voter; the membership is now voters [1, 2, 3, 4].\n");
    }

    @Test
    void leaderTransfer() {
        cluster.node(1).onTransferLeader = args -> TransferLeaderResponse.newBuilder()
                .setLeaderId(args.getTargetId()).build();
        Cli.Result r = Cli.run("leader", "transfer", cluster.node(3).address(), "--to", "2");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Leadership moved from node 1 to node 2.\n");
        assertThat(cluster.node(1).calls).contains(TransferLeaderArgs.newBuilder().setTargetId(2).build());

        assertThat(Cli.run("leader", "transfer", cluster.node(3).address(), "--to", "1").out())
                .isEqualTo("Node 1 already leads (term 2).\n");

        cluster.node(1).onTransferLeader = args -> TransferLeaderResponse.newBuilder().setError(Error.newBuilder()
                .setCode(Error.Code.LEADER_TRANSFER_FAILED).setMessage("node 3 did not catch up in time")).build();
        Cli.Result failed = Cli.run("leader", "transfer", cluster.node(1).address(), "--to", "3");
        assertThat(failed.exitCode()).isEqualTo(4);
        assertThat(failed.err()).isEqualTo("raftify-cli: leader transfer failed on " + cluster.node(1).address()
                + ": LEADER_TRANSFER_FAILED: node 3 did not catch up in time\n");
        assertThat(Cli.run("leader", "transfer", cluster.node(1).address(), "--to", "9").err())
                .isEqualTo("raftify-cli: node 9 is not a voter; voters are [1, 2, 3]\n");
    }

    @Test
    void snapshotCreateOnEachNode() {
        Cli.Result r = Cli.run("snapshot", "create", cluster.node(1).address() + "," + cluster.node(2).address(),
                "--no-color");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Golden.assertMatches("snapshot-create.txt", cluster.normalize(r.out()));
        cluster.node(3).onCreateSnapshot = CreateSnapshotResponse.newBuilder().setError(Error.newBuilder()
                .setCode(Error.Code.NODE_CLOSED).setMessage("shutting down")).build();
        Cli.Result failed = Cli.run("snapshot", "create", cluster.node(3).address());
        assertThat(failed.exitCode()).isEqualTo(4);
        assertThat(failed.err()).isEqualTo("raftify-cli: snapshot create failed on " + cluster.node(3).address()
                + ": NODE_CLOSED: shutting down\n");
        assertThat(SnapshotMetadata.getDefaultInstance().getIndex()).isZero();
    }

    @Test
    void leaveJoint() {
        cluster.node(1).onLeaveJoint = ChangeConfigResponse.newBuilder().setConfState(
                ConfState.newBuilder().addVoters(2).addVoters(3).addVoters(4)).build();
        Cli.Result r = Cli.run("cluster", "leave-joint", cluster.node(2).address());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Left the joint configuration; the membership is now voters [2, 3, 4].\n");
    }

    @Test
    void noLeaderMeansNoAdministration() {
        cluster.update(2, s -> s.setLeaderId(0).setTerm(3));
        Cli.Result r = Cli.run("member", "remove", cluster.node(2).address(), "--id", "3");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("raftify-cli: node 2 at " + cluster.node(2).address() + " knows no leader in "
                + "term 3 (no quorum?); try again, or see: raftify-cli cluster status " + cluster.node(2).address() + "\n");
    }
}

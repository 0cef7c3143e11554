package dev.raftify.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import org.junit.jupiter.api.Test;

/** End-to-end behaviour of a small cluster driven through RawNode: the smoke test of the whole core. */
class BasicClusterTest {

    @Test
    void electsALeaderAndReplicates() {
        TestCluster c = new TestCluster(1, 1, 2, 3);
        c.campaign(1);
        assertThat(c.raft(1).state).isEqualTo(StateRole.LEADER);
        assertThat(c.raft(2).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(c.raft(2).leaderId).isEqualTo(1);

        c.propose(1, "a");
        c.propose(2, "b"); // forwarded
        for (long id = 1; id <= 3; id++) {
            assertThat(c.node(id).applied.values()).extracting(ByteString::toStringUtf8).containsExactly("a", "b");
        }
    }

    @Test
    void singleNodeCommitsOnlyAfterPersisting() {
        TestCluster c = new TestCluster(2, 1);
        c.campaign(1);
        assertThat(c.raft(1).state).isEqualTo(StateRole.LEADER);
        RawNode n = c.node(1).raw;
        n.propose(ByteString.EMPTY, ByteString.copyFromUtf8("x"));
        Ready rd = n.ready();
        assertThat(rd.entries()).hasSize(1);
        // Not persisted yet: not committed.
        assertThat(rd.committedEntries()).isEmpty();
        c.node(1).storage.append(rd.entries());
        n.advance(rd);
        assertThat(n.hasReady()).isTrue();
        Ready rd2 = n.ready();
        assertThat(rd2.committedEntries()).extracting(e -> e.getData().toStringUtf8()).containsExactly("x");
        n.advance(rd2);
    }

    @Test
    void electsWithTicksAlone() {
        TestCluster c = new TestCluster(3, 1, 2, 3);
        for (int i = 0; i < 100 && c.leader() == 0; i++) {
            c.tickAll();
            c.stabilize();
        }
        assertThat(c.leader()).isNotZero();
    }

    @Test
    void addsAndRemovesMembers() {
        TestCluster c = new TestCluster(4, 1, 2, 3);
        c.campaign(1);
        c.addEmptyNode(4);
        c.node(1).raw.proposeConfChange(ByteString.EMPTY, ConfChangeV2.newBuilder()
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.AddNode).setNodeId(4))
                .build());
        c.stabilize();
        c.propose(1, "after-add");
        assertThat(c.raft(1).prs.voterIds()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(c.node(4).applied.values()).extracting(ByteString::toStringUtf8).contains("after-add");

        // A joint change that removes the leader and node 2; auto-leave.
        c.node(1).raw.proposeConfChange(ByteString.EMPTY, ConfChangeV2.newBuilder()
                .setTransition(ConfChangeTransition.Auto)
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.RemoveNode).setNodeId(1))
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.RemoveNode).setNodeId(2))
                .build());
        c.stabilize();
        assertThat(c.raft(3).prs.voterIds()).containsExactly(3L, 4L);
        assertThat(c.raft(3).prs.config().voters().isJoint()).isFalse();
        for (int i = 0; i < 100 && (c.leader() == 0 || c.leader() == 1); i++) {
            c.tickAll();
            c.stabilize();
        }
        assertThat(c.leader()).isIn(3L, 4L);
    }

    @Test
    void proposalWithoutLeaderFailsTyped() {
        TestCluster c = new TestCluster(5, 1, 2, 3);
        assertThatThrownBy(() -> c.node(1).raw.propose(ByteString.EMPTY, ByteString.copyFromUtf8("x")))
                .isInstanceOf(ProposalDroppedException.class)
                .satisfies(e -> assertThat(((ProposalDroppedException) e).reason())
                        .isEqualTo(ProposalDroppedException.Reason.NO_LEADER));
    }

    @Test
    void readIndexOnFollowerIsAnsweredThroughTheLeader() {
        TestCluster c = new TestCluster(6, 1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.node(2).raw.readIndex(ByteString.copyFromUtf8("ctx"));
        c.stabilize();
        assertThat(c.node(2).readStates).hasSize(1);
        assertThat(c.node(2).readStates.get(0).index()).isEqualTo(c.raft(1).raftLog.committed());
        assertThat(c.node(2).readStates.get(0).requestCtx().toStringUtf8()).isEqualTo("ctx");
    }

    @Test
    void transferLeaderHandsOver() {
        TestCluster c = new TestCluster(7, 1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.node(1).raw.transferLeader(3);
        c.stabilize();
        assertThat(c.leader()).isEqualTo(3);
    }
}

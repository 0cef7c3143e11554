package dev.raftify.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import org.junit.jupiter.api.Test;

/**
 * A leader that removes itself and steps down must not leave the cluster unable to elect anyone. Found by the
 * cluster simulation (seeds 23 and 217): the remaining voter never learned that the change committed (the append
 * carrying the new commit index was lost), so it kept campaigning in the old membership, which needs the removed
 * node's vote; the removed node refused it (its log was longer) and may not campaign itself. Voters now send
 * their commit index with a refusal, as raft-rs does, so the candidate learns the change committed, applies it,
 * and wins in the new membership.
 */
class CommitByVoteTest {

    @Test
    void aVoterThatMissedTheCommitOfItsNewMembershipLearnsItFromARefusedVote() {
        TestCluster c = new TestCluster(21, 1, 2);
        c.campaign(1);
        c.propose(1, "a");

        // Leader 1 removes itself; node 2 gets and acknowledges the entry.
        c.node(1).raw.proposeConfChange(ByteString.EMPTY, ConfChangeV2.newBuilder()
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.RemoveNode).setNodeId(1))
                .build());
        c.processReadies();
        while (!c.network.isEmpty()) {
            c.deliver(c.network.pollFirst());
        }
        c.processReadies();
        // From now on node 2 hears nothing from 1: not the new commit index, nor the entry 1 appends next.
        c.dropIf(m -> m.getTo() == 2);
        c.node(1).raw.propose(ByteString.EMPTY, ByteString.copyFromUtf8("b"));
        c.stabilize();
        assertThat(c.raft(1).prs.voterIds()).containsExactly(2L);
        assertThat(c.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(c.raft(2).prs.voterIds()).containsExactly(1L, 2L);
        assertThat(c.raft(1).raftLog.lastIndex()).isGreaterThan(c.raft(2).raftLog.lastIndex());

        c.heal();
        for (int i = 0; i < 200 && c.leader() != 2; i++) {
            c.tickAll();
            c.stabilize();
        }
        assertThat(c.leader()).isEqualTo(2);
        assertThat(c.raft(2).prs.voterIds()).containsExactly(2L);
    }
}

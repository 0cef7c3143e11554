package dev.raftify.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.proto.eraftpb.ConfChange;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.raft.tracker.ProgressState;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.WriteBatch;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The RawNode API beyond stepping: restart with an applied index, status, reports and single-step changes. */
class RawNodeTest {

    /** A node restarted with applied = n does not hand out entries up to n again. */
    @Test
    void restartDoesNotReapplyWhatWasApplied() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        s.append(Fx.entries(1, 1, 1, 1, 1));
        s.setHardState(dev.raftify.proto.eraftpb.HardState.newBuilder().setTerm(1).setCommit(4).build());
        RawNode n = new RawNode(Fx.cfg(1).applied(2).build(), s, new Random(1));
        Ready rd = n.ready();
        assertThat(rd.committedEntries()).extracting(Entry::getIndex).containsExactly(3L, 4L);
        assertThat(n.status().applied()).isEqualTo(2);
        RawNode fresh = new RawNode(Fx.cfg(1).build(), s, new Random(1));
        assertThat(fresh.ready().committedEntries()).extracting(Entry::getIndex).containsExactly(1L, 2L, 3L, 4L);
    }

    /** status() shows progress on the leader only. */
    @Test
    void statusShowsProgressOnTheLeaderOnly() {
        TestCluster c = new TestCluster(121, 1, 2, 3);
        c.campaign(1);
        Status leader = c.node(1).raw.status();
        assertThat(leader.progress()).containsOnlyKeys(1L, 2L, 3L);
        assertThat(leader.progress().get(2L).matchIndex()).isEqualTo(1);
        assertThat(leader.softState()).isEqualTo(new SoftState(1, StateRole.LEADER));
        Status follower = c.node(2).raw.status();
        assertThat(follower.progress()).isEmpty();
        assertThat(follower.hardState().getTerm()).isEqualTo(1);
        assertThat(c.node(2).raw.id()).isEqualTo(2);
    }

    /** reportUnreachable and reportSnapshot reach the leader's progress. */
    @Test
    void reportsReachTheLeadersProgress() {
        TestCluster c = new TestCluster(122, 1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        RawNode n = c.node(1).raw;
        assertThat(c.raft(1).prs.get(2).state()).isEqualTo(ProgressState.REPLICATE);
        n.reportUnreachable(2);
        assertThat(c.raft(1).prs.get(2).state()).isEqualTo(ProgressState.PROBE);
        c.raft(1).prs.get(3).becomeSnapshot(10);
        n.reportSnapshot(3, SnapshotStatus.FAILURE);
        assertThat(c.raft(1).prs.get(3).state()).isEqualTo(ProgressState.PROBE);
        assertThat(c.raft(1).prs.get(3).nextIndex()).as("failed: probe after the match index").isEqualTo(3);
        c.raft(1).prs.get(3).becomeSnapshot(10);
        n.reportSnapshot(3, SnapshotStatus.FINISH);
        assertThat(c.raft(1).prs.get(3).nextIndex()).as("delivered: probe after the snapshot").isEqualTo(11);
    }

    /** requestSnapshot through the RawNode sends the request to the leader. */
    @Test
    void requestSnapshotGoesToTheLeader() {
        TestCluster c = new TestCluster(123, 1, 2, 3);
        c.campaign(1);
        c.node(2).raw.requestSnapshot();
        c.stabilize();
        assertThat(c.delivered).anyMatch(m -> m.getFrom() == 2 && m.getTo() == 1 && m.getReject());
    }

    /** applyConfChange with a single-step ConfChange returns the new membership. */
    @Test
    void applySingleStepConfChange() {
        RawNode n = new RawNode(Fx.cfg(1).build(), MemStorage.withVoters(1, 2, 3), new Random(1));
        ConfState cs = n.applyConfChange(ConfChange.newBuilder().setChangeType(ConfChangeType.AddLearnerNode)
                .setNodeId(4).build());
        assertThat(cs.getVotersList()).containsExactly(1L, 2L, 3L);
        assertThat(cs.getLearnersList()).containsExactly(4L);
    }

    /** After a snapshot Ready, the next Ready starts after the snapshot. */
    @Test
    void snapshotReadyMovesTheApplyingCursor() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        RawNode n = new RawNode(Fx.cfg(2).build(), s, new Random(2));
        n.step(Fx.msg(dev.raftify.proto.eraftpb.MessageType.MsgSnapshot, 1, 2, 1)
                .setSnapshot(Fx.snapshot(5, 1, 1, 2, 3)).build());
        Ready rd = n.ready();
        s.write(new WriteBatch(rd.snapshot(), rd.entries(), rd.hardState(), null));
        n.advanceAppend(rd);
        n.step(Fx.msg(dev.raftify.proto.eraftpb.MessageType.MsgAppend, 1, 2, 1).setIndex(5).setLogTerm(1)
                .setCommit(6).addAllEntries(Fx.entries(6, 1)).build());
        Ready rd2 = n.ready();
        s.write(new WriteBatch(null, rd2.entries(), rd2.hardState(), null));
        n.advanceAppend(rd2);
        Ready rd3 = n.ready();
        assertThat(rd3.committedEntries()).extracting(Entry::getIndex).containsExactly(6L);
        n.advance(rd3);
        assertThat(n.status().applied()).isEqualTo(6);
    }
}

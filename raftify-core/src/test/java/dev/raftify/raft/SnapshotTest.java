package dev.raftify.raft;

import static dev.raftify.proto.eraftpb.MessageType.MsgAppend;
import static dev.raftify.proto.eraftpb.MessageType.MsgAppendResponse;
import static dev.raftify.proto.eraftpb.MessageType.MsgHeartbeatResponse;
import static dev.raftify.proto.eraftpb.MessageType.MsgSnapshot;
import static dev.raftify.raft.Fx.CLASSIC;
import static dev.raftify.raft.Fx.ids;
import static dev.raftify.raft.Fx.msg;
import static dev.raftify.raft.Fx.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.raft.tracker.Progress;
import dev.raftify.raft.tracker.ProgressState;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.WriteBatch;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Snapshots (Raft paper §7): sending one to a follower behind the compacted log, installing it, reporting on it. */
class SnapshotTest {

    private static final ConfState CS = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();

    /** A leader of term 2 whose log is compacted up to 10 (snapshot at 10, term 1) and holds [11:2]. */
    private static Raft compactedLeader() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        long[] terms = new long[10];
        java.util.Arrays.fill(terms, 1);
        s.append(Fx.entries(1, terms));
        s.setHardState(dev.raftify.proto.eraftpb.HardState.newBuilder().setTerm(1).setCommit(10).build());
        s.createSnapshot(10, CS, ByteString.copyFromUtf8("state@10"));
        Raft r = Fx.raft(1, s, CLASSIC);
        r.becomeCandidate();
        r.becomeLeader();
        Fx.persist(r);
        take(r);
        return r;
    }

    /** §7: a follower that needs entries the leader compacted gets the snapshot instead. */
    @Test
    void followerBehindTheCompactedLogGetsTheSnapshot() {
        Raft r = compactedLeader();
        Progress pr = r.prs.get(2);
        pr.setRecentActive(true);
        // The follower's log ends at 3: the probe at 11 is rejected with hint 3.
        r.sendAppend(2);
        take(r);
        r.step(msg(MsgAppendResponse, 2, 1, 2).setIndex(10).setReject(true).setRejectHint(3).setLogTerm(1).build());
        Message snap = take(r).get(0);
        assertThat(snap.getMsgType()).isEqualTo(MsgSnapshot);
        assertThat(snap.getTo()).isEqualTo(2);
        assertThat(snap.getSnapshot().getMetadata().getIndex()).isEqualTo(10);
        assertThat(snap.getSnapshot().getData().toStringUtf8()).isEqualTo("state@10");
        assertThat(pr.state()).isEqualTo(ProgressState.SNAPSHOT);
        assertThat(pr.pendingSnapshot()).isEqualTo(10);
        assertThat(pr.isPaused()).isTrue();
        // Nothing more goes to it while the snapshot is in flight.
        r.step(ProposalTest.propose(1, Fx.data("x")));
        assertThat(take(r)).noneMatch(m -> m.getTo() == 2);
    }

    /** A snapshot is not sent to a follower that has not been heard from recently. */
    @Test
    void noSnapshotToAnInactiveFollower() {
        Raft r = compactedLeader();
        r.prs.get(2).setRecentActive(false);
        r.prs.get(2).setNextIndex(5);
        r.sendAppend(2);
        assertThat(take(r)).isEmpty();
        assertThat(r.prs.get(2).state()).isEqualTo(ProgressState.PROBE);
    }

    /** The follower's acknowledgement of the snapshot's index resumes normal replication after it. */
    @Test
    void acknowledgedSnapshotResumesReplication() {
        Raft r = compactedLeader();
        Progress pr = r.prs.get(2);
        pr.setRecentActive(true);
        pr.setNextIndex(5);
        r.sendAppend(2);
        take(r);
        r.step(Fx.appendResp(2, 1, 2, 10));
        assertThat(pr.state()).isEqualTo(ProgressState.REPLICATE);
        assertThat(pr.matchIndex()).isEqualTo(10);
        assertThat(take(r)).extracting(Message::getMsgType, Message::getTo, Message::getIndex)
                .contains(tuple(MsgAppend, 2L, 10L));
    }

    /** reportSnapshot(FINISH): back to probing after the snapshot, waiting for the next heartbeat answer. */
    @Test
    void reportSnapshotSuccess() {
        Raft r = compactedLeader();
        Progress pr = r.prs.get(2);
        pr.setRecentActive(true);
        pr.setNextIndex(5);
        r.sendAppend(2);
        take(r);
        r.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgSnapStatus, 2, 1, 0).build());
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        assertThat(pr.nextIndex()).isEqualTo(11);
        assertThat(pr.isPaused()).isTrue();
        r.step(msg(MsgHeartbeatResponse, 2, 1, 2).build());
        assertThat(take(r)).extracting(Message::getMsgType, Message::getIndex).containsExactly(tuple(MsgAppend, 10L));
    }

    /** reportSnapshot(FAILURE): back to probing from the match index; the next probe decides afresh. */
    @Test
    void reportSnapshotFailure() {
        Raft r = compactedLeader();
        Progress pr = r.prs.get(2);
        pr.setRecentActive(true);
        pr.setNextIndex(5);
        r.sendAppend(2);
        take(r);
        r.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgSnapStatus, 2, 1, 0).setReject(true).build());
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        assertThat(pr.pendingSnapshot()).isZero();
        assertThat(pr.nextIndex()).isEqualTo(1);
        r.step(msg(MsgHeartbeatResponse, 2, 1, 2).build());
        assertThat(take(r)).extracting(Message::getMsgType).containsExactly(MsgSnapshot);
    }

    /** A status report for a follower that is not in snapshot state is ignored. */
    @Test
    void snapStatusOutsideSnapshotStateIsIgnored() {
        Raft r = compactedLeader();
        Progress pr = r.prs.get(2);
        r.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgSnapStatus, 2, 1, 0).setReject(true).build());
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        assertThat(pr.isPaused()).isFalse();
    }

    /** Installing: the log becomes the snapshot, commit jumps to it, the membership is the snapshot's. */
    @Test
    void followerInstallsTheSnapshot() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        s.append(Fx.entries(1, 1, 1));
        RawNode n = new RawNode(Fx.cfg(2).build(), s, new Random(2));
        Snapshot snap = Fx.snapshot(10, 2, 1, 2, 3, 4).toBuilder().setData(ByteString.copyFromUtf8("s")).build();
        n.step(msg(MsgSnapshot, 1, 2, 3).setSnapshot(snap).build());
        Raft r = n.raft();
        assertThat(r.raftLog.committed()).isEqualTo(10);
        assertThat(r.raftLog.lastIndex()).isEqualTo(10);
        assertThat(r.raftLog.firstIndex()).isEqualTo(11);
        assertThat(r.prs.voterIds()).containsExactly(1L, 2L, 3L, 4L);
        // Not promotable until the snapshot is persisted and applied.
        assertThat(r.promotable()).isFalse();
        Ready rd = n.ready();
        assertThat(rd.snapshot()).isEqualTo(snap);
        assertThat(rd.messages()).isEmpty();
        assertThat(rd.persistedMessages()).extracting(Message::getMsgType, Message::getIndex)
                .containsExactly(tuple(MsgAppendResponse, 10L));
        s.write(new WriteBatch(rd.snapshot(), rd.entries(), rd.hardState(), null));
        n.advance(rd);
        assertThat(r.promotable()).isTrue();
        assertThat(r.raftLog.applied()).isEqualTo(10);
        assertThat(r.raftLog.persisted()).isEqualTo(10);
    }

    /** A snapshot older than the commit index, or one whose membership does not include us, is refused. */
    @Test
    void staleOrForeignSnapshotsAreRefused() {
        Raft r = Fx.raft(2, Fx.storage(ids(1, 2, 3), 1, 0, 5, 1, 1, 1, 1, 1), CLASSIC);
        r.step(msg(MsgSnapshot, 1, 2, 1).setSnapshot(Fx.snapshot(4, 1, 1, 2, 3)).build());
        assertThat(take(r)).extracting(Message::getMsgType, Message::getIndex)
                .containsExactly(tuple(MsgAppendResponse, 5L));
        assertThat(r.raftLog.unstable().snapshot()).isNull();

        r.step(msg(MsgSnapshot, 1, 2, 1).setSnapshot(Fx.snapshot(5, 1, 1, 2, 3)).build());
        assertThat(r.raftLog.unstable().snapshot()).as("at the commit index: nothing new").isNull();
        take(r);

        r.step(msg(MsgSnapshot, 1, 2, 1).setSnapshot(Fx.snapshot(20, 1, 1, 3, 4)).build());
        assertThat(take(r)).extracting(Message::getIndex).containsExactly(5L);
        assertThat(r.raftLog.lastIndex()).isEqualTo(5);
    }

    /** A snapshot ending at an entry we already have only advances the commit index. */
    @Test
    void snapshotOfAnEntryWeHaveFastForwardsTheCommit() {
        Raft r = Fx.raft(2, Fx.storage(ids(1, 2, 3), 1, 0, 1, 1, 1, 1, 1, 1), CLASSIC);
        r.step(msg(MsgSnapshot, 1, 2, 1).setSnapshot(Fx.snapshot(4, 1, 1, 2, 3)).build());
        assertThat(r.raftLog.committed()).isEqualTo(4);
        assertThat(r.raftLog.lastIndex()).isEqualTo(5);
        assertThat(r.raftLog.unstable().snapshot()).isNull();
        assertThat(take(r)).extracting(Message::getIndex).containsExactly(4L);
    }

    /** requestSnapshot: the follower asks, the leader answers with a snapshot at least as new as requested. */
    @Test
    void requestSnapshotIsHonoured() {
        Raft r = compactedLeader();
        Progress pr = r.prs.get(2);
        pr.setRecentActive(true);
        r.step(Fx.appendResp(2, 1, 2, 11));
        take(r);
        assertThat(pr.state()).isEqualTo(ProgressState.REPLICATE);

        Raft f = Fx.raft(2, ids(1, 2, 3), CLASSIC);
        f.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgHeartbeat, 1, 2, 2).build());
        take(f);
        f.requestSnapshot();
        Message req = take(f).get(0);
        assertThat(req.getMsgType()).isEqualTo(MsgAppendResponse);
        assertThat(req.getReject()).isTrue();
        // The follower's applied index is 0; ask for at least 10 to make it concrete.
        r.step(req.toBuilder().setIndex(11).setRequestSnapshot(10).build());
        assertThat(take(r)).extracting(Message::getMsgType, Message::getTo).containsExactly(tuple(MsgSnapshot, 2L));
        assertThat(pr.state()).isEqualTo(ProgressState.SNAPSHOT);
    }

    /** Only a follower that knows its leader may request a snapshot. */
    @Test
    void requestSnapshotNeedsALeader() {
        Raft r = Fx.raft(2, ids(1, 2, 3), CLASSIC);
        assertThatThrownBy(r::requestSnapshot).isInstanceOf(IllegalStateException.class);
        Raft l = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        assertThatThrownBy(l::requestSnapshot).isInstanceOf(IllegalStateException.class);
    }

    /** End to end: a follower that was away while the leader compacted catches up through a snapshot. */
    @Test
    void laggingFollowerCatchesUpThroughASnapshotEndToEnd() {
        TestCluster c = new TestCluster(101, 1, 2, 3);
        c.campaign(1);
        c.isolate(3);
        for (int i = 0; i < 5; i++) {
            c.propose(1, "p" + i);
        }
        TestCluster.Node leader = c.node(1);
        leader.storage.createSnapshot(leader.appliedIndex, c.raft(1).prs.confState(), ByteString.copyFromUtf8("s"));
        c.heal();
        c.propose(1, "after");
        for (int i = 0; i < 3; i++) {
            c.tick(1);
            c.stabilize();
        }
        assertThat(c.delivered(MsgSnapshot)).extracting(Message::getTo).containsExactly(3L);
        assertThat(c.node(3).storage.latestSnapshot().getMetadata().getIndex()).isEqualTo(6);
        assertThat(c.node(3).applied.values()).extracting(ByteString::toStringUtf8).containsExactly("after");
        assertThat(c.raft(3).raftLog.committed()).isEqualTo(c.raft(1).raftLog.committed());
        assertThat(c.raft(1).prs.get(3).state()).isEqualTo(ProgressState.REPLICATE);
    }
}

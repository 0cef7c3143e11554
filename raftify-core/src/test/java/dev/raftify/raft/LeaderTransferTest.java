package dev.raftify.raft;

import static dev.raftify.proto.eraftpb.MessageType.MsgAppend;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestVote;
import static dev.raftify.proto.eraftpb.MessageType.MsgTimeoutNow;
import static dev.raftify.proto.eraftpb.MessageType.MsgTransferLeader;
import static dev.raftify.raft.Fx.CLASSIC;
import static dev.raftify.raft.Fx.ids;
import static dev.raftify.raft.Fx.msg;
import static dev.raftify.raft.Fx.take;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.raft.ProposalDroppedException.Reason;
import dev.raftify.storage.MemStorage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Leadership transfer (thesis §3.10): catch the target up, then MsgTimeoutNow; abort after an election timeout. */
class LeaderTransferTest {

    private static Message transfer(long to) {
        return msg(MsgTransferLeader, to, 1, 0).build();
    }

    /** Leader 1 of term 1 with [1:1, 2:1 "a"]; follower 2 has everything, follower 3 only index 1. */
    private static Raft leaderWithLaggingThree() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        r.step(Fx.appendResp(2, 1, 1, 1));
        r.step(Fx.appendResp(3, 1, 1, 1));
        r.step(ProposalTest.propose(1, Fx.data("a")));
        Fx.persist(r);
        r.step(Fx.appendResp(2, 1, 1, 2));
        take(r);
        return r;
    }

    /** Thesis §3.10: a target that is up to date gets MsgTimeoutNow at once. */
    @Test
    void upToDateTargetGetsTimeoutNowImmediately() {
        Raft r = leaderWithLaggingThree();
        r.step(transfer(2));
        assertThat(r.leadTransferee).isEqualTo(2);
        assertThat(r.msgs).extracting(Message::getMsgType, Message::getTo)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MsgTimeoutNow, 2L));
    }

    /** Thesis §3.10: a lagging target is first caught up; MsgTimeoutNow follows its acknowledgement. */
    @Test
    void laggingTargetIsCaughtUpFirst() {
        Raft r = leaderWithLaggingThree();
        r.step(transfer(3));
        List<Message> out = take(r);
        assertThat(out).extracting(Message::getMsgType).containsExactly(MsgAppend);
        assertThat(out.get(0).getTo()).isEqualTo(3);
        r.step(Fx.appendResp(3, 1, 1, 2));
        assertThat(take(r)).extracting(Message::getMsgType, Message::getTo)
                .contains(org.assertj.core.groups.Tuple.tuple(MsgTimeoutNow, 3L));
    }

    /** A lost MsgTimeoutNow is sent again when the caught-up target answers the next heartbeat. */
    @Test
    void aLostTimeoutNowIsResentOnTheTargetsNextHeartbeatResponse() {
        Raft r = leaderWithLaggingThree();
        r.step(transfer(2));
        take(r); // the MsgTimeoutNow is lost on the wire
        r.step(msg(MessageType.MsgHeartbeatResponse, 2, 1, 1).build());
        assertThat(take(r)).extracting(Message::getMsgType, Message::getTo)
                .contains(org.assertj.core.groups.Tuple.tuple(MsgTimeoutNow, 2L));
        // Without a transfer under way, a heartbeat response from an up-to-date follower sends nothing.
        r.abortLeaderTransfer();
        r.step(msg(MessageType.MsgHeartbeatResponse, 2, 1, 1).build());
        assertThat(take(r)).isEmpty();
    }

    /** While a transfer is under way the leader refuses proposals. */
    @Test
    void proposalsAreRefusedDuringATransfer() {
        Raft r = leaderWithLaggingThree();
        r.step(transfer(3));
        ProposalTest.assertDropped(r, Reason.LEADER_TRANSFER_IN_PROGRESS,
                () -> r.step(ProposalTest.propose(1, Fx.data("x"))));
    }

    /** A transfer that does not finish within an election timeout is abandoned and the leader serves again. */
    @Test
    void transferIsAbortedAfterAnElectionTimeout() {
        Raft r = leaderWithLaggingThree();
        r.step(transfer(3));
        for (int i = 0; i < 9; i++) {
            r.tick();
        }
        assertThat(r.leadTransferee).isEqualTo(3);
        r.tick();
        assertThat(r.leadTransferee).isZero();
        assertThat(r.state).isEqualTo(StateRole.LEADER);
        r.step(ProposalTest.propose(1, Fx.data("x")));
        assertThat(r.raftLog.lastIndex()).isEqualTo(3);
    }

    /** A transfer ends when the leader loses its term, or when the target leaves the configuration. */
    @Test
    void transferIsAbortedByATermChangeOrTheTargetsRemoval() {
        Raft r = leaderWithLaggingThree();
        r.step(transfer(3));
        r.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgAppendResponse, 2, 1, 5).build());
        assertThat(r.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(r.leadTransferee).isZero();

        Raft r2 = leaderWithLaggingThree();
        r2.step(transfer(3));
        r2.applyConfChange(Fx.v2("r3"));
        assertThat(r2.leadTransferee).isZero();
        r2.step(ProposalTest.propose(1, Fx.data("ok")));
        assertThat(r2.raftLog.lastIndex()).isEqualTo(3);
    }

    /** Transfers to the leader itself, to a learner or to a non-member are ignored. */
    @Test
    void transferToSelfLearnerOrNonMemberIsIgnored() {
        ConfState cs = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).addLearners(4).build();
        MemStorage s = new MemStorage();
        s.setConfState(cs);
        Raft r = Fx.raft(1, s, CLASSIC);
        r.becomeCandidate();
        r.becomeLeader();
        Fx.persist(r);
        take(r);
        for (long target : new long[] {1, 4, 9}) {
            r.step(transfer(target));
            assertThat(r.leadTransferee).as("target %d", target).isZero();
            assertThat(take(r)).as("target %d", target).isEmpty();
        }
    }

    /** A second request for the same target changes nothing; one for another target replaces the first. */
    @Test
    void repeatedAndCompetingTransfers() {
        Raft r = leaderWithLaggingThree();
        r.step(transfer(3));
        take(r);
        r.tick();
        r.step(transfer(3));
        assertThat(take(r)).noneMatch(m -> m.getMsgType() == MsgAppend);
        assertThat(r.electionElapsed).isEqualTo(1);
        r.step(transfer(2));
        assertThat(r.leadTransferee).isEqualTo(2);
        assertThat(take(r)).extracting(Message::getMsgType).containsExactly(MsgTimeoutNow);
    }

    /** On MsgTimeoutNow the target campaigns at once for term+1, without pre-vote and past the voters' lease. */
    @Test
    void timeoutNowStartsAnImmediateCampaignThatBypassesTheLease() {
        Raft t = Fx.raft(2, ids(1, 2, 3), Fx.DEFAULTS);
        t.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgHeartbeat, 1, 2, 1).build());
        take(t);
        t.step(msg(MsgTimeoutNow, 1, 2, 1).build());
        assertThat(t.state).isEqualTo(StateRole.CANDIDATE);
        assertThat(t.term).isEqualTo(2);
        assertThat(take(t)).extracting(Message::getMsgType, Message::getContext)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MsgRequestVote, Raft.CAMPAIGN_TRANSFER),
                        org.assertj.core.groups.Tuple.tuple(MsgRequestVote, Raft.CAMPAIGN_TRANSFER));
    }

    /** A learner or non-member receiving MsgTimeoutNow does not campaign; a candidate ignores a stale one. */
    @Test
    void timeoutNowIsIgnoredByNodesThatMayNotCampaign() {
        Raft outsider = Fx.raft(4, ids(1, 2, 3), CLASSIC);
        outsider.step(msg(MsgTimeoutNow, 1, 4, 1).build());
        assertThat(outsider.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(take(outsider)).isEmpty();

        Raft cand = Fx.raft(2, ids(1, 2, 3), CLASSIC);
        cand.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgHup, 2, 2, 0).build());
        take(cand);
        cand.step(msg(MsgTimeoutNow, 1, 2, 1).build());
        assertThat(cand.term).isEqualTo(1);
        assertThat(take(cand)).isEmpty();
    }

    /** End to end with the defaults (pre-vote and check-quorum on): leadership moves to the target in term 2. */
    @Test
    void transferEndToEnd() {
        TestCluster c = new TestCluster(61, 1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.isolate(3);
        c.propose(1, "b");
        c.heal();
        c.node(1).raw.transferLeader(3); // 3 lags: caught up first
        c.stabilize();
        assertThat(c.leader()).isEqualTo(3);
        assertThat(c.raft(3).term).isEqualTo(2);
        assertThat(c.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        c.propose(3, "c");
        assertThat(c.node(1).applied.values()).extracting(ByteString::toStringUtf8).containsExactly("a", "b", "c");
    }

    /** A follower asked to transfer forwards the request to the leader. */
    @Test
    void followerForwardsTransferRequests() {
        TestCluster c = new TestCluster(62, 1, 2, 3);
        c.campaign(1);
        c.node(2).raw.transferLeader(2);
        c.stabilize();
        assertThat(c.leader()).isEqualTo(2);
    }

    /** A transfer to a dead node is abandoned after an election timeout; the old leader keeps leading. */
    @Test
    void transferToADeadNodeIsAbandoned() {
        TestCluster c = new TestCluster(63, 1, 2, 3);
        c.campaign(1);
        c.crash(3);
        c.node(1).raw.transferLeader(3);
        c.stabilize();
        assertThat(c.raft(1).leadTransferee).isEqualTo(3);
        for (int i = 0; i < 10; i++) {
            c.tick(1);
            c.tick(2);
            c.stabilize();
        }
        assertThat(c.raft(1).leadTransferee).isZero();
        assertThat(c.leader()).isEqualTo(1);
        c.propose(1, "still-leading");
        assertThat(c.node(2).applied.values()).extracting(ByteString::toStringUtf8).containsExactly("still-leading");
    }
}

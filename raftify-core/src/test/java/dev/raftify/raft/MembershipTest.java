package dev.raftify.raft;

import static dev.raftify.proto.eraftpb.MessageType.MsgHup;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestVote;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestVoteResponse;
import static dev.raftify.proto.eraftpb.MessageType.MsgTimeoutNow;
import static dev.raftify.raft.Fx.CLASSIC;
import static dev.raftify.raft.Fx.ids;
import static dev.raftify.raft.Fx.msg;
import static dev.raftify.raft.Fx.step;
import static dev.raftify.raft.Fx.take;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfChange;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.storage.MemStorage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Membership changes (thesis chapter 4): single-server changes, joint consensus with automatic and explicit
 * leave, learners, removing the leader, and the one-pending-change rule.
 */
class MembershipTest {

    static ConfState joint(long[] incoming, long[] outgoing, boolean autoLeave) {
        ConfState.Builder b = ConfState.newBuilder().setAutoLeave(autoLeave);
        for (long v : incoming) {
            b.addVoters(v);
        }
        for (long v : outgoing) {
            b.addVotersOutgoing(v);
        }
        return b.build();
    }

    private static ConfChange v1(ConfChangeType t, long id) {
        return ConfChange.newBuilder().setChangeType(t).setNodeId(id).build();
    }

    private static List<String> applied(TestCluster c, long id) {
        return c.node(id).applied.values().stream().map(ByteString::toStringUtf8).toList();
    }

    /** Thesis §4.1: adding one voter with a single-step ConfChange; the new voter then counts toward quorums. */
    @Test
    void singleStepAddNode() {
        TestCluster c = new TestCluster(51, 1, 2, 3);
        c.campaign(1);
        c.addNode(4, c.raft(1).prs.confState());
        c.node(1).raw.proposeConfChange(ByteString.EMPTY, v1(ConfChangeType.AddNode, 4));
        c.stabilize();
        for (long id = 1; id <= 4; id++) {
            assertThat(c.raft(id).prs.voterIds()).as("node %d", id).containsExactly(1L, 2L, 3L, 4L);
        }
        assertThat(c.node(4).storage.confState().getVotersList()).containsExactly(1L, 2L, 3L, 4L);
        // 4 voters: the leader and one follower are no longer a quorum.
        c.isolate(3);
        c.isolate(4);
        c.propose(1, "two-of-four");
        assertThat(c.raft(1).raftLog.committed()).isEqualTo(2);
        c.heal();
        c.tick(1);
        c.stabilize();
        assertThat(c.raft(1).raftLog.committed()).isEqualTo(3);
        assertThat(applied(c, 4)).containsExactly("two-of-four");
    }

    /** Thesis §4.1: removing one voter; the remaining two form the quorum. */
    @Test
    void singleStepRemoveNode() {
        TestCluster c = new TestCluster(52, 1, 2, 3);
        c.campaign(1);
        c.node(1).raw.proposeConfChange(ByteString.EMPTY, v1(ConfChangeType.RemoveNode, 3));
        c.stabilize();
        assertThat(c.raft(1).prs.voterIds()).containsExactly(1L, 2L);
        assertThat(c.raft(1).prs.get(3)).isNull();
        c.crash(3);
        c.propose(1, "without-3");
        assertThat(applied(c, 2)).containsExactly("without-3");
    }

    /** Thesis §4.3: during joint consensus, both the old and the new majority are needed to commit. */
    @Test
    void jointConfigurationCommitNeedsBothMajorities() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        s.setConfState(joint(ids(1, 4, 5), ids(1, 2, 3), false));
        Raft r = Fx.raft(1, s, CLASSIC);
        r.becomeCandidate();
        r.becomeLeader();
        Fx.persist(r);
        take(r);
        r.step(Fx.appendResp(2, 1, 1, 1));
        r.step(Fx.appendResp(3, 1, 1, 1));
        assertThat(r.raftLog.committed()).as("old majority only").isZero();
        r.step(Fx.appendResp(4, 1, 1, 1));
        assertThat(r.raftLog.committed()).as("both majorities").isEqualTo(1);

        Raft r2 = Fx.raft(1, MemStorage.withVoters(1), CLASSIC);
        MemStorage s2 = MemStorage.withVoters(1);
        s2.setConfState(joint(ids(1, 4, 5), ids(1, 2, 3), false));
        r2 = Fx.raft(1, s2, CLASSIC);
        r2.becomeCandidate();
        r2.becomeLeader();
        Fx.persist(r2);
        r2.step(Fx.appendResp(4, 1, 1, 1));
        r2.step(Fx.appendResp(5, 1, 1, 1));
        assertThat(r2.raftLog.committed()).as("new majority only").isZero();
        r2.step(Fx.appendResp(2, 1, 1, 1));
        assertThat(r2.raftLog.committed()).isEqualTo(1);
    }

    /** Thesis §4.3: elections in a joint configuration need both majorities too. */
    @Test
    void jointConfigurationElectionNeedsBothMajorities() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        s.setConfState(joint(ids(1, 4, 5), ids(1, 2, 3), false));
        Raft r = Fx.raft(1, s, CLASSIC);
        step(r, msg(MsgHup, 1, 1, 0));
        assertThat(take(r)).extracting(Message::getTo).containsExactly(2L, 3L, 4L, 5L);
        step(r, msg(MsgRequestVoteResponse, 2, 1, 1));
        step(r, msg(MsgRequestVoteResponse, 3, 1, 1));
        assertThat(r.state).isEqualTo(StateRole.CANDIDATE);
        step(r, msg(MsgRequestVoteResponse, 5, 1, 1));
        assertThat(r.state).isEqualTo(StateRole.LEADER);
    }

    /** Joint consensus with auto-leave: entering, then the leader proposes the leave entry by itself. */
    @Test
    void jointConsensusIsLeftAutomatically() {
        TestCluster c = new TestCluster(53, 1, 2, 3);
        c.campaign(1);
        c.addNode(4, c.raft(1).prs.confState());
        c.node(1).raw.proposeConfChange(ByteString.EMPTY, Fx.v2("v4 r3"));
        c.stabilize();
        assertThat(c.raft(1).prs.config().voters().isJoint()).isFalse();
        assertThat(c.raft(1).prs.voterIds()).containsExactly(1L, 2L, 4L);
        // The log holds the joint entry followed by the automatic, empty leave entry.
        List<Entry> log = c.raft(1).raftLog.entries(1, Long.MAX_VALUE);
        List<Entry> ccs = log.stream().filter(e -> e.getEntryType() != EntryType.EntryNormal).toList();
        assertThat(ccs).hasSize(2);
        assertThat(ConfChangeCodec.decode(ccs.get(0)).getChangesCount()).isEqualTo(2);
        assertThat(ConfChangeCodec.decode(ccs.get(1))).isEqualTo(ConfChangeV2.getDefaultInstance());
        assertThat(ccs.get(1).getIndex()).isEqualTo(ccs.get(0).getIndex() + 1);
        c.propose(1, "after");
        assertThat(applied(c, 4)).containsExactly("after");
    }

    /** Joint consensus with an explicit leave: the configuration stays joint until the application leaves it. */
    @Test
    void explicitJointConsensusWaitsForTheLeaveProposal() {
        TestCluster c = new TestCluster(54, 1, 2, 3);
        c.campaign(1);
        c.addNode(4, c.raft(1).prs.confState());
        c.node(1).raw.proposeConfChange(ByteString.EMPTY, Fx.v2("v4")
                .toBuilder().setTransition(ConfChangeTransition.Explicit).build());
        c.stabilize();
        for (int i = 0; i < 5; i++) {
            c.tickAll();
            c.stabilize();
        }
        assertThat(c.raft(1).prs.config().voters().isJoint()).isTrue();
        assertThat(c.raft(1).prs.config().autoLeave()).isFalse();
        c.node(1).raw.proposeConfChange(ByteString.EMPTY, ConfChangeV2.getDefaultInstance());
        c.stabilize();
        assertThat(c.raft(1).prs.config().voters().isJoint()).isFalse();
        assertThat(c.raft(1).prs.voterIds()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(c.raft(2).prs.voterIds()).containsExactly(1L, 2L, 3L, 4L);
    }

    /** Learners receive and apply entries but neither vote nor count toward commitment. */
    @Test
    void learnersReplicateButDoNotCountForCommit() {
        TestCluster c = new TestCluster(55, 1, 2, 3);
        c.campaign(1);
        c.addNode(4, c.raft(1).prs.confState());
        c.node(1).raw.proposeConfChange(ByteString.EMPTY, v1(ConfChangeType.AddLearnerNode, 4));
        c.stabilize();
        assertThat(c.raft(1).prs.learnerIds()).containsExactly(4L);
        assertThat(c.raft(4).isLearner).isTrue();
        c.propose(1, "a");
        assertThat(applied(c, 4)).containsExactly("a");

        // Leader + learner are not a quorum of the voters {1, 2, 3}.
        c.isolate(2);
        c.isolate(3);
        long before = c.raft(1).raftLog.committed();
        c.propose(1, "b");
        assertThat(c.raft(1).prs.get(4).matchIndex()).isEqualTo(before + 1);
        assertThat(c.raft(1).raftLog.committed()).isEqualTo(before);
    }

    /** Learners never campaign, and a candidate neither asks them nor counts their votes. */
    @Test
    void learnersDoNotCampaignOrVote() {
        ConfState cs = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).addLearners(4).build();
        MemStorage ls = new MemStorage();
        ls.setConfState(cs);
        Raft learner = Fx.raft(4, ls, CLASSIC);
        for (int i = 0; i < 100; i++) {
            learner.tick();
        }
        step(learner, msg(MsgHup, 4, 4, 0));
        assertThat(learner.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(learner.term).isZero();
        assertThat(take(learner)).isEmpty();

        MemStorage vs = new MemStorage();
        vs.setConfState(cs);
        Raft cand = Fx.raft(1, vs, CLASSIC);
        step(cand, msg(MsgHup, 1, 1, 0));
        assertThat(take(cand)).extracting(Message::getMsgType, Message::getTo)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MsgRequestVote, 2L),
                        org.assertj.core.groups.Tuple.tuple(MsgRequestVote, 3L));
        step(cand, msg(MsgRequestVoteResponse, 4, 1, 1));
        assertThat(cand.state).isEqualTo(StateRole.CANDIDATE);
        step(cand, msg(MsgRequestVoteResponse, 2, 1, 1));
        assertThat(cand.state).isEqualTo(StateRole.LEADER);
    }

    /** A learner promoted with AddNode becomes a voter, counts for commit and may campaign. */
    @Test
    void promotedLearnerBecomesAVoter() {
        TestCluster c = new TestCluster(56, 1, 2, 3);
        c.campaign(1);
        c.addNode(4, c.raft(1).prs.confState());
        c.node(1).raw.proposeConfChange(ByteString.EMPTY, v1(ConfChangeType.AddLearnerNode, 4));
        c.stabilize();
        c.node(1).raw.proposeConfChange(ByteString.EMPTY, v1(ConfChangeType.AddNode, 4));
        c.stabilize();
        assertThat(c.raft(1).prs.voterIds()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(c.raft(1).prs.learnerIds()).isEmpty();
        assertThat(c.raft(4).isLearner).isFalse();
        assertThat(c.raft(4).promotable()).isTrue();
        // It may now lead (the other voters are in their lease, so hand over rather than campaign).
        c.node(1).raw.transferLeader(4);
        c.stabilize();
        assertThat(c.leader()).isEqualTo(4);
    }

    /**
     * Removing the leader: once it applies its own removal it steps down and hands leadership to an up-to-date
     * voter with MsgTimeoutNow, so the cluster does not wait for an election timeout.
     */
    @Test
    void removedLeaderStepsDownAndHandsOver() {
        TestCluster c = new TestCluster(57, 1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.node(1).raw.proposeConfChange(ByteString.EMPTY, v1(ConfChangeType.RemoveNode, 1));
        c.stabilize(); // no ticks
        assertThat(c.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(c.delivered(MsgTimeoutNow)).hasSize(1);
        long newLeader = c.delivered(MsgTimeoutNow).get(0).getTo();
        assertThat(c.leader()).isEqualTo(newLeader);
        assertThat(c.raft(newLeader).term).isEqualTo(2);
        assertThat(c.raft(newLeader).prs.voterIds()).containsExactly(2L, 3L);
        c.propose(newLeader, "b");
        assertThat(applied(c, 2)).containsExactly("a", "b");
        assertThat(applied(c, 3)).containsExactly("a", "b");
    }

    /** A leader removed while no voter is up to date steps down without a hand-over (it could not be safe). */
    @Test
    void removedLeaderWithNoUpToDateVoterJustStepsDown() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        r.step(Fx.appendResp(2, 1, 1, 1));
        r.step(ProposalTest.propose(1, Fx.data("pending")));
        take(r);
        r.applyConfChange(Fx.v2("r1"));
        assertThat(r.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(take(r)).noneMatch(m -> m.getMsgType() == MsgTimeoutNow);
    }

    /** A demoted leader (voter to learner) steps down once the demotion takes effect (on leaving joint). */
    @Test
    void demotedLeaderStepsDown() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        r.step(Fx.appendResp(2, 1, 1, 1));
        take(r);
        r.applyConfChange(ConfChangeV2.newBuilder().setTransition(ConfChangeTransition.Explicit)
                .addAllChanges(dev.raftify.raft.confchange.ConfChanges.parse("l1")).build());
        // Joint: still a voter of the outgoing half, so still leading.
        assertThat(r.state).isEqualTo(StateRole.LEADER);
        take(r);
        r.applyConfChange(ConfChangeV2.getDefaultInstance());
        assertThat(r.isLearner).isTrue();
        assertThat(r.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(r.msgs).extracting(Message::getMsgType, Message::getTo)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MsgTimeoutNow, 2L));
    }

    /** After a change, the leader probes new members at once rather than at the next heartbeat. */
    @Test
    void leaderContactsANewMemberImmediately() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        r.applyConfChange(Fx.v2("v4"));
        assertThat(r.prs.get(4)).isNotNull();
        assertThat(take(r)).extracting(Message::getMsgType, Message::getTo)
                .contains(org.assertj.core.groups.Tuple.tuple(dev.raftify.proto.eraftpb.MessageType.MsgAppend, 4L));
    }

    /** A smaller quorum after a removal may commit at once what was already on enough nodes. */
    @Test
    void removalCanCommitPendingEntries() {
        Raft r = Fx.leader(1, ids(1, 2, 3, 4), CLASSIC);
        r.step(ProposalTest.propose(1, Fx.data("a")));
        Fx.persist(r);
        r.step(Fx.appendResp(2, 1, 1, 2));
        assertThat(r.raftLog.committed()).isZero();
        take(r);
        r.applyConfChange(Fx.v2("r4"));
        assertThat(r.raftLog.committed()).isEqualTo(2);
        // ... and tells the followers.
        assertThat(take(r)).anyMatch(m -> m.getMsgType() == dev.raftify.proto.eraftpb.MessageType.MsgAppend
                && m.getCommit() == 2);
    }
}

package dev.raftify.raft;

import static dev.raftify.proto.eraftpb.MessageType.MsgAppend;
import static dev.raftify.proto.eraftpb.MessageType.MsgAppendResponse;
import static dev.raftify.proto.eraftpb.MessageType.MsgHeartbeat;
import static dev.raftify.proto.eraftpb.MessageType.MsgHeartbeatResponse;
import static dev.raftify.proto.eraftpb.MessageType.MsgHup;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestPreVote;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestPreVoteResponse;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestVote;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestVoteResponse;
import static dev.raftify.raft.Fx.CLASSIC;
import static dev.raftify.raft.Fx.DEFAULTS;
import static dev.raftify.raft.Fx.ids;
import static dev.raftify.raft.Fx.msg;
import static dev.raftify.raft.Fx.step;
import static dev.raftify.raft.Fx.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Terms (Raft paper §5.1): a higher term makes any node a follower of that term; messages of older terms are
 * ignored, or answered so that a stale leader learns the new term and steps down.
 */
class TermRulesTest {

    private static Raft follower() {
        return Fx.raft(1, Fx.storage(ids(1, 2, 3), 2, 0, 0, 1, 2), CLASSIC);
    }

    private static Raft candidate() {
        Raft r = follower();
        step(r, msg(MsgHup, 1, 1, 0));
        take(r);
        return r;
    }

    private static Raft preCandidate() {
        Raft r = Fx.raft(1, Fx.storage(ids(1, 2, 3), 2, 0, 0, 1, 2), b -> b.checkQuorum(false));
        step(r, msg(MsgHup, 1, 1, 0));
        take(r);
        return r;
    }

    private static Raft leader() {
        Raft r = candidate();
        Fx.winElection(r);
        Fx.persist(r);
        take(r);
        return r;
    }

    /** §5.1: "If a server receives a request or response with a higher term, it updates its term and becomes follower." */
    @Test
    void higherTermTurnsEveryRoleIntoAFollowerOfThatTerm() {
        List<Supplier<Raft>> roles = List.of(TermRulesTest::follower, TermRulesTest::preCandidate,
                TermRulesTest::candidate, TermRulesTest::leader);
        for (Supplier<Raft> role : roles) {
            for (MessageType t : List.of(MsgAppend, MsgHeartbeat, MsgAppendResponse, MsgHeartbeatResponse,
                    MsgRequestVoteResponse)) {
                Raft r = role.get();
                StateRole before = r.state;
                step(r, msg(t, 2, 1, 10).setReject(t == MsgRequestVoteResponse));
                assertThat(r.state).as("%s receiving %s", before, t).isEqualTo(StateRole.FOLLOWER);
                assertThat(r.term).isEqualTo(10);
                assertThat(r.vote).isZero();
                // Appends and heartbeats come from the leader of the new term.
                boolean fromLeader = t == MsgAppend || t == MsgHeartbeat;
                assertThat(r.leaderId).as("%s receiving %s", before, t).isEqualTo(fromLeader ? 2 : 0);
            }
        }
    }

    /** Pre-vote traffic never moves terms: requests and grants carry a future term, only a refusal carries a real one. */
    @Test
    void preVoteMessagesDoNotChangeTermsExceptARefusal() {
        Raft r = follower();
        step(r, msg(MsgRequestPreVote, 2, 1, 7).setIndex(0).setLogTerm(0));
        assertThat(r.term).isEqualTo(2);
        assertThat(take(r)).extracting(Message::getMsgType, Message::getTerm, Message::getReject)
                .containsExactly(tuple(MsgRequestPreVoteResponse, 2L, true));

        Raft pc = preCandidate();
        step(pc, msg(MsgRequestPreVoteResponse, 2, 1, 3));
        assertThat(pc.term).isEqualTo(3); // won: now a real candidate of term 3
        assertThat(pc.state).isEqualTo(StateRole.CANDIDATE);

        Raft refused = preCandidate();
        step(refused, msg(MsgRequestPreVoteResponse, 2, 1, 9).setReject(true));
        assertThat(refused.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(refused.term).isEqualTo(9);
    }

    /** §5.1: a request with a stale term is rejected; for plain Raft that means no effect and no answer. */
    @Test
    void staleMessagesAreIgnoredInPlainRaft() {
        for (MessageType t : List.of(MsgAppend, MsgHeartbeat, MsgRequestVote, MsgAppendResponse,
                MsgHeartbeatResponse, MsgRequestVoteResponse)) {
            Raft r = follower();
            step(r, msg(t, 2, 1, 1).setIndex(2).setLogTerm(1).setCommit(2)
                    .addEntries(Fx.entry(3, 1, "stale")));
            assertThat(take(r)).as("%s", t).isEmpty();
            assertThat(r.term).isEqualTo(2);
            assertThat(r.raftLog.lastIndex()).isEqualTo(2);
            assertThat(r.raftLog.committed()).isZero();
            assertThat(r.vote).isZero();
            assertThat(r.leaderId).isZero();
        }
    }

    /** A leader ignores stale acknowledgements: they do not move match indexes or the commit index. */
    @Test
    void leaderIgnoresStaleResponses() {
        Raft r = leader(); // term 3, log [1:1, 2:2, 3:3]
        r.step(Fx.appendResp(2, 1, 2, 3));
        r.step(Fx.appendResp(3, 1, 1, 3));
        assertThat(r.prs.get(2).matchIndex()).isZero();
        assertThat(r.prs.get(3).matchIndex()).isZero();
        assertThat(r.raftLog.committed()).isZero();
        r.step(Fx.appendResp(2, 1, 3, 3));
        assertThat(r.raftLog.committed()).isEqualTo(3);
    }

    /**
     * With check-quorum or pre-vote, a stale append or heartbeat is answered with the current term, because the
     * stale leader cannot learn the term from a vote request any more (thesis §9.6 / etcd).
     */
    @Test
    void staleAppendIsAnsweredWithTheCurrentTermWhenPreVoteOrCheckQuorumIsOn() {
        for (var c : List.<java.util.function.Consumer<RaftConfig.Builder>>of(DEFAULTS,
                b -> b.preVote(false), b -> b.checkQuorum(false))) {
            Raft r = Fx.raft(1, Fx.storage(ids(1, 2, 3), 2, 0, 0, 1, 2), c);
            for (MessageType t : List.of(MsgAppend, MsgHeartbeat)) {
                step(r, msg(t, 2, 1, 1).setIndex(2).setLogTerm(1).addEntries(Fx.entry(3, 1, "x")));
                assertThat(take(r)).extracting(Message::getMsgType, Message::getTo, Message::getTerm,
                        Message::getReject).containsExactly(tuple(MsgAppendResponse, 2L, 2L, false));
                assertThat(r.raftLog.lastIndex()).isEqualTo(2);
            }
        }
    }

    /** §5.1: a stale leader that rejoins learns the new term from any answer and steps down. */
    @Test
    void staleLeaderStepsDownWhenItHearsTheNewTerm() {
        TestCluster c = new TestCluster(21, 1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.isolate(1);
        long newLeader = c.tickUntilLeaderAmong(2, 3);
        assertThat(c.raft(newLeader).term).isEqualTo(2);
        // Node 1 was never ticked: it still believes it leads term 1.
        assertThat(c.raft(1).state).isEqualTo(StateRole.LEADER);
        assertThat(c.raft(1).term).isEqualTo(1);
        c.heal();
        c.tick(1); // heartbeat of term 1
        c.stabilize();
        assertThat(c.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(c.raft(1).term).isEqualTo(2);
        // And it follows the new leader once that one speaks.
        c.tick(newLeader);
        c.stabilize();
        assertThat(c.raft(1).leaderId).isEqualTo(newLeader);
        c.propose(newLeader, "b");
        assertThat(c.node(1).applied.values()).extracting(com.google.protobuf.ByteString::toStringUtf8)
                .containsExactly("a", "b");
    }

    /** A stale pre-vote is refused with the voter's term, so the pre-candidate catches up. */
    @Test
    void stalePreVoteIsRefusedWithTheCurrentTerm() {
        Raft r = follower(); // term 2
        step(r, msg(MsgRequestPreVote, 3, 1, 1).setIndex(9).setLogTerm(9));
        assertThat(take(r)).extracting(Message::getMsgType, Message::getTo, Message::getTerm, Message::getReject)
                .containsExactly(tuple(MsgRequestPreVoteResponse, 3L, 2L, true));
    }
}

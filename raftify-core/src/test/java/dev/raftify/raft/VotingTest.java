package dev.raftify.raft;

import static dev.raftify.proto.eraftpb.MessageType.MsgHup;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestVote;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestVoteResponse;
import static dev.raftify.raft.Fx.CLASSIC;
import static dev.raftify.raft.Fx.ids;
import static dev.raftify.raft.Fx.msg;
import static dev.raftify.raft.Fx.step;
import static dev.raftify.raft.Fx.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.raftify.proto.eraftpb.Message;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.WriteBatch;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Voting (Raft paper §5.2 and §5.4.1): one vote per term, persisted before it is sent, for up-to-date logs only. */
class VotingTest {

    private static Message voteReq(long from, long to, long term, long lastIndex, long lastTerm) {
        return msg(MsgRequestVote, from, to, term).setIndex(lastIndex).setLogTerm(lastTerm).build();
    }

    /** §5.2: each server votes for at most one candidate in a given term, first come first served. */
    @Test
    void atMostOneVotePerTerm() {
        Raft r = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        r.step(voteReq(2, 1, 1, 0, 0));
        assertThat(take(r)).extracting(Message::getMsgType, Message::getTo, Message::getTerm, Message::getReject)
                .containsExactly(tuple(MsgRequestVoteResponse, 2L, 1L, false));
        assertThat(r.vote).isEqualTo(2);

        r.step(voteReq(3, 1, 1, 0, 0));
        assertThat(take(r)).extracting(Message::getTo, Message::getTerm, Message::getReject)
                .containsExactly(tuple(3L, 1L, true));
        assertThat(r.vote).isEqualTo(2);

        // The same candidate asking again (a retransmission) gets the same answer.
        r.step(voteReq(2, 1, 1, 0, 0));
        assertThat(take(r)).extracting(Message::getTo, Message::getReject).containsExactly(tuple(2L, false));

        // A new term frees the vote.
        r.step(voteReq(3, 1, 2, 0, 0));
        assertThat(take(r)).extracting(Message::getTo, Message::getTerm, Message::getReject)
                .containsExactly(tuple(3L, 2L, false));
        assertThat(r.vote).isEqualTo(3);
    }

    /** §5.2: a candidate has voted for itself, so it refuses every other candidate of its term; so does a leader. */
    @Test
    void candidatesAndLeadersRefuseOtherCandidatesOfTheirTerm() {
        Raft cand = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        step(cand, msg(MsgHup, 1, 1, 0));
        take(cand);
        cand.step(voteReq(2, 1, 1, 5, 5));
        assertThat(take(cand)).extracting(Message::getReject).containsExactly(true);
        assertThat(cand.vote).isEqualTo(1);

        Raft leader = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        leader.step(voteReq(2, 1, 1, 5, 5));
        assertThat(take(leader)).extracting(Message::getReject).containsExactly(true);
        assertThat(leader.state).isEqualTo(StateRole.LEADER);
    }

    /** A follower that knows the leader of its term does not vote for anyone else in that term. */
    @Test
    void followerWithAKnownLeaderDoesNotVoteInThatTerm() {
        Raft r = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        step(r, msg(dev.raftify.proto.eraftpb.MessageType.MsgHeartbeat, 2, 1, 1));
        take(r);
        r.step(voteReq(3, 1, 1, 0, 0));
        assertThat(take(r)).extracting(Message::getReject).containsExactly(true);
        assertThat(r.vote).isZero();
    }

    /**
     * §5.2 / Figure 2 ("Persistent state ... updated on stable storage before responding to RPCs"): the vote goes
     * out only in {@code persistedMessages()}, in the same Ready as the hard state that records it.
     */
    @Test
    void voteIsPersistedBeforeItIsSent() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        RawNode n = new RawNode(Fx.cfg(1).preVote(false).checkQuorum(false).build(), s, new Random(1));
        n.step(voteReq(2, 1, 1, 0, 0));
        Ready rd = n.ready();
        assertThat(rd.messages()).isEmpty();
        assertThat(rd.persistedMessages()).extracting(Message::getMsgType, Message::getTo, Message::getReject)
                .containsExactly(tuple(MsgRequestVoteResponse, 2L, false));
        assertThat(rd.hardState().getTerm()).isEqualTo(1);
        assertThat(rd.hardState().getVote()).isEqualTo(2);
        assertThat(rd.mustSync()).isTrue();
        s.write(new WriteBatch(rd.snapshot(), rd.entries(), rd.hardState(), null));
        n.advance(rd);

        // After a crash the persisted vote still binds the node: it refuses another candidate of term 1.
        RawNode restarted = new RawNode(Fx.cfg(1).preVote(false).checkQuorum(false).build(), s, new Random(2));
        restarted.step(voteReq(3, 1, 1, 0, 0));
        Ready rd2 = restarted.ready();
        assertThat(rd2.persistedMessages()).extracting(Message::getTo, Message::getReject)
                .containsExactly(tuple(3L, true));
        assertThat(restarted.raft().vote).isEqualTo(2);
    }

    /** A candidate's own vote for itself is persisted before its vote requests go out. */
    @Test
    void candidateSelfVoteIsPersistedBeforeRequestsGoOut() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        RawNode n = new RawNode(Fx.cfg(1).preVote(false).checkQuorum(false).build(), s, new Random(1));
        n.campaign();
        Ready rd = n.ready();
        assertThat(rd.messages()).isEmpty();
        assertThat(rd.persistedMessages()).extracting(Message::getMsgType).containsExactly(MsgRequestVote,
                MsgRequestVote);
        assertThat(rd.hardState().getVote()).isEqualTo(1);
        assertThat(rd.hardState().getTerm()).isEqualTo(1);
    }

    /** §5.4.1: the voter denies its vote if its own log is more up to date than the candidate's. */
    @Test
    void voteOnlyForCandidatesWithLogsAtLeastAsUpToDate() {
        // Voter log: terms [1, 2, 2] (last index 3, last term 2).
        long[][] cases = {
            // candidate lastIndex, lastTerm, granted(1)/rejected(0)
            {3, 2, 1}, {4, 2, 1}, {2, 2, 0}, {1, 3, 1}, {5, 1, 0}, {0, 0, 0}, {3, 1, 0}, {2, 3, 1},
        };
        for (long[] c : cases) {
            Raft r = Fx.raft(1, Fx.storage(ids(1, 2, 3), 2, 0, 0, 1, 2, 2), CLASSIC);
            r.step(voteReq(2, 1, 3, c[0], c[1]));
            boolean granted = c[2] == 1;
            assertThat(take(r)).as("candidate last (%d, %d)", c[0], c[1])
                    .extracting(Message::getMsgType, Message::getTerm, Message::getReject)
                    .containsExactly(tuple(MsgRequestVoteResponse, 3L, !granted));
            assertThat(r.vote).isEqualTo(granted ? 2 : 0);
            // Either way the higher term was adopted.
            assertThat(r.term).isEqualTo(3);
        }
    }

    /** A rejected vote of a higher term still moves the voter to that term, with its vote free for others. */
    @Test
    void rejectedHigherTermCandidateStillRaisesTheTermButTakesNoVote() {
        Raft r = Fx.raft(1, Fx.storage(ids(1, 2, 3), 1, 0, 0, 1), CLASSIC);
        r.step(voteReq(2, 1, 5, 0, 0));
        assertThat(r.term).isEqualTo(5);
        assertThat(r.vote).isZero();
        take(r);
        r.step(voteReq(3, 1, 5, 1, 1));
        assertThat(take(r)).extracting(Message::getReject).containsExactly(false);
        assertThat(r.vote).isEqualTo(3);
    }

    /** A pre-vote for the voter's current term (not a later one) is refused once it voted for someone else. */
    @Test
    void preVoteForTheCurrentTermRespectsTheVote() {
        Raft r = Fx.raft(1, Fx.storage(ids(1, 2, 3, 4), 2, 3, 0), b -> b.checkQuorum(false));
        r.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgRequestPreVote, 4, 1, 2).setIndex(5).setLogTerm(5)
                .build());
        assertThat(take(r)).extracting(Message::getReject).containsExactly(true);
        r.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgRequestPreVote, 4, 1, 3).setIndex(5).setLogTerm(5)
                .build());
        assertThat(take(r)).extracting(Message::getReject).containsExactly(false);
        assertThat(r.vote).isEqualTo(3);
    }

    /** §5.2: granting a vote resets the election timer (the voter expects the candidate to win). */
    @Test
    void grantingAVoteResetsTheElectionTimer() {
        Raft r = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        for (int i = 0; i < 5; i++) {
            r.tick();
        }
        r.step(voteReq(3, 1, 1, 0, 0));
        assertThat(r.electionElapsed).isZero();
        for (int i = 0; i < 5; i++) {
            r.tick();
        }
        r.step(voteReq(2, 1, 1, 0, 0)); // refused: no reset
        assertThat(r.electionElapsed).isEqualTo(5);
    }

    /** §5.2 Election Safety: at most one leader per term, over many seeded runs with leaders deposed. */
    @Test
    void electionsInClusterElectExactlyOneLeaderPerTerm() {
        for (long seed = 0; seed < 20; seed++) {
            TestCluster c = new TestCluster(seed, CLASSIC, 1, 2, 3, 4, 5);
            java.util.Map<Long, Long> leaderOfTerm = new java.util.HashMap<>();
            for (int i = 0; i < 300; i++) {
                c.tickAll();
                c.stabilize();
                for (TestCluster.Node n : c.nodes.values()) {
                    if (n.raft().state == StateRole.LEADER) {
                        Long prev = leaderOfTerm.putIfAbsent(n.raft().term, n.id);
                        assertThat(prev == null || prev == n.id).as("two leaders in term %d", n.raft().term)
                                .isTrue();
                    }
                }
                if (i % 40 == 39) {
                    // Depose the leader by isolating it for a while.
                    long l = c.leader();
                    if (l != 0) {
                        c.isolate(l);
                    }
                } else if (i % 40 == 20) {
                    c.heal();
                }
            }
            assertThat(leaderOfTerm).isNotEmpty();
        }
    }

    /** Helper check of the fixture: a vote response is always addressed back to the candidate. */
    @Test
    void voteResponsesGoBackToTheCandidate() {
        Raft r = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        r.step(voteReq(3, 1, 1, 0, 0));
        List<Message> out = take(r);
        assertThat(out).singleElement().satisfies(m -> {
            assertThat(m.getFrom()).isEqualTo(1);
            assertThat(m.getTo()).isEqualTo(3);
        });
    }
}

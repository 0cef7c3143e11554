package dev.raftify.raft;

import static dev.raftify.proto.eraftpb.MessageType.MsgAppend;
import static dev.raftify.proto.eraftpb.MessageType.MsgHeartbeat;
import static dev.raftify.proto.eraftpb.MessageType.MsgHup;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestPreVote;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestPreVoteResponse;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestVote;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestVoteResponse;
import static dev.raftify.proto.eraftpb.MessageType.MsgSnapshot;
import static dev.raftify.raft.Fx.CLASSIC;
import static dev.raftify.raft.Fx.DEFAULTS;
import static dev.raftify.raft.Fx.ids;
import static dev.raftify.raft.Fx.msg;
import static dev.raftify.raft.Fx.step;
import static dev.raftify.raft.Fx.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.storage.MemStorage;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Leader election (Raft paper §5.2; thesis §3.4, §4.2.3 and §9.6): roles, the randomized election timeout,
 * heartbeats, winning and losing elections, pre-vote and check-quorum.
 */
class ElectionTest {

    // ---------------------------------------------------------------- §5.2: timeouts and roles

    /** §5.2: a follower that hears nothing for its election timeout becomes a candidate: term+1, votes itself. */
    @Test
    void followerCampaignsExactlyWhenItsRandomizedTimeoutElapses() {
        Raft r = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        int timeout = r.randomizedElectionTimeout;
        for (int i = 0; i < timeout - 1; i++) {
            r.tick();
        }
        assertThat(r.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(take(r)).isEmpty();
        r.tick();
        assertThat(r.state).isEqualTo(StateRole.CANDIDATE);
        assertThat(r.term).isEqualTo(1);
        assertThat(r.vote).isEqualTo(1);
        // Vote requests promise a persisted self-vote: they wait for the Ready to be persisted.
        assertThat(r.msgs).isEmpty();
        assertThat(r.msgsAfterPersist).extracting(Message::getMsgType, Message::getTo, Message::getTerm)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(MsgRequestVote, 2L, 1L),
                        org.assertj.core.groups.Tuple.tuple(MsgRequestVote, 3L, 1L));
    }

    /** §5.2: election timeouts are chosen at random from [electionTick, 2 * electionTick). */
    @Test
    void randomizedElectionTimeoutCoversExactlyElectionTickToTwiceElectionTick() {
        TreeSet<Integer> seen = new TreeSet<>();
        for (long seed = 0; seed < 300; seed++) {
            Raft r = new Raft(Fx.cfg(1).build(), MemStorage.withVoters(1, 2, 3), new Random(seed));
            seen.add(r.randomizedElectionTimeout);
        }
        assertThat(seen).containsExactly(10, 11, 12, 13, 14, 15, 16, 17, 18, 19);

        seen.clear();
        Raft r = new Raft(Fx.cfg(1).minElectionTick(12).maxElectionTick(15).build(),
                MemStorage.withVoters(1, 2, 3), new Random(7));
        for (int i = 0; i < 200; i++) {
            r.resetRandomizedElectionTimeout();
            seen.add(r.randomizedElectionTimeout);
        }
        assertThat(seen).containsExactly(12, 13, 14);
    }

    /** §5.2: each new term draws a new timeout (so repeated split votes are unlikely). */
    @Test
    void everyTermChangeRedrawsTheTimeout() {
        Raft r = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        TreeSet<Integer> seen = new TreeSet<>();
        for (int t = 1; t <= 50; t++) {
            r.becomeFollower(t, 2);
            seen.add(r.randomizedElectionTimeout);
            assertThat(r.electionElapsed).isZero();
        }
        assertThat(seen.size()).isGreaterThan(5);
        assertThat(seen.first()).isGreaterThanOrEqualTo(10);
        assertThat(seen.last()).isLessThan(20);
    }

    /** §5.2: a candidate with votes from a majority becomes leader; fewer is not enough (5 and 4 voters). */
    @Test
    void candidateNeedsExactlyAMajorityOfVotes() {
        Raft five = Fx.raft(1, ids(1, 2, 3, 4, 5), CLASSIC);
        step(five, msg(MsgHup, 1, 1, 0));
        step(five, msg(MsgRequestVoteResponse, 2, 1, 1));
        assertThat(five.state).isEqualTo(StateRole.CANDIDATE);
        step(five, msg(MsgRequestVoteResponse, 3, 1, 1));
        assertThat(five.state).isEqualTo(StateRole.LEADER);
        assertThat(five.leaderId).isEqualTo(1);

        Raft four = Fx.raft(1, ids(1, 2, 3, 4), CLASSIC);
        step(four, msg(MsgHup, 1, 1, 0));
        step(four, msg(MsgRequestVoteResponse, 2, 1, 1));
        assertThat(four.state).isEqualTo(StateRole.CANDIDATE);
        step(four, msg(MsgRequestVoteResponse, 3, 1, 1));
        assertThat(four.state).isEqualTo(StateRole.LEADER);

        Raft three = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        step(three, msg(MsgHup, 1, 1, 0));
        step(three, msg(MsgRequestVoteResponse, 3, 1, 1));
        assertThat(three.state).isEqualTo(StateRole.LEADER);
    }

    /** A repeated grant from the same voter is one vote, not two. */
    @Test
    void duplicateGrantsFromOneVoterCountOnce() {
        Raft r = Fx.raft(1, ids(1, 2, 3, 4, 5), CLASSIC);
        step(r, msg(MsgHup, 1, 1, 0));
        step(r, msg(MsgRequestVoteResponse, 2, 1, 1));
        step(r, msg(MsgRequestVoteResponse, 2, 1, 1));
        step(r, msg(MsgRequestVoteResponse, 2, 1, 1));
        assertThat(r.state).isEqualTo(StateRole.CANDIDATE);
    }

    /** Votes from nodes outside the configuration do not count. */
    @Test
    void votesFromNonMembersDoNotCount() {
        Raft r = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        step(r, msg(MsgHup, 1, 1, 0));
        step(r, msg(MsgRequestVoteResponse, 9, 1, 1));
        assertThat(r.state).isEqualTo(StateRole.CANDIDATE);
    }

    /** §5.2: a candidate rejected by a majority goes back to follower in the same term. */
    @Test
    void candidateRejectedByAMajorityBecomesFollower() {
        Raft r = Fx.raft(1, ids(1, 2, 3, 4, 5), CLASSIC);
        step(r, msg(MsgHup, 1, 1, 0));
        step(r, msg(MsgRequestVoteResponse, 2, 1, 1).setReject(true));
        step(r, msg(MsgRequestVoteResponse, 3, 1, 1).setReject(true));
        assertThat(r.state).isEqualTo(StateRole.CANDIDATE);
        step(r, msg(MsgRequestVoteResponse, 4, 1, 1).setReject(true));
        assertThat(r.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(r.term).isEqualTo(1);
        assertThat(r.vote).isEqualTo(1);
    }

    /** §5.2: with a split vote the candidate times out and starts a new election in the next term. */
    @Test
    void splitVoteStartsANewElectionInTheNextTerm() {
        Raft r = Fx.raft(1, ids(1, 2, 3, 4), CLASSIC);
        step(r, msg(MsgHup, 1, 1, 0));
        step(r, msg(MsgRequestVoteResponse, 2, 1, 1));
        step(r, msg(MsgRequestVoteResponse, 3, 1, 1).setReject(true));
        step(r, msg(MsgRequestVoteResponse, 4, 1, 1).setReject(true));
        // 2 of 4 granted and 2 rejected: a majority (3) is out of reach, the election is lost.
        assertThat(r.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(r.term).isEqualTo(1);
        take(r);

        Raft c = Fx.raft(1, ids(1, 2, 3, 4), CLASSIC);
        step(c, msg(MsgHup, 1, 1, 0));
        step(c, msg(MsgRequestVoteResponse, 2, 1, 1));
        step(c, msg(MsgRequestVoteResponse, 3, 1, 1).setReject(true));
        assertThat(c.state).isEqualTo(StateRole.CANDIDATE);
        take(c);
        int timeout = c.randomizedElectionTimeout;
        for (int i = 0; i < timeout; i++) {
            c.tick();
        }
        assertThat(c.state).isEqualTo(StateRole.CANDIDATE);
        assertThat(c.term).isEqualTo(2);
        assertThat(take(c, MsgRequestVote)).hasSize(3).allMatch(m -> m.getTerm() == 2);
    }

    /** §5.2: a candidate that hears from a leader of its term (append, heartbeat or snapshot) becomes follower. */
    @Test
    void candidateStepsDownForALeaderOfItsTerm() {
        for (MessageType t : List.of(MsgAppend, MsgHeartbeat)) {
            Raft r = Fx.raft(1, ids(1, 2, 3), CLASSIC);
            step(r, msg(MsgHup, 1, 1, 0));
            assertThat(r.state).isEqualTo(StateRole.CANDIDATE);
            step(r, msg(t, 2, 1, 1));
            assertThat(r.state).as("%s", t).isEqualTo(StateRole.FOLLOWER);
            assertThat(r.leaderId).isEqualTo(2);
            assertThat(r.term).isEqualTo(1);
        }
        Raft r = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        step(r, msg(MsgHup, 1, 1, 0));
        step(r, msg(MsgSnapshot, 2, 1, 1).setSnapshot(Fx.snapshot(5, 1, 1, 2, 3)));
        assertThat(r.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(r.leaderId).isEqualTo(2);
        assertThat(r.raftLog.committed()).isEqualTo(5);
    }

    /** A candidate that steps down for the leader also handles its message: appends, answers, learns the commit. */
    @Test
    void candidateHandlesTheLeadersMessageAfterSteppingDown() {
        Raft r = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        step(r, msg(MsgHup, 1, 1, 0));
        take(r);
        step(r, msg(MsgAppend, 2, 1, 1).setIndex(0).setLogTerm(0).setCommit(1).addAllEntries(Fx.entries(1, 1)));
        assertThat(r.raftLog.lastIndex()).isEqualTo(1);
        assertThat(r.raftLog.committed()).isEqualTo(1);
        assertThat(take(r)).extracting(Message::getMsgType, Message::getIndex)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MessageType.MsgAppendResponse, 1L));

        Raft h = Fx.raft(1, Fx.storage(ids(1, 2, 3), 0, 0, 0, 1, 1), CLASSIC);
        step(h, msg(MsgHup, 1, 1, 0));
        take(h);
        step(h, msg(MsgHeartbeat, 2, 1, 1).setCommit(2));
        assertThat(h.raftLog.committed()).isEqualTo(2);
        assertThat(take(h)).extracting(Message::getMsgType).containsExactly(MessageType.MsgHeartbeatResponse);
    }

    /** Votes belong to one election: grants from an earlier (pre-)vote round do not count in the next. */
    @Test
    void votesDoNotCarryOverToTheNextRound() {
        Raft r = Fx.raft(1, ids(1, 2, 3, 4, 5), b -> b.checkQuorum(false));
        step(r, msg(MsgHup, 1, 1, 0));
        step(r, msg(MsgRequestPreVoteResponse, 2, 1, 1));
        assertThat(r.state).isEqualTo(StateRole.PRE_CANDIDATE);
        step(r, msg(MsgHup, 1, 1, 0)); // a new pre-vote round (as after a timeout)
        step(r, msg(MsgRequestPreVoteResponse, 3, 1, 1));
        assertThat(r.state).as("only 1 and 3 granted in this round").isEqualTo(StateRole.PRE_CANDIDATE);
        step(r, msg(MsgRequestPreVoteResponse, 4, 1, 1));
        assertThat(r.state).isEqualTo(StateRole.CANDIDATE);
    }

    /** A new leader starts its heartbeat and check-quorum clocks from zero, whatever it counted as candidate. */
    @Test
    void newLeaderStartsItsClocksFromZero() {
        Raft r = Fx.raft(1, ids(1, 2, 3), DEFAULTS);
        step(r, msg(MsgHup, 1, 1, 0));
        step(r, msg(MsgRequestPreVoteResponse, 2, 1, 1));
        for (int i = 0; i < 7; i++) {
            r.tick(); // as candidate: elapsed 7 of at least 10
        }
        assertThat(r.state).isEqualTo(StateRole.CANDIDATE);
        step(r, msg(MsgRequestVoteResponse, 2, 1, 1));
        assertThat(r.state).isEqualTo(StateRole.LEADER);
        assertThat(r.electionElapsed).isZero();
        assertThat(r.heartbeatElapsed).isZero();
        for (int i = 0; i < 9; i++) {
            r.tick();
        }
        assertThat(r.state).isEqualTo(StateRole.LEADER);
        r.tick();
        assertThat(r.state).as("no follower answered within electionTick").isEqualTo(StateRole.FOLLOWER);
    }

    /** Only the legal role transitions exist: a follower never jumps to leader, a leader never to candidate. */
    @Test
    void illegalRoleTransitionsAreRefused() {
        Raft f = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        assertThatThrownBy(f::becomeLeader).isInstanceOf(IllegalStateException.class);
        Raft l = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        assertThatThrownBy(l::becomeCandidate).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(l::becomePreCandidate).isInstanceOf(IllegalStateException.class);
        // A leader ignores MsgHup.
        step(l, msg(MsgHup, 1, 1, 0));
        assertThat(l.state).isEqualTo(StateRole.LEADER);
        assertThat(l.term).isEqualTo(1);
    }

    /** §5.2 / §5.4.2: a new leader appends an empty entry of its term and sends it to every follower. */
    @Test
    void newLeaderAppendsAnEmptyEntryOfItsTermAndBroadcastsIt() {
        Raft r = Fx.raft(1, Fx.storage(ids(1, 2, 3), 2, 0, 0, 1, 2), CLASSIC);
        step(r, msg(MsgHup, 1, 1, 0));
        take(r);
        step(r, msg(MsgRequestVoteResponse, 2, 1, 3));
        assertThat(r.state).isEqualTo(StateRole.LEADER);
        assertThat(r.raftLog.lastIndex()).isEqualTo(3);
        Entry last = r.raftLog.entries(3, Long.MAX_VALUE).get(0);
        assertThat(last.getTerm()).isEqualTo(3);
        assertThat(last.getData().isEmpty()).isTrue();
        assertThat(last.getEntryType()).isEqualTo(EntryType.EntryNormal);
        // Sent before the leader persists it (thesis §10.2.1): in msgs, not msgsAfterPersist.
        assertThat(r.msgs).extracting(Message::getMsgType, Message::getTo, Message::getIndex, Message::getLogTerm)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(MsgAppend, 2L, 2L, 2L),
                        org.assertj.core.groups.Tuple.tuple(MsgAppend, 3L, 2L, 2L));
        assertThat(r.msgs.get(0).getEntriesList()).containsExactly(last);
    }

    /** A single voter elects itself at once. */
    @Test
    void singleVoterBecomesLeaderOnCampaign() {
        for (var c : List.of(CLASSIC, DEFAULTS)) {
            Raft r = Fx.raft(1, ids(1), c);
            step(r, msg(MsgHup, 1, 1, 0));
            assertThat(r.state).isEqualTo(StateRole.LEADER);
            assertThat(r.term).isEqualTo(1);
            assertThat(r.vote).isEqualTo(1);
            assertThat(take(r)).isEmpty();
        }
    }

    // ---------------------------------------------------------------- heartbeats

    /** §5.2: a leader sends heartbeats every heartbeatTick, carrying min(match, commit) as commit index. */
    @Test
    void leaderSendsHeartbeatsEveryHeartbeatTick() {
        Raft r = Fx.leader(1, ids(1, 2, 3), b -> b.preVote(false).checkQuorum(false).heartbeatTick(3));
        r.step(Fx.appendResp(2, 1, 1, 1));
        take(r);
        assertThat(r.raftLog.committed()).isEqualTo(1);
        r.tick();
        r.tick();
        assertThat(take(r, MsgHeartbeat)).isEmpty();
        r.tick();
        List<Message> hb = r.msgs.stream().filter(m -> m.getMsgType() == MsgHeartbeat).toList();
        assertThat(hb).extracting(Message::getTo, Message::getTerm, Message::getCommit)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, 1L, 1L),
                        org.assertj.core.groups.Tuple.tuple(3L, 1L, 0L));
        take(r);
        for (int i = 0; i < 3; i++) {
            r.tick();
        }
        assertThat(take(r, MsgHeartbeat)).hasSize(2);
    }

    /** §5.2: a follower that keeps hearing heartbeats never starts an election. */
    @Test
    void heartbeatsKeepFollowersFromCampaigning() {
        Raft r = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        step(r, msg(MsgHeartbeat, 2, 1, 1));
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < r.randomizedElectionTimeout - 1; i++) {
                r.tick();
            }
            step(r, msg(MsgHeartbeat, 2, 1, 1));
        }
        assertThat(r.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(r.term).isEqualTo(1);
        assertThat(r.leaderId).isEqualTo(2);
    }

    // ---------------------------------------------------------------- who may campaign

    /** A node that is not in the configuration never campaigns, whatever the ticks or MsgHup. */
    @Test
    void nodeOutsideTheConfigurationNeverCampaigns() {
        Raft r = Fx.raft(4, ids(1, 2, 3), CLASSIC);
        for (int i = 0; i < 100; i++) {
            r.tick();
        }
        step(r, msg(MsgHup, 4, 4, 0));
        assertThat(r.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(r.term).isZero();
        assertThat(take(r)).isEmpty();
        assertThat(r.promotable()).isFalse();
    }

    /** A committed but unapplied membership change may change who votes: no campaign until it is applied. */
    @Test
    void noCampaignWhileACommittedConfChangeIsUnapplied() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        s.append(List.of(Fx.entries(1, 1).get(0),
                ConfChangeCodec.encode(Fx.v2("v4")).toBuilder().setIndex(2).setTerm(1).build()));
        s.setHardState(dev.raftify.proto.eraftpb.HardState.newBuilder().setTerm(1).setCommit(2).build());
        Raft r = Fx.raft(1, s, CLASSIC);
        step(r, msg(MsgHup, 1, 1, 0));
        for (int i = 0; i < 50; i++) {
            r.tick();
        }
        assertThat(r.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(r.term).isEqualTo(1);
        assertThat(take(r)).isEmpty();

        r.raftLog.appliedTo(2);
        step(r, msg(MsgHup, 1, 1, 0));
        assertThat(r.state).isEqualTo(StateRole.CANDIDATE);
        assertThat(r.term).isEqualTo(2);
    }

    // ---------------------------------------------------------------- pre-vote (thesis §9.6)

    /** Pre-vote: the pre-candidate asks for votes for term+1 but changes neither its term nor its vote. */
    @Test
    void preCandidateDoesNotRaiseItsTerm() {
        Raft r = Fx.raft(1, Fx.storage(ids(1, 2, 3), 4, 3, 0, 1, 4), DEFAULTS);
        for (int i = 0; i < r.randomizedElectionTimeout; i++) {
            r.tick();
        }
        assertThat(r.state).isEqualTo(StateRole.PRE_CANDIDATE);
        assertThat(r.term).isEqualTo(4);
        assertThat(r.vote).isEqualTo(3);
        assertThat(r.hardState().getTerm()).isEqualTo(4);
        assertThat(take(r)).extracting(Message::getMsgType, Message::getTo, Message::getTerm, Message::getIndex,
                Message::getLogTerm).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(MsgRequestPreVote, 2L, 5L, 2L, 4L),
                        org.assertj.core.groups.Tuple.tuple(MsgRequestPreVote, 3L, 5L, 2L, 4L));
    }

    /** Pre-vote: a won pre-vote round starts the real election; a lost one leaves the term untouched. */
    @Test
    void preVoteWinLeadsToARealElectionAndLossToNothing() {
        Raft won = Fx.raft(1, ids(1, 2, 3), DEFAULTS);
        step(won, msg(MsgHup, 1, 1, 0));
        take(won);
        step(won, msg(MsgRequestPreVoteResponse, 2, 1, 1));
        assertThat(won.state).isEqualTo(StateRole.CANDIDATE);
        assertThat(won.term).isEqualTo(1);
        assertThat(take(won)).extracting(Message::getMsgType).containsExactly(MsgRequestVote, MsgRequestVote);

        Raft lost = Fx.raft(1, ids(1, 2, 3), DEFAULTS);
        step(lost, msg(MsgHup, 1, 1, 0));
        step(lost, msg(MsgRequestPreVoteResponse, 2, 1, 0).setReject(true));
        step(lost, msg(MsgRequestPreVoteResponse, 3, 1, 0).setReject(true));
        assertThat(lost.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(lost.term).isZero();
    }

    /** Pre-vote: granting a pre-vote changes neither the voter's term nor its vote. */
    @Test
    void grantingAPreVoteChangesNothingOnTheVoter() {
        Raft r = Fx.raft(2, Fx.storage(ids(1, 2, 3), 1, 1, 0, 1), DEFAULTS);
        step(r, msg(MsgRequestPreVote, 3, 2, 2).setIndex(1).setLogTerm(1));
        List<Message> out = take(r);
        assertThat(out).extracting(Message::getMsgType, Message::getTerm, Message::getReject)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MsgRequestPreVoteResponse, 2L, false));
        assertThat(r.term).isEqualTo(1);
        assertThat(r.vote).isEqualTo(1);
        // A pre-candidate with a shorter log is refused, with the voter's own term.
        step(r, msg(MsgRequestPreVote, 3, 2, 2).setIndex(0).setLogTerm(0));
        assertThat(take(r)).extracting(Message::getMsgType, Message::getTerm, Message::getReject)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MsgRequestPreVoteResponse, 1L, true));
    }

    /** Pre-vote (thesis §9.6): a partitioned node that rejoins does not disrupt the cluster or raise terms. */
    @Test
    void partitionedNodeRejoiningWithPreVoteDoesNotDisrupt() {
        TestCluster c = new TestCluster(11, 1, 2, 3);
        c.campaign(1);
        c.isolate(3);
        for (int i = 0; i < 200; i++) {
            c.tick(3);
            c.stabilize();
        }
        assertThat(c.raft(3).term).isEqualTo(1);
        assertThat(c.raft(3).state).isEqualTo(StateRole.PRE_CANDIDATE);
        c.heal();
        for (int i = 0; i < 30; i++) {
            c.tickAll();
            c.stabilize();
        }
        assertThat(c.leader()).isEqualTo(1);
        for (long id = 1; id <= 3; id++) {
            assertThat(c.raft(id).term).isEqualTo(1);
        }
        assertThat(c.raft(3).state).isEqualTo(StateRole.FOLLOWER);
        assertThat(c.raft(3).leaderId).isEqualTo(1);
    }

    /** Pre-vote is switchable: without it (and without check-quorum) the rejoining node forces a new term. */
    @Test
    void withoutPreVoteARejoiningNodeDisruptsTheLeader() {
        TestCluster c = new TestCluster(11, CLASSIC, 1, 2, 3);
        c.campaign(1);
        c.isolate(3);
        for (int i = 0; i < 50; i++) {
            c.tick(3);
            c.stabilize();
        }
        long partitionedTerm = c.raft(3).term;
        assertThat(partitionedTerm).isGreaterThan(2);
        c.heal();
        for (int i = 0; i < 20; i++) {
            c.tick(3);
            c.stabilize();
        }
        // Its higher term deposes leader 1.
        assertThat(c.raft(1).term).isGreaterThanOrEqualTo(partitionedTerm);
        assertThat(c.raft(1).state).isNotEqualTo(StateRole.LEADER);
    }

    // ---------------------------------------------------------------- check-quorum (thesis §6.2)

    /** Check-quorum: a leader that hears from no quorum within an election timeout steps down (same term). */
    @Test
    void leaderWithoutQuorumContactStepsDown() {
        Raft r = Fx.leader(1, ids(1, 2, 3), DEFAULTS);
        for (int i = 0; i < 9; i++) {
            r.tick();
        }
        assertThat(r.state).isEqualTo(StateRole.LEADER);
        r.tick();
        assertThat(r.state).isEqualTo(StateRole.FOLLOWER);
        assertThat(r.term).isEqualTo(1);
        assertThat(r.leaderId).isEqualTo(Raft.NONE);
    }

    /** Check-quorum: one active follower (with the leader, a quorum of 3) keeps it leading, round after round. */
    @Test
    void leaderWithQuorumContactKeepsLeading() {
        Raft r = Fx.leader(1, ids(1, 2, 3, 4, 5), DEFAULTS);
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 10; i++) {
                step(r, msg(MessageType.MsgHeartbeatResponse, 2, 1, 1));
                step(r, msg(MessageType.MsgHeartbeatResponse, 3, 1, 1));
                r.tick();
            }
            assertThat(r.state).isEqualTo(StateRole.LEADER);
        }
        // Only one follower answering: 2 of 5 is no quorum; the next check (10 ticks on) deposes the leader.
        for (int i = 0; i < 9; i++) {
            step(r, msg(MessageType.MsgHeartbeatResponse, 2, 1, 1));
            r.tick();
        }
        assertThat(r.state).isEqualTo(StateRole.LEADER);
        step(r, msg(MessageType.MsgHeartbeatResponse, 2, 1, 1));
        r.tick();
        assertThat(r.state).isEqualTo(StateRole.FOLLOWER);
    }

    /** Check-quorum is switchable: without it a leader keeps leading alone. */
    @Test
    void withoutCheckQuorumAnIsolatedLeaderStaysLeader() {
        Raft r = Fx.leader(1, ids(1, 2, 3), b -> b.checkQuorum(false));
        for (int i = 0; i < 100; i++) {
            r.tick();
        }
        assertThat(r.state).isEqualTo(StateRole.LEADER);
    }

    /** Cluster view: the isolated leader steps down; the majority side elects a new one in a later term. */
    @Test
    void isolatedLeaderStepsDownAndTheMajorityElectsAnother() {
        TestCluster c = new TestCluster(12, 1, 2, 3);
        c.campaign(1);
        c.isolate(1);
        // The first check still sees the followers' answers to the election; the second sees none.
        for (int i = 0; i < 10; i++) {
            c.tick(1);
        }
        assertThat(c.raft(1).state).isEqualTo(StateRole.LEADER);
        for (int i = 0; i < 10; i++) {
            c.tick(1);
        }
        assertThat(c.raft(1).state).isEqualTo(StateRole.FOLLOWER);
        long leader = c.tickUntilLeaderAmong(2, 3);
        assertThat(c.raft(leader).term).isEqualTo(2);
    }

    /** Lease (thesis §4.2.3): while a follower knows a leader, it ignores vote requests of higher terms. */
    @Test
    void votesAreIgnoredWhileALeaderIsKnown() {
        Raft r = Fx.raft(2, ids(1, 2, 3), DEFAULTS);
        step(r, msg(MsgHeartbeat, 1, 2, 1));
        take(r);
        for (MessageType t : List.of(MsgRequestVote, MsgRequestPreVote)) {
            step(r, msg(t, 3, 2, 2).setIndex(5).setLogTerm(1));
            assertThat(take(r)).as("%s", t).isEmpty();
            assertThat(r.term).isEqualTo(1);
            assertThat(r.leaderId).isEqualTo(1);
        }
        // Lease over: votes again.
        r.electionElapsed = 10;
        step(r, msg(MsgRequestVote, 3, 2, 2).setIndex(5).setLogTerm(1));
        assertThat(r.term).isEqualTo(2);
        assertThat(r.vote).isEqualTo(3);
        assertThat(take(r)).extracting(Message::getMsgType, Message::getReject)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(MsgRequestVoteResponse, false));
    }

    /** The lease belongs to check-quorum: without it, a vote request in the lease is answered. */
    @Test
    void withoutCheckQuorumThereIsNoLease() {
        Raft r = Fx.raft(2, ids(1, 2, 3), b -> b.checkQuorum(false));
        step(r, msg(MsgHeartbeat, 1, 2, 1));
        take(r);
        step(r, msg(MsgRequestVote, 3, 2, 2).setIndex(5).setLogTerm(1));
        assertThat(r.term).isEqualTo(2);
        assertThat(r.vote).isEqualTo(3);
    }

    /** A leader-transfer campaign is not disruptive: voters in a lease still answer it. */
    @Test
    void transferCampaignBypassesTheLease() {
        Raft r = Fx.raft(2, ids(1, 2, 3), DEFAULTS);
        step(r, msg(MsgHeartbeat, 1, 2, 1));
        take(r);
        step(r, msg(MsgRequestVote, 3, 2, 2).setIndex(5).setLogTerm(1).setContext(Raft.CAMPAIGN_TRANSFER));
        assertThat(r.term).isEqualTo(2);
        assertThat(r.vote).isEqualTo(3);
    }

    /** Defaults: pre-vote and check-quorum are on. */
    @Test
    void preVoteAndCheckQuorumAreOnByDefault() {
        RaftConfig cfg = RaftConfig.builder(1).build();
        assertThat(cfg.preVote()).isTrue();
        assertThat(cfg.checkQuorum()).isTrue();
    }
}

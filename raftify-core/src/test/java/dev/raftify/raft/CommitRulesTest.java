package dev.raftify.raft;

import static dev.raftify.proto.eraftpb.MessageType.MsgAppend;
import static dev.raftify.proto.eraftpb.MessageType.MsgPropose;
import static dev.raftify.raft.Fx.CLASSIC;
import static dev.raftify.raft.Fx.ids;
import static dev.raftify.raft.Fx.msg;
import static dev.raftify.raft.Fx.take;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Message;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Commitment (Raft paper §5.3, §5.4.2 and Figure 8; Leader Completeness §5.4.3): an entry is committed once a
 * quorum stores it, and a leader counts replicas only for entries of its own term.
 */
class CommitRulesTest {

    /** Figure 8 runs with the plain protocol (no pre-vote, no check-quorum) and one entry per append. */
    private static final Consumer<RaftConfig.Builder> FIG8 = b -> b.preVote(false).checkQuorum(false)
            .maxSizePerMsg(1);

    private static void propose(Raft r, String d) {
        r.step(msg(MsgPropose, r.id, r.id, 0).addEntries(Fx.data(d)).build());
    }

    /** §5.3: an entry is committed when a majority of voters stores it (5 voters: 3; 4 voters: 3). */
    @Test
    void commitNeedsAMajorityOfMatchIndexes() {
        Raft five = Fx.leader(1, ids(1, 2, 3, 4, 5), CLASSIC);
        propose(five, "a");
        Fx.persist(five); // leader holds [1, 2]
        five.step(Fx.appendResp(2, 1, 1, 2));
        assertThat(five.raftLog.committed()).isZero();
        five.step(Fx.appendResp(3, 1, 1, 1));
        assertThat(five.raftLog.committed()).isEqualTo(1);
        five.step(Fx.appendResp(4, 1, 1, 2));
        assertThat(five.raftLog.committed()).isEqualTo(2);

        Raft four = Fx.leader(1, ids(1, 2, 3, 4), CLASSIC);
        four.step(Fx.appendResp(2, 1, 1, 1));
        assertThat(four.raftLog.committed()).isZero();
        four.step(Fx.appendResp(3, 1, 1, 1));
        assertThat(four.raftLog.committed()).isEqualTo(1);

        Raft three = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        three.step(Fx.appendResp(3, 1, 1, 1));
        assertThat(three.raftLog.committed()).isEqualTo(1);
    }

    /** The commit index is the highest index stored on a quorum, not the lowest or the leader's. */
    @Test
    void commitIndexIsTheQuorumIndex() {
        Raft r = Fx.leader(1, ids(1, 2, 3, 4, 5), CLASSIC);
        for (int i = 0; i < 5; i++) {
            propose(r, "e" + i);
        }
        Fx.persist(r); // leader holds [1..6]
        r.step(Fx.appendResp(2, 1, 1, 5));
        r.step(Fx.appendResp(3, 1, 1, 3));
        r.step(Fx.appendResp(4, 1, 1, 2));
        // matches: 6, 5, 3, 2, 0 -> the third highest is 3.
        assertThat(r.raftLog.committed()).isEqualTo(3);
        r.step(Fx.appendResp(5, 1, 1, 6));
        // 6, 6, 5, 3, 2 -> 5.
        assertThat(r.raftLog.committed()).isEqualTo(5);
    }

    /** The commit index never moves backwards, whatever the acknowledgements. */
    @Test
    void commitIndexNeverDecreases() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        propose(r, "a");
        Fx.persist(r);
        r.step(Fx.appendResp(2, 1, 1, 2));
        assertThat(r.raftLog.committed()).isEqualTo(2);
        r.step(Fx.appendResp(3, 1, 1, 1));
        r.step(Fx.appendResp(2, 1, 1, 1));
        assertThat(r.raftLog.committed()).isEqualTo(2);
    }

    /**
     * §5.4.2: "Raft never commits log entries from previous terms by counting replicas." A leader of term 3 whose
     * term-2 entry is on a majority does not commit it; once its own term-3 entry is on a majority, both are.
     */
    @Test
    void leaderDoesNotCommitOldTermEntriesByCounting() {
        Raft r = Fx.raft(1, Fx.storage(ids(1, 2, 3, 4, 5), 2, 0, 1, 1, 2), CLASSIC);
        r.becomeCandidate();
        Fx.winElection(r); // term 3, empty entry at 3
        Fx.persist(r);
        take(r);
        assertThat(r.term).isEqualTo(3);
        r.step(Fx.appendResp(2, 1, 3, 2));
        r.step(Fx.appendResp(3, 1, 3, 2));
        r.step(Fx.appendResp(4, 1, 3, 2));
        assertThat(r.raftLog.committed()).as("entry 2 (term 2) is on 4 of 5 voters").isEqualTo(1);
        r.step(Fx.appendResp(2, 1, 3, 3));
        assertThat(r.raftLog.committed()).isEqualTo(1);
        r.step(Fx.appendResp(3, 1, 3, 3));
        assertThat(r.raftLog.committed()).as("entry 3 (term 3) on a majority commits 2 as well").isEqualTo(3);
    }

    /** A leader counts only voters: acknowledgements from non-members do not commit anything. */
    @Test
    void acknowledgementsOfNonMembersDoNotCount() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        r.step(Fx.appendResp(7, 1, 1, 1));
        r.step(Fx.appendResp(8, 1, 1, 1));
        assertThat(r.raftLog.committed()).isZero();
    }

    // ---------------------------------------------------------------- Figure 8, step by step

    private static boolean carriesTerm(Message m, long term) {
        return m.getEntriesList().stream().anyMatch(e -> e.getTerm() == term);
    }

    /**
     * Figure 8 (a)-(c): S1 leads term 1 and replicates index 2 only to S2; S5 wins term 2 with S3, S4 and writes
     * its own index 2; S1 comes back and wins term 3, and copies its index 2 (term 1) to S3 and S4 while its
     * term-3 entry reaches nobody. Index 2 is then on four of five servers, yet must not be committed.
     */
    private static TestCluster figure8UpToC() {
        TestCluster c = new TestCluster(81, FIG8, 1, 2, 3, 4, 5);
        c.campaign(1);
        assertThat(c.raft(1).raftLog.committed()).isEqualTo(1);

        // (a) S1 (term 1) replicates index 2 to S2 only.
        c.dropIf(m -> m.getFrom() == 1 && m.getTo() >= 3);
        c.propose(1, "x");
        assertThat(c.raft(1).raftLog.committed()).isEqualTo(1);
        assertThat(c.raft(2).raftLog.lastIndex()).isEqualTo(2);
        assertThat(c.raft(3).raftLog.lastIndex()).isEqualTo(1);

        // (b) S1 crashes; S5 is elected for term 2 by S3, S4 (and itself); its entry at index 2 reaches nobody.
        c.crash(1);
        c.heal();
        c.dropIf(m -> m.getFrom() == 5 && m.getMsgType() == MsgAppend);
        c.campaign(5);
        assertThat(c.raft(5).state).isEqualTo(StateRole.LEADER);
        assertThat(c.raft(5).term).isEqualTo(2);
        assertThat(c.raft(5).raftLog.termOrZero(2)).isEqualTo(2);
        assertThat(c.raft(2).vote).as("S2's log is more up to date than S5's").isZero();
        c.crash(5);
        c.heal();

        // (c) S1 restarts and wins term 3 (term 2 is lost: S3 and S4 voted for S5 there).
        c.restart(1);
        c.campaign(1);
        assertThat(c.raft(1).state).isEqualTo(StateRole.CANDIDATE);
        assertThat(c.raft(1).term).isEqualTo(2);
        // S1's own term-3 entry must reach no follower; older entries may.
        c.dropIf(m -> m.getMsgType() == MsgAppend && carriesTerm(m, 3)
                && c.raft(m.getTo()).raftLog.lastIndex() >= m.getIndex());
        c.campaign(1);
        assertThat(c.raft(1).state).isEqualTo(StateRole.LEADER);
        assertThat(c.raft(1).term).isEqualTo(3);
        assertThat(c.raft(1).raftLog.lastIndex()).isEqualTo(3);
        for (long id = 2; id <= 4; id++) {
            assertThat(c.raft(id).raftLog.lastIndex()).as("S%d", id).isEqualTo(2);
            assertThat(c.raft(id).raftLog.termOrZero(2)).as("S%d", id).isEqualTo(1);
        }
        assertThat(c.raft(1).prs.get(3).matchIndex()).isEqualTo(2);
        assertThat(c.raft(1).prs.get(4).matchIndex()).isEqualTo(2);
        // The rule under test: index 2 (term 1) is on a majority but not committed by the term-3 leader.
        assertThat(c.raft(1).raftLog.committed()).isEqualTo(1);
        assertThat(c.node(1).applied).doesNotContainKey(2L);
        for (long id = 2; id <= 4; id++) {
            assertThat(c.raft(id).raftLog.committed()).isEqualTo(1);
        }
        return c;
    }

    /** Figure 8 (d): the uncommitted entry is legitimately overwritten when S5 wins term 4. */
    @Test
    void figure8OldTermEntryOnAMajorityIsNotCommittedAndMayBeOverwritten() {
        TestCluster c = figure8UpToC();
        c.crash(1);
        c.heal();
        c.restart(5);
        c.campaign(5); // term 3: S2-S4 already voted for S1
        assertThat(c.raft(5).state).isEqualTo(StateRole.FOLLOWER);
        c.campaign(5); // term 4: its last entry (2, term 2) beats their (2, term 1)
        assertThat(c.raft(5).state).isEqualTo(StateRole.LEADER);
        assertThat(c.raft(5).term).isEqualTo(4);
        for (long id = 2; id <= 5; id++) {
            assertThat(c.raft(id).raftLog.termOrZero(2)).as("S%d index 2", id).isEqualTo(2);
            assertThat(c.raft(id).raftLog.committed()).as("S%d", id).isEqualTo(3);
        }
        // "x" never reached any state machine: no committed entry was lost.
        for (long id = 1; id <= 5; id++) {
            assertThat(c.node(id).applied.values()).as("S%d", id).doesNotContain(ByteString.copyFromUtf8("x"));
        }
    }

    /** Figure 8 (e): once S1's term-3 entry is on a majority, index 2 is committed and S5 can no longer win. */
    @Test
    void figure8CommittingACurrentTermEntryCommitsTheOldOneAndBlocksS5() {
        TestCluster c = figure8UpToC();
        c.heal();
        for (int i = 0; i < 3; i++) {
            c.tick(1);
            c.stabilize();
        }
        assertThat(c.raft(1).raftLog.committed()).isEqualTo(3);
        assertThat(c.node(1).applied).containsEntry(2L, ByteString.copyFromUtf8("x"));
        c.crash(1);
        c.restart(5);
        for (int i = 0; i < 4; i++) {
            c.campaign(5);
            assertThat(c.raft(5).state).isNotEqualTo(StateRole.LEADER);
        }
        for (long id = 2; id <= 4; id++) {
            assertThat(c.raft(id).raftLog.entries(1, Long.MAX_VALUE)).extracting(Entry::getTerm)
                    .containsExactly(1L, 1L, 3L);
        }
    }

    // ---------------------------------------------------------------- Leader Completeness (§5.4.3)

    /** §5.4.3: a committed entry is in the log of every later leader: servers missing it cannot win. */
    @Test
    void leaderCompletenessServersMissingACommittedEntryCannotWin() {
        TestCluster c = new TestCluster(91, CLASSIC, 1, 2, 3, 4, 5);
        c.campaign(1);
        c.dropIf(m -> m.getFrom() == 1 && m.getTo() >= 4);
        c.propose(1, "committed");
        assertThat(c.raft(1).raftLog.committed()).isEqualTo(2);
        assertThat(c.raft(4).raftLog.lastIndex()).isEqualTo(1);
        c.crash(1);
        c.heal();

        c.campaign(4);
        assertThat(c.raft(4).state).isNotEqualTo(StateRole.LEADER);
        c.campaign(5);
        assertThat(c.raft(5).state).isNotEqualTo(StateRole.LEADER);
        c.campaign(4);
        assertThat(c.raft(4).state).isNotEqualTo(StateRole.LEADER);

        c.campaign(3);
        assertThat(c.raft(3).state).isEqualTo(StateRole.LEADER);
        assertThat(c.raft(3).raftLog.termOrZero(2)).isEqualTo(1);
        c.propose(3, "next");
        for (long id = 2; id <= 5; id++) {
            assertThat(c.node(id).applied.values()).extracting(ByteString::toStringUtf8).as("S%d", id)
                    .containsExactly("committed", "next");
        }
    }

    /** State machine safety over a run with leader changes: all nodes apply the same entry at each index. */
    @Test
    void stateMachineSafetyAcrossLeaderChanges() {
        TestCluster c = new TestCluster(92, 1, 2, 3, 4, 5);
        int proposed = 0;
        for (int round = 0; round < 6; round++) {
            long l = c.tickUntilLeaderAmong(1, 2, 3, 4, 5);
            for (int i = 0; i < 3; i++) {
                c.propose(l, "r" + round + "-" + i);
                proposed++;
            }
            c.isolate(l);
            for (int i = 0; i < 25; i++) {
                c.tickAll();
                c.stabilize();
            }
            c.heal();
            for (int i = 0; i < 25; i++) {
                c.tickAll();
                c.stabilize();
            }
        }
        java.util.TreeMap<Long, ByteString> reference = c.node(1).applied;
        assertThat(reference).hasSize(proposed);
        for (long id = 2; id <= 5; id++) {
            assertThat(c.node(id).applied).as("S%d", id).isEqualTo(reference);
        }
    }
}

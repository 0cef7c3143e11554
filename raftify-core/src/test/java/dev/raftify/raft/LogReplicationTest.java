package dev.raftify.raft;

import static dev.raftify.proto.eraftpb.MessageType.MsgAppend;
import static dev.raftify.proto.eraftpb.MessageType.MsgAppendResponse;
import static dev.raftify.proto.eraftpb.MessageType.MsgHeartbeat;
import static dev.raftify.proto.eraftpb.MessageType.MsgHeartbeatResponse;
import static dev.raftify.proto.eraftpb.MessageType.MsgPropose;
import static dev.raftify.raft.Fx.CLASSIC;
import static dev.raftify.raft.Fx.ids;
import static dev.raftify.raft.Fx.msg;
import static dev.raftify.raft.Fx.step;
import static dev.raftify.raft.Fx.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.raft.tracker.Progress;
import dev.raftify.raft.tracker.ProgressState;
import dev.raftify.storage.MemStorage;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Log replication (Raft paper §5.3): the log-matching check, conflict resolution, fast backtracking, the
 * leader's per-follower progress (probe / replicate / snapshot), flow control and how followers learn the
 * commit index.
 */
class LogReplicationTest {

    private static void propose(Raft r, String... data) {
        Message.Builder m = msg(MsgPropose, r.id, r.id, 0);
        for (String d : data) {
            m.addEntries(Fx.data(d));
        }
        r.step(m.build());
    }

    private static List<Message> appendsTo(List<Message> ms, long to) {
        return ms.stream().filter(m -> m.getMsgType() == MsgAppend && m.getTo() == to).toList();
    }

    /** A leader of term 1 (log [1:1]) whose followers 2 and 3 acknowledged index 1 and are replicating. */
    private static Raft replicatingLeader(Consumer<RaftConfig.Builder> c) {
        Raft r = Fx.leader(1, ids(1, 2, 3), c);
        r.step(Fx.appendResp(2, 1, 1, 1));
        r.step(Fx.appendResp(3, 1, 1, 1));
        take(r);
        return r;
    }

    /** §5.3: the leader sends new entries with the index and term of the entry just before them, and its commit. */
    @Test
    void appendCarriesThePrecedingIndexAndTermAndTheLeaderCommit() {
        Raft r = replicatingLeader(CLASSIC);
        assertThat(r.raftLog.committed()).isEqualTo(1);
        propose(r, "a");
        List<Message> out = take(r);
        assertThat(out).extracting(Message::getMsgType, Message::getTo, Message::getTerm, Message::getIndex,
                Message::getLogTerm, Message::getCommit).containsExactly(
                        tuple(MsgAppend, 2L, 1L, 1L, 1L, 1L),
                        tuple(MsgAppend, 3L, 1L, 1L, 1L, 1L));
        assertThat(out.get(0).getEntriesList()).extracting(Entry::getIndex, Entry::getTerm, e -> e.getData()
                .toStringUtf8()).containsExactly(tuple(2L, 1L, "a"));
    }

    /** §5.3 log matching: a follower refuses entries that do not follow an entry it has with the same term. */
    @Test
    void followerRefusesAppendFailingTheLogMatchingCheck() {
        // Follower log [1:1, 2:2].
        for (long[] c : new long[][] {{2, 3}, {3, 2}, {5, 3}, {1, 2}}) {
            Raft r = Fx.raft(2, Fx.storage(ids(1, 2, 3), 3, 0, 0, 1, 2), CLASSIC);
            step(r, msg(MsgAppend, 1, 2, 3).setIndex(c[0]).setLogTerm(c[1]).setCommit(3)
                    .addEntries(Entry.newBuilder().setIndex(c[0] + 1).setTerm(3)));
            List<Message> out = take(r);
            assertThat(out).as("prev (%d, %d)", c[0], c[1]).singleElement().satisfies(m -> {
                assertThat(m.getMsgType()).isEqualTo(MsgAppendResponse);
                assertThat(m.getReject()).isTrue();
                assertThat(m.getIndex()).isEqualTo(c[0]);
            });
            assertThat(r.raftLog.lastIndex()).isEqualTo(2);
            assertThat(r.raftLog.termOrZero(2)).isEqualTo(2);
            assertThat(r.raftLog.committed()).isZero();
        }
        // The matching pair is accepted.
        Raft r = Fx.raft(2, Fx.storage(ids(1, 2, 3), 3, 0, 0, 1, 2), CLASSIC);
        step(r, msg(MsgAppend, 1, 2, 3).setIndex(2).setLogTerm(2).setCommit(3)
                .addEntries(Entry.newBuilder().setIndex(3).setTerm(3)));
        assertThat(take(r)).extracting(Message::getReject, Message::getIndex).containsExactly(tuple(false, 3L));
        assertThat(r.raftLog.lastIndex()).isEqualTo(3);
        assertThat(r.raftLog.committed()).isEqualTo(3);
    }

    /** The rejection hints where the logs may agree: the follower's last index at or below prev with a term <= logTerm. */
    @Test
    void rejectionCarriesAFastBacktrackingHint() {
        // Follower log terms [1, 1, 2, 2, 2, 5, 5].
        Raft r = Fx.raft(2, Fx.storage(ids(1, 2, 3), 6, 0, 0, 1, 1, 2, 2, 2, 5, 5), CLASSIC);
        step(r, msg(MsgAppend, 1, 2, 6).setIndex(7).setLogTerm(4));
        assertThat(take(r)).extracting(Message::getReject, Message::getRejectHint, Message::getLogTerm)
                .containsExactly(tuple(true, 5L, 2L));
        step(r, msg(MsgAppend, 1, 2, 6).setIndex(20).setLogTerm(6));
        assertThat(take(r)).extracting(Message::getReject, Message::getRejectHint, Message::getLogTerm)
                .containsExactly(tuple(true, 7L, 5L));
    }

    /** §5.3: a conflicting entry and everything after it are deleted, then the leader's entries appended. */
    @Test
    void followerReplacesAConflictingSuffix() {
        Raft r = Fx.raft(2, Fx.storage(ids(1, 2, 3), 2, 0, 1, 1, 2, 2, 2), CLASSIC);
        step(r, msg(MsgAppend, 1, 2, 3).setIndex(1).setLogTerm(1).setCommit(1)
                .addAllEntries(Fx.entries(2, 3, 3)));
        assertThat(take(r)).extracting(Message::getReject, Message::getIndex).containsExactly(tuple(false, 3L));
        assertThat(r.raftLog.lastIndex()).isEqualTo(3);
        assertThat(r.raftLog.entries(1, Long.MAX_VALUE)).extracting(Entry::getTerm).containsExactly(1L, 3L, 3L);
        // The replaced entries were on disk; they no longer count as persisted (nor may be applied from there).
        assertThat(r.raftLog.persisted()).isEqualTo(1);
    }

    /** §5.3: entries already present are not truncated by an old or duplicated append. */
    @Test
    void duplicateAppendDoesNotTruncateMatchingEntries() {
        Raft r = Fx.raft(2, Fx.storage(ids(1, 2, 3), 2, 0, 0, 1, 2, 2), CLASSIC);
        step(r, msg(MsgAppend, 1, 2, 2).setIndex(1).setLogTerm(1).addAllEntries(Fx.entries(2, 2)));
        assertThat(take(r)).extracting(Message::getReject, Message::getIndex).containsExactly(tuple(false, 2L));
        assertThat(r.raftLog.lastIndex()).isEqualTo(3);
        assertThat(r.raftLog.unstableEntries()).isEmpty();
    }

    /** §5.3: the follower commits min(leaderCommit, index of last new entry): never what it has not verified. */
    @Test
    void followerCommitIsBoundedByTheLastEntryTheLeaderVouchedFor() {
        // Follower log [1:1, 2:1, 3:1]; the leader vouches only for index 2.
        Raft r = Fx.raft(2, Fx.storage(ids(1, 2, 3), 1, 0, 0, 1, 1, 1), CLASSIC);
        step(r, msg(MsgAppend, 1, 2, 1).setIndex(1).setLogTerm(1).setCommit(3).addAllEntries(Fx.entries(2, 1)));
        assertThat(r.raftLog.committed()).isEqualTo(2);
        // An empty append vouching for index 3 commits it.
        step(r, msg(MsgAppend, 1, 2, 1).setIndex(3).setLogTerm(1).setCommit(3));
        assertThat(r.raftLog.committed()).isEqualTo(3);
    }

    /** An append whose prev index is below the follower's commit is answered with the commit index. */
    @Test
    void appendBelowTheCommitIndexIsAnsweredWithIt() {
        Raft r = Fx.raft(2, Fx.storage(ids(1, 2, 3), 1, 0, 3, 1, 1, 1), CLASSIC);
        step(r, msg(MsgAppend, 1, 2, 1).setIndex(1).setLogTerm(1).addAllEntries(Fx.entries(2, 1)));
        assertThat(take(r)).extracting(Message::getReject, Message::getIndex).containsExactly(tuple(false, 3L));
    }

    /** An append right after the commit index (prev == commit) is a normal append. */
    @Test
    void appendAtTheCommitIndexIsAccepted() {
        Raft r = Fx.raft(2, Fx.storage(ids(1, 2, 3), 1, 0, 2, 1, 1), CLASSIC);
        step(r, msg(MsgAppend, 1, 2, 1).setIndex(2).setLogTerm(1).setCommit(3).addAllEntries(Fx.entries(3, 1)));
        assertThat(take(r)).extracting(Message::getReject, Message::getIndex).containsExactly(tuple(false, 3L));
        assertThat(r.raftLog.lastIndex()).isEqualTo(3);
        assertThat(r.raftLog.committed()).isEqualTo(3);
    }

    /** A rejection without a term (logTerm 0) is taken at its hint: the leader probes right after it. */
    @Test
    void rejectionWithoutTermHintProbesAfterTheHint() {
        Raft r = Fx.raft(1, Fx.storage(ids(1, 2, 3), 1, 0, 0, 1, 1, 1, 1, 1, 1), CLASSIC);
        r.becomeCandidate();
        r.becomeLeader();
        Fx.persist(r);
        take(r);
        r.sendAppend(2); // probe at prev 6
        take(r);
        r.step(msg(MsgAppendResponse, 2, 1, 2).setIndex(6).setReject(true).setRejectHint(3).setLogTerm(0).build());
        assertThat(r.prs.get(2).nextIndex()).isEqualTo(4);
        assertThat(appendsTo(take(r), 2)).extracting(Message::getIndex).containsExactly(3L);
    }

    /** Followers learn the commit index from heartbeats too; it never goes backwards. */
    @Test
    void followerLearnsCommitFromHeartbeats() {
        Raft r = Fx.raft(2, Fx.storage(ids(1, 2, 3), 1, 0, 0, 1, 1, 1), CLASSIC);
        step(r, msg(MsgHeartbeat, 1, 2, 1).setCommit(2));
        assertThat(r.raftLog.committed()).isEqualTo(2);
        assertThat(take(r)).extracting(Message::getMsgType, Message::getTo).containsExactly(
                tuple(MsgHeartbeatResponse, 1L));
        step(r, msg(MsgHeartbeat, 1, 2, 1).setCommit(1));
        assertThat(r.raftLog.committed()).isEqualTo(2);
    }

    /** Cluster view: every follower's commit index reaches the leader's, through appends and heartbeats. */
    @Test
    void followersCatchUpWithTheLeadersCommitIndex() {
        TestCluster c = new TestCluster(31, 1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.propose(1, "b");
        for (long id = 1; id <= 3; id++) {
            assertThat(c.raft(id).raftLog.committed()).isEqualTo(3);
            assertThat(c.node(id).applied.values()).extracting(ByteString::toStringUtf8).containsExactly("a", "b");
        }
    }

    // ---------------------------------------------------------------- fast backtracking

    /**
     * Delivers L's messages to F and F's answers to L until F's log equals L's; returns how many MsgAppend it took.
     */
    private static int pump(Raft leader, Raft follower) {
        int appends = 0;
        for (int i = 0; i < 1000; i++) {
            Fx.persist(leader);
            List<Message> toF = take(leader).stream().filter(m -> m.getTo() == follower.id).toList();
            for (Message m : toF) {
                if (m.getMsgType() == MsgAppend) {
                    appends++;
                }
                follower.step(m);
            }
            Fx.persist(follower);
            if (sameLog(leader, follower)) {
                return appends;
            }
            for (Message m : take(follower)) {
                leader.step(m);
            }
        }
        throw new AssertionError("did not converge");
    }

    private static boolean sameLog(Raft a, Raft b) {
        return a.raftLog.lastIndex() == b.raftLog.lastIndex()
                && a.raftLog.entries(1, Long.MAX_VALUE).stream().map(Entry::getTerm).toList()
                        .equals(b.raftLog.entries(1, Long.MAX_VALUE).stream().map(Entry::getTerm).toList());
    }

    private static long[] terms(long first, int n, long term) {
        long[] out = new long[n + 1];
        out[0] = first;
        for (int i = 1; i <= n; i++) {
            out[i] = term;
        }
        return out;
    }

    /**
     * Fast backtracking (§5.3, "the follower can include the term of the conflicting entry"): a follower with 100
     * divergent entries of term 2 under a leader with 50 entries of term 3 is repaired in 2 appends, not ~50.
     */
    @Test
    void divergentFollowerIsFoundInTwoRoundTrips() {
        Raft leader = Fx.raft(1, Fx.storage(ids(1, 2, 3), 3, 0, 1, terms(1, 50, 3)), CLASSIC);
        leader.becomeCandidate();
        leader.becomeLeader(); // term 4, empty entry at 52
        Raft follower = Fx.raft(2, Fx.storage(ids(1, 2, 3), 2, 0, 1, terms(1, 100, 2)), CLASSIC);
        leader.bcastAppend();
        int appends = pump(leader, follower);
        assertThat(appends).isEqualTo(2);
        assertThat(follower.raftLog.lastIndex()).isEqualTo(52);
        assertThat(follower.raftLog.entries(1, Long.MAX_VALUE)).extracting(Entry::getTerm)
                .isEqualTo(leader.raftLog.entries(1, Long.MAX_VALUE).stream().map(Entry::getTerm).toList());
        leader.step(take(follower).get(0));
        assertThat(leader.prs.get(2).matchIndex()).isEqualTo(52);
        assertThat(leader.prs.get(2).state()).isEqualTo(ProgressState.REPLICATE);
    }

    /** A follower far behind (short log) is found in one rejection: its hint is its last index. */
    @Test
    void laggingFollowerIsFoundInTwoRoundTrips() {
        Raft leader = Fx.raft(1, Fx.storage(ids(1, 2, 3), 3, 0, 1, terms(1, 60, 3)), CLASSIC);
        leader.becomeCandidate();
        leader.becomeLeader();
        Raft follower = Fx.raft(2, Fx.storage(ids(1, 2, 3), 3, 0, 1, 1, 3, 3), CLASSIC);
        leader.bcastAppend();
        assertThat(pump(leader, follower)).isEqualTo(2);
        assertThat(follower.raftLog.lastIndex()).isEqualTo(62);
        assertThat(follower.raftLog.termOrZero(62)).isEqualTo(4);
    }

    /** Terms interleaved on both sides: still a handful of round trips, and the logs end identical. */
    @Test
    void interleavedDivergenceConvergesInFewRoundTrips() {
        long[] leaderTerms = {1, 1, 1, 4, 4, 5, 5, 6, 6, 6};
        long[] followerTerms = {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3};
        Raft leader = Fx.raft(1, Fx.storage(ids(1, 2, 3), 6, 0, 3, leaderTerms), CLASSIC);
        leader.becomeCandidate();
        leader.becomeLeader();
        Raft follower = Fx.raft(2, Fx.storage(ids(1, 2, 3), 3, 0, 3, followerTerms), CLASSIC);
        leader.bcastAppend();
        int appends = pump(leader, follower);
        assertThat(appends).isLessThanOrEqualTo(3);
        assertThat(follower.raftLog.entries(1, Long.MAX_VALUE)).extracting(Entry::getTerm)
                .containsExactly(1L, 1L, 1L, 4L, 4L, 5L, 5L, 6L, 6L, 6L, 7L);
    }

    // ---------------------------------------------------------------- progress states

    /** A new leader probes each follower with one append at a time; the first acknowledgement starts replication. */
    @Test
    void probeSendsOneAppendUntilAnsweredThenReplicates() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        Progress pr = r.prs.get(2);
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        propose(r, "a");
        assertThat(appendsTo(take(r), 2)).hasSize(1);
        assertThat(pr.isPaused()).isTrue();
        propose(r, "b");
        propose(r, "c");
        assertThat(appendsTo(take(r), 2)).isEmpty();
        Fx.persist(r);

        r.step(Fx.appendResp(2, 1, 1, 2));
        assertThat(pr.state()).isEqualTo(ProgressState.REPLICATE);
        assertThat(pr.matchIndex()).isEqualTo(2);
        List<Message> sent = appendsTo(take(r), 2);
        // Everything left goes at once (one batch) now.
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getEntriesList()).extracting(Entry::getIndex).containsExactly(3L, 4L);
        assertThat(pr.nextIndex()).isEqualTo(5);
        // In replicate, a proposal is sent at once, optimistically.
        propose(r, "d");
        assertThat(appendsTo(take(r), 2)).hasSize(1);
        assertThat(pr.nextIndex()).isEqualTo(6);
        assertThat(pr.inflights().count()).isEqualTo(2);
    }

    /** A heartbeat answer lets a probing leader probe again. */
    @Test
    void heartbeatResponseUnpausesAProbe() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        propose(r, "a");
        take(r);
        assertThat(r.prs.get(2).isPaused()).isTrue();
        step(r, msg(MsgHeartbeatResponse, 2, 1, 1));
        List<Message> sent = appendsTo(take(r), 2);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getIndex()).isZero();
    }

    /** A rejection while replicating sends the follower back to probing from match + 1. */
    @Test
    void rejectionWhileReplicatingFallsBackToProbe() {
        Raft r = replicatingLeader(CLASSIC);
        propose(r, "a");
        propose(r, "b");
        take(r);
        Progress pr = r.prs.get(2);
        assertThat(pr.nextIndex()).isEqualTo(4);
        step(r, msg(MsgAppendResponse, 2, 1, 1).setIndex(2).setReject(true).setRejectHint(1).setLogTerm(1));
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        List<Message> sent = appendsTo(take(r), 2);
        assertThat(sent).singleElement().satisfies(m -> {
            assertThat(m.getIndex()).isEqualTo(1);
            assertThat(m.getEntriesList()).extracting(Entry::getIndex).containsExactly(2L, 3L);
        });
        // A stale rejection (of an index at or below match) is ignored.
        step(r, msg(MsgAppendResponse, 2, 1, 1).setIndex(3).setReject(false));
        assertThat(pr.state()).isEqualTo(ProgressState.REPLICATE);
        take(r);
        step(r, msg(MsgAppendResponse, 2, 1, 1).setIndex(1).setReject(true).setRejectHint(0));
        assertThat(pr.state()).isEqualTo(ProgressState.REPLICATE);
        assertThat(pr.matchIndex()).isEqualTo(3);
        assertThat(take(r)).isEmpty();
    }

    /** An unreachable follower goes back to probing (optimistic sends were probably lost). */
    @Test
    void unreachableFollowerFallsBackToProbe() {
        Raft r = replicatingLeader(CLASSIC);
        propose(r, "a");
        take(r);
        step(r, msg(dev.raftify.proto.eraftpb.MessageType.MsgUnreachable, 2, 1, 0));
        assertThat(r.prs.get(2).state()).isEqualTo(ProgressState.PROBE);
        assertThat(r.prs.get(2).nextIndex()).isEqualTo(2);
        assertThat(r.prs.get(3).state()).isEqualTo(ProgressState.REPLICATE);
    }

    /** Flow control by count: at most maxInflightMsgs appends in flight to a replicating follower. */
    @Test
    void inflightWindowLimitsAppendsByCount() {
        Raft r = replicatingLeader(b -> b.preVote(false).checkQuorum(false).maxInflightMsgs(3));
        for (int i = 0; i < 6; i++) {
            propose(r, "p" + i);
        }
        List<Message> sent = appendsTo(take(r), 2);
        assertThat(sent).extracting(m -> m.getEntries(0).getIndex()).containsExactly(2L, 3L, 4L);
        assertThat(r.prs.get(2).isPaused()).isTrue();
        // The acknowledgement of index 2 frees one slot; the next append carries everything pending that fits.
        r.step(Fx.appendResp(2, 1, 1, 2));
        sent = appendsTo(take(r), 2);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getEntriesList()).extracting(Entry::getIndex).containsExactly(5L, 6L, 7L);
        assertThat(r.prs.get(2).inflights().count()).isEqualTo(3);
        // A heartbeat answer while the window is full frees one slot, so replication cannot stall forever.
        propose(r, "more");
        assertThat(appendsTo(take(r), 2)).isEmpty();
        step(r, msg(MsgHeartbeatResponse, 2, 1, 1));
        assertThat(appendsTo(take(r), 2)).hasSize(1);
    }

    /** Flow control by bytes: appends stop once the bytes in flight reach maxInflightBytes. */
    @Test
    void inflightWindowLimitsAppendsByBytes() {
        String payload = "x".repeat(100);
        Raft r = replicatingLeader(b -> b.preVote(false).checkQuorum(false).maxSizePerMsg(150)
                .maxInflightBytes(300));
        for (int i = 0; i < 6; i++) {
            propose(r, payload);
        }
        long size = r.raftLog.entries(2, Long.MAX_VALUE).get(0).getSerializedSize();
        int expected = (int) ((300 + size - 1) / size); // the append that reaches the limit still goes out
        List<Message> sent = appendsTo(take(r), 2);
        assertThat(expected).isEqualTo(3);
        assertThat(sent).hasSize(expected).allMatch(m -> m.getEntriesCount() == 1);
        assertThat(r.prs.get(2).isPaused()).isTrue();
        assertThat(r.prs.get(2).inflights().bytes()).isEqualTo(expected * size);
    }

    /** maxSizePerMsg batches entries into appends of at most that many bytes, but always at least one entry. */
    @Test
    void maxSizePerMsgSplitsAppends() {
        String payload = "y".repeat(100);
        Raft r = Fx.leader(1, ids(1, 2, 3), b -> b.preVote(false).checkQuorum(false).maxSizePerMsg(250));
        propose(r, payload, payload, payload, payload, payload);
        Fx.persist(r);
        take(r);
        r.step(Fx.appendResp(2, 1, 1, 1)); // probe answered: replicate from 2
        List<Message> sent = appendsTo(take(r), 2);
        // Five 100-byte entries, about 106 bytes serialized: two per append.
        assertThat(sent).extracting(Message::getEntriesCount).containsExactly(2, 2, 1);
        assertThat(sent).extracting(Message::getIndex).containsExactly(1L, 3L, 5L);

        Raft tiny = Fx.leader(1, ids(1, 2, 3), b -> b.preVote(false).checkQuorum(false).maxSizePerMsg(1));
        propose(tiny, payload, payload);
        Fx.persist(tiny);
        take(tiny);
        tiny.step(Fx.appendResp(2, 1, 1, 1));
        assertThat(appendsTo(take(tiny), 2)).extracting(Message::getEntriesCount).containsExactly(1, 1);
    }

    /** A follower acknowledges an append only in persistedMessages: after the entries are on its disk. */
    @Test
    void followerAcknowledgesOnlyAfterPersisting() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        RawNode n = new RawNode(Fx.cfg(2).build(), s, new java.util.Random(2));
        n.step(msg(MsgAppend, 1, 2, 1).setIndex(0).setLogTerm(0).setCommit(1).addAllEntries(Fx.entries(1, 1, 1))
                .build());
        Ready rd = n.ready();
        assertThat(rd.entries()).hasSize(2);
        assertThat(rd.messages()).isEmpty();
        assertThat(rd.persistedMessages()).extracting(Message::getMsgType, Message::getIndex)
                .containsExactly(tuple(MsgAppendResponse, 2L));
        // Committed (index 1) but not yet persisted: not handed out for applying.
        assertThat(rd.committedEntries()).isEmpty();
        s.append(rd.entries());
        s.setHardState(rd.hardState());
        n.advance(rd);
        Ready rd2 = n.ready();
        assertThat(rd2.committedEntries()).extracting(Entry::getIndex).containsExactly(1L);
        n.advance(rd2);
    }
}

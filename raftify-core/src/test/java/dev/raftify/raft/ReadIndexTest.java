package dev.raftify.raft;

import static dev.raftify.proto.eraftpb.MessageType.MsgHeartbeat;
import static dev.raftify.proto.eraftpb.MessageType.MsgHeartbeatResponse;
import static dev.raftify.proto.eraftpb.MessageType.MsgReadIndex;
import static dev.raftify.proto.eraftpb.MessageType.MsgReadIndexResp;
import static dev.raftify.raft.Fx.CLASSIC;
import static dev.raftify.raft.Fx.DEFAULTS;
import static dev.raftify.raft.Fx.ids;
import static dev.raftify.raft.Fx.msg;
import static dev.raftify.raft.Fx.step;
import static dev.raftify.raft.Fx.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Message;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Linearizable reads (thesis §6.4): ReadIndex in safe mode confirms leadership with a heartbeat round; lease-based
 * mode relies on check-quorum; a new leader answers only after committing an entry of its term.
 */
class ReadIndexTest {

    private static ByteString ctx(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static Message read(long from, String c) {
        return msg(MsgReadIndex, from, 0, 0).addEntries(Entry.newBuilder().setData(ctx(c))).build();
    }

    private static Message hbResp(long from, String c) {
        return hbResp(from, c, 1);
    }

    private static Message hbResp(long from, String c, long term) {
        Message.Builder m = msg(MsgHeartbeatResponse, from, 1, term);
        if (c != null) {
            m.setContext(ctx(c));
        }
        return m.build();
    }

    /** A leader of term 1 over {@code voters} whose empty entry is committed (acknowledged by voter 2 and 3). */
    private static Raft committedLeader(long[] voters, Consumer<RaftConfig.Builder> c) {
        Raft r = Fx.leader(1, voters, c);
        r.step(Fx.appendResp(2, 1, 1, 1));
        r.step(Fx.appendResp(3, 1, 1, 1));
        take(r);
        assertThat(r.raftLog.committed()).isEqualTo(1);
        return r;
    }

    /** Safe mode: the read is answered only after a quorum acknowledged a heartbeat carrying its context. */
    @Test
    void safeReadWaitsForAHeartbeatQuorum() {
        Raft r = committedLeader(ids(1, 2, 3, 4, 5), CLASSIC);
        r.step(read(1, "r1"));
        assertThat(r.readStates).isEmpty();
        assertThat(r.msgs).extracting(Message::getMsgType, Message::getTo, Message::getContext).containsExactly(
                tuple(MsgHeartbeat, 2L, ctx("r1")), tuple(MsgHeartbeat, 3L, ctx("r1")),
                tuple(MsgHeartbeat, 4L, ctx("r1")), tuple(MsgHeartbeat, 5L, ctx("r1")));
        take(r);
        r.step(hbResp(2, "r1"));
        r.step(hbResp(4, null)); // a plain heartbeat answer confirms nothing
        r.step(hbResp(9, "r1")); // nor does a non-member
        assertThat(r.readStates).isEmpty();
        r.step(hbResp(3, "r1"));
        assertThat(r.readStates).containsExactly(new ReadState(1, ctx("r1")));
        // Late acknowledgements do not answer it twice.
        r.step(hbResp(4, "r1"));
        assertThat(r.readStates).hasSize(1);
    }

    /** The read index is the commit index when the request arrived, even if more commits before it is confirmed. */
    @Test
    void readIndexIsTheCommitIndexAtRequestTime() {
        Raft r = committedLeader(ids(1, 2, 3), CLASSIC);
        r.step(read(1, "r1"));
        r.step(ProposalTest.propose(1, Fx.data("w")));
        Fx.persist(r);
        r.step(Fx.appendResp(3, 1, 1, 2));
        assertThat(r.raftLog.committed()).isEqualTo(2);
        r.step(hbResp(2, "r1"));
        assertThat(r.readStates).containsExactly(new ReadState(1, ctx("r1")));
    }

    /** A quorum acknowledging a later request's heartbeat confirms the earlier pending requests too. */
    @Test
    void laterConfirmationAnswersEarlierRequestsInOrder() {
        Raft r = committedLeader(ids(1, 2, 3), CLASSIC);
        r.step(read(1, "a"));
        r.step(read(1, "b"));
        r.step(read(1, "c"));
        r.step(hbResp(2, "b"));
        assertThat(r.readStates).extracting(ReadState::requestCtx).containsExactly(ctx("a"), ctx("b"));
        r.step(hbResp(3, "c"));
        assertThat(r.readStates).extracting(ReadState::requestCtx).containsExactly(ctx("a"), ctx("b"), ctx("c"));
    }

    /** The periodic heartbeat carries the newest pending context, so reads also complete on the regular beat. */
    @Test
    void regularHeartbeatCarriesThePendingContext() {
        Raft r = committedLeader(ids(1, 2, 3), CLASSIC);
        r.step(read(1, "a"));
        take(r);
        r.tick();
        assertThat(r.msgs).filteredOn(m -> m.getMsgType() == MsgHeartbeat).extracting(Message::getContext)
                .containsOnly(ctx("a"));
    }

    /** Lease-based mode: answered at once from the commit index, no heartbeat round. */
    @Test
    void leaseBasedReadIsAnsweredImmediately() {
        Raft r = committedLeader(ids(1, 2, 3), b -> b.readOnlyOption(ReadOnlyOption.LEASE_BASED));
        r.step(read(1, "lease"));
        assertThat(r.readStates).containsExactly(new ReadState(1, ctx("lease")));
        assertThat(take(r)).isEmpty();
    }

    /** Lease-based reads are only safe with check-quorum: the configuration refuses the combination. */
    @Test
    void leaseBasedReadsRequireCheckQuorum() {
        assertThatThrownBy(() -> Fx.cfg(1).readOnlyOption(ReadOnlyOption.LEASE_BASED).checkQuorum(false).build())
                .isInstanceOf(RaftConfig.InvalidConfigException.class)
                .hasMessageContaining("LEASE_BASED requires checkQuorum");
    }

    /** Thesis §6.4: a new leader does not know the commit index until it commits an entry of its own term. */
    @Test
    void newLeaderHoldsReadsUntilItCommitsAnEntryOfItsTerm() {
        for (ReadOnlyOption opt : ReadOnlyOption.values()) {
            Raft r = Fx.raft(1, Fx.storage(ids(1, 2, 3), 1, 0, 1, 1, 1), b -> b.readOnlyOption(opt));
            r.becomeCandidate();
            r.becomeLeader(); // term 2, empty entry at 3
            Fx.persist(r);
            take(r);
            r.step(read(1, "early"));
            assertThat(r.pendingReadIndexMessages).as("%s", opt).hasSize(1);
            assertThat(r.readStates).isEmpty();
            assertThat(take(r)).isEmpty();
            r.step(Fx.appendResp(2, 1, 2, 3)); // commits index 3, of term 2: the held read is released
            assertThat(r.raftLog.committed()).isEqualTo(3);
            assertThat(r.pendingReadIndexMessages).isEmpty();
            if (opt == ReadOnlyOption.SAFE) {
                assertThat(r.readStates).isEmpty();
                r.step(hbResp(3, "early", 1)); // stale term: ignored
                assertThat(r.readStates).isEmpty();
                r.step(hbResp(3, "early", 2));
            }
            assertThat(r.readStates).as("%s", opt).containsExactly(new ReadState(3, ctx("early")));
        }
    }

    /** Reads held by a leader that steps down are dropped, never answered later from a stale term. */
    @Test
    void heldReadsAreDroppedWhenTheLeaderStepsDown() {
        Raft r = Fx.raft(1, Fx.storage(ids(1, 2, 3), 1, 0, 1, 1, 1), CLASSIC);
        r.becomeCandidate();
        r.becomeLeader();
        Fx.persist(r);
        r.step(read(1, "held"));
        assertThat(r.pendingReadIndexMessages).hasSize(1);
        r.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgHeartbeat, 2, 1, 5).build());
        assertThat(r.pendingReadIndexMessages).isEmpty();
    }

    /** The commit that releases held reads may come from the leader's own persist (followers acked first). */
    @Test
    void leadersOwnPersistReleasesHeldReads() {
        Raft r = Fx.raft(1, Fx.storage(ids(1, 2, 3), 1, 0, 1, 1, 1), b -> b.readOnlyOption(ReadOnlyOption.LEASE_BASED));
        r.becomeCandidate();
        r.becomeLeader(); // term 2, entry 3 not yet persisted by the leader
        r.step(read(1, "held"));
        r.step(Fx.appendResp(2, 1, 2, 3));
        assertThat(r.raftLog.committed()).as("only one of three has entry 3").isEqualTo(1);
        take(r);
        Fx.persist(r);
        assertThat(r.raftLog.committed()).isEqualTo(3);
        assertThat(r.readStates).containsExactly(new ReadState(3, ctx("held")));
        // ... and the followers are told the new commit index at once.
        assertThat(take(r)).anyMatch(m -> m.getMsgType() == dev.raftify.proto.eraftpb.MessageType.MsgAppend
                && m.getCommit() == 3);
    }

    /** A follower forwards the request; the leader answers it with MsgReadIndexResp; the follower gets a ReadState. */
    @Test
    void followerForwardsReadsAndReceivesTheIndex() {
        Raft f = Fx.raft(2, ids(1, 2, 3), DEFAULTS);
        step(f, msg(MsgHeartbeat, 1, 2, 1));
        take(f);
        f.step(read(2, "fr"));
        assertThat(take(f)).extracting(Message::getMsgType, Message::getTo).containsExactly(tuple(MsgReadIndex, 1L));

        Raft l = committedLeader(ids(1, 2, 3), CLASSIC);
        l.step(read(2, "fr"));
        take(l);
        l.step(hbResp(3, "fr"));
        assertThat(l.readStates).isEmpty();
        List<Message> out = take(l);
        assertThat(out).extracting(Message::getMsgType, Message::getTo, Message::getIndex)
                .containsExactly(tuple(MsgReadIndexResp, 2L, 1L));

        f.step(out.get(0));
        assertThat(f.readStates).containsExactly(new ReadState(1, ctx("fr")));
    }

    /** End to end: the follower's ReadState index is the leader's commit index. */
    @Test
    void followerReadEndToEnd() {
        TestCluster c = new TestCluster(71, 1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.node(3).raw.readIndex(ctx("x"));
        c.stabilize();
        assertThat(c.node(3).readStates).containsExactly(new ReadState(2, ctx("x")));
    }

    /** Without a leader a local read fails loudly; a forwarded one is dropped silently. */
    @Test
    void readWithoutLeader() {
        Raft r = Fx.raft(2, ids(1, 2, 3), DEFAULTS);
        assertThatThrownBy(() -> r.step(read(2, "x"))).isInstanceOfSatisfying(ProposalDroppedException.class,
                e -> assertThat(e.reason()).isEqualTo(ProposalDroppedException.Reason.NO_LEADER));
        r.step(read(3, "x"));
        assertThat(take(r)).isEmpty();
        Raft cand = Fx.raft(2, ids(1, 2, 3), CLASSIC);
        cand.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgHup, 2, 2, 0).build());
        assertThatThrownBy(() -> cand.step(read(2, "x"))).isInstanceOf(ProposalDroppedException.class);
    }

    /** A single voter answers at once from its commit index. */
    @Test
    void singleVoterAnswersAtOnce() {
        Raft r = Fx.raft(1, ids(1), DEFAULTS);
        r.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgHup, 1, 1, 0).build());
        Fx.persist(r);
        r.step(read(1, "solo"));
        assertThat(r.readStates).containsExactly(new ReadState(1, ctx("solo")));
    }

    /** An isolated leader cannot confirm its leadership, so it never answers a safe read. */
    @Test
    void isolatedLeaderCannotServeASafeRead() {
        TestCluster c = new TestCluster(72, CLASSIC, 1, 2, 3);
        c.campaign(1);
        c.isolate(1);
        c.node(1).raw.readIndex(ctx("stale?"));
        for (int i = 0; i < 30; i++) {
            c.tickAll();
            c.stabilize();
        }
        assertThat(c.node(1).readStates).isEmpty();
    }
}

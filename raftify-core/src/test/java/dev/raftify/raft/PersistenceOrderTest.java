package dev.raftify.raft;

import static dev.raftify.proto.eraftpb.MessageType.MsgAppend;
import static dev.raftify.proto.eraftpb.MessageType.MsgAppendResponse;
import static dev.raftify.proto.eraftpb.MessageType.MsgRequestVoteResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.WriteBatch;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Ready contract and asynchronous persistence (thesis §10.2.1): what may be sent before the local write,
 * what only after; the leader counts its own log only once persisted; one outstanding Ready at a time.
 */
class PersistenceOrderTest {

    private static void persist(MemStorage s, Ready rd) {
        s.write(new WriteBatch(rd.snapshot(), rd.entries(), rd.hardState(), null));
    }

    /** A RawNode leader of term 1 over voters 1, 2, 3 with its empty entry persisted; no pending Ready. */
    private static RawNode leader(MemStorage s) {
        RawNode n = new RawNode(Fx.cfg(1).preVote(false).checkQuorum(false).build(), s, new Random(1));
        n.campaign();
        Ready rd = n.ready();
        persist(s, rd);
        n.advance(rd);
        n.step(Fx.msg(MsgRequestVoteResponse, 2, 1, 1).build());
        rd = n.ready();
        persist(s, rd);
        n.advance(rd);
        return n;
    }

    private static void propose(RawNode n, String d) {
        n.propose(ByteString.EMPTY, ByteString.copyFromUtf8(d));
    }

    /** Thesis §10.2.1: the leader's appends are in messages() (send now), with the same entries to persist. */
    @Test
    void leaderSendsAppendsBeforePersisting() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        RawNode n = leader(s);
        n.step(Fx.appendResp(2, 1, 1, 1));
        n.step(Fx.appendResp(3, 1, 1, 1));
        Ready settle = n.ready();
        persist(s, settle);
        n.advance(settle);
        propose(n, "a");
        Ready rd = n.ready();
        assertThat(rd.entries()).extracting(Entry::getIndex).containsExactly(2L);
        assertThat(rd.messages()).filteredOn(m -> m.getMsgType() == MsgAppend).extracting(Message::getTo)
                .containsExactly(2L, 3L);
        assertThat(rd.messages()).filteredOn(m -> m.getMsgType() == MsgAppend).isNotEmpty()
                .allSatisfy(m -> assertThat(m.getEntriesList()).contains(rd.entries().get(0)));
        assertThat(rd.persistedMessages()).isEmpty();
        n.advance(rd);
    }

    /** The leader counts itself toward the quorum only after advance reports its entries persisted. */
    @Test
    void leaderCountsItsOwnLogOnlyAfterItIsPersisted() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        RawNode n = leader(s);
        n.step(Fx.appendResp(2, 1, 1, 1));
        n.step(Fx.appendResp(3, 1, 1, 1));
        Ready settle = n.ready();
        persist(s, settle);
        n.advance(settle);
        propose(n, "a");
        Ready rd = n.ready(); // entry 2 sent, not yet persisted by the leader
        n.step(Fx.appendResp(2, 1, 1, 2)); // one follower has it: with the leader that would be a quorum
        assertThat(n.raft().raftLog.committed()).isEqualTo(1);
        assertThat(n.raft().prs.get(1).matchIndex()).isEqualTo(1);
        persist(s, rd);
        n.advanceAppend(rd);
        assertThat(n.raft().prs.get(1).matchIndex()).isEqualTo(2);
        assertThat(n.raft().raftLog.committed()).isEqualTo(2);
    }

    /** A single-node cluster commits only after persisting: nothing is committed in the Ready that appends. */
    @Test
    void singleNodeCommitsOnlyAfterPersisting() {
        MemStorage s = MemStorage.withVoters(1);
        RawNode n = new RawNode(Fx.cfg(1).build(), s, new Random(1));
        n.campaign();
        Ready rd = n.ready();
        assertThat(rd.entries()).hasSize(1);
        assertThat(rd.committedEntries()).isEmpty();
        assertThat(rd.hardState().getCommit()).isZero();
        assertThat(n.raft().raftLog.committed()).isZero();
        persist(s, rd);
        n.advance(rd);
        assertThat(n.raft().raftLog.committed()).isEqualTo(1);
        Ready rd2 = n.ready();
        assertThat(rd2.hardState().getCommit()).isEqualTo(1);
        assertThat(rd2.committedEntries()).extracting(Entry::getIndex).containsExactly(1L);
        assertThat(rd2.mustSync()).as("a commit-index-only change need not be synced").isFalse();
        n.advance(rd2);
        assertThat(n.hasReady()).isFalse();
    }

    /** Acknowledgements and votes wait for persistence (persistedMessages); a follower never sends in messages(). */
    @Test
    void followerResponsesAreSentOnlyAfterPersisting() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        RawNode n = new RawNode(Fx.cfg(2).build(), s, new Random(2));
        n.step(Fx.msg(MsgAppend, 1, 2, 1).setIndex(0).setLogTerm(0).addAllEntries(Fx.entries(1, 1)).build());
        n.step(Fx.msg(MessageType.MsgHeartbeat, 1, 2, 1).build());
        Ready rd = n.ready();
        assertThat(rd.messages()).isEmpty();
        assertThat(rd.persistedMessages()).extracting(Message::getMsgType)
                .containsExactly(MsgAppendResponse, MessageType.MsgHeartbeatResponse);
        assertThat(rd.mustSync()).isTrue();
    }

    /** One outstanding Ready: no second ready() before advance; hasReady is false meanwhile. */
    @Test
    void onlyOneReadyIsOutstanding() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        RawNode n = new RawNode(Fx.cfg(1).build(), s, new Random(1));
        n.campaign();
        assertThat(n.hasReady()).isTrue();
        Ready rd = n.ready();
        assertThat(n.hasReady()).isFalse();
        assertThatThrownBy(n::ready).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was not advanced");
        n.advance(rd);
        assertThatThrownBy(() -> n.advance(rd)).isInstanceOf(IllegalStateException.class);
        n.tick();
        n.campaign();
        Ready rd2 = n.ready();
        assertThat(rd2.number()).isEqualTo(rd.number() + 1);
        assertThatThrownBy(() -> n.advanceAppend(rd)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not the outstanding one");
        n.advance(rd2);
    }

    /** Soft and hard state appear in a Ready only when they changed. */
    @Test
    void readyCarriesStateOnlyWhenChanged() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        RawNode n = new RawNode(Fx.cfg(1).preVote(false).checkQuorum(false).build(), s, new Random(1));
        assertThat(n.hasReady()).isFalse();
        n.campaign();
        Ready rd = n.ready();
        assertThat(rd.softState()).isEqualTo(new SoftState(0, StateRole.CANDIDATE));
        assertThat(rd.hardState().getTerm()).isEqualTo(1);
        persist(s, rd);
        n.advance(rd);
        n.step(Fx.msg(MsgRequestVoteResponse, 2, 1, 1).build());
        Ready rd2 = n.ready();
        assertThat(rd2.softState()).isEqualTo(new SoftState(1, StateRole.LEADER));
        assertThat(rd2.hardState()).isNull();
        persist(s, rd2);
        n.advance(rd2);
        n.step(Fx.appendResp(2, 1, 1, 1));
        Ready rd3 = n.ready();
        assertThat(rd3.softState()).isNull();
        assertThat(rd3.hardState().getCommit()).isEqualTo(1);
        assertThat(rd3.mustSync()).isFalse();
        n.advance(rd3);
    }

    /** advanceAppend then advanceApply: committed entries are handed out once, applied when reported. */
    @Test
    void appendAndApplyMayBeAdvancedSeparately() {
        MemStorage s = MemStorage.withVoters(1);
        RawNode n = new RawNode(Fx.cfg(1).build(), s, new Random(1));
        n.campaign();
        Ready rd = n.ready();
        persist(s, rd);
        n.advanceAppend(rd);
        propose(n, "a");
        Ready rd2 = n.ready();
        assertThat(rd2.committedEntries()).extracting(Entry::getIndex).containsExactly(1L);
        persist(s, rd2);
        n.advanceAppend(rd2); // entry 1 is still being applied
        assertThat(n.raft().raftLog.applied()).isZero();
        Ready rd3 = n.ready();
        assertThat(rd3.committedEntries()).extracting(Entry::getIndex).containsExactly(2L);
        n.advanceAppend(rd3);
        n.advanceApply(2);
        assertThat(n.raft().raftLog.applied()).isEqualTo(2);
        assertThat(n.status().applied()).isEqualTo(2);
    }

    /** maxCommittedSizePerReady splits a large backlog of committed entries over several Readies. */
    @Test
    void committedEntriesAreSplitByMaxCommittedSizePerReady() {
        MemStorage s = MemStorage.withVoters(1);
        RawNode n = new RawNode(Fx.cfg(1).maxCommittedSizePerReady(150).build(), s, new Random(1));
        n.campaign();
        Ready rd = n.ready();
        persist(s, rd);
        n.advance(rd);
        for (int i = 0; i < 4; i++) {
            propose(n, "x".repeat(100));
        }
        int readies = 0;
        int handedOut = 0;
        while (n.hasReady()) {
            Ready r = n.ready();
            persist(s, r);
            handedOut += r.committedEntries().size();
            assertThat(r.committedEntries().size()).isLessThanOrEqualTo(2);
            n.advance(r);
            readies++;
        }
        assertThat(handedOut).isEqualTo(5);
        assertThat(readies).isGreaterThanOrEqualTo(3);
    }

    /** RawNode.step refuses message types only the node itself may generate. */
    @Test
    void stepRefusesLocalOnlyMessageTypes() {
        RawNode n = new RawNode(Fx.cfg(1).build(), MemStorage.withVoters(1, 2, 3), new Random(1));
        for (MessageType t : List.of(MessageType.MsgHup, MessageType.MsgBeat, MessageType.MsgUnreachable,
                MessageType.MsgSnapStatus, MessageType.MsgCheckQuorum)) {
            assertThatThrownBy(() -> n.step(Fx.msg(t, 2, 1, 0).build())).as("%s", t)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot come from the network");
        }
        assertThat(n.raft().term).isZero();
        assertThat(n.raft().state).isEqualTo(StateRole.FOLLOWER);
    }

    /** RawNode.step refuses responses from nodes that are not members; requests from them are allowed. */
    @Test
    void stepRefusesResponsesFromNonMembers() {
        RawNode n = new RawNode(Fx.cfg(1).build(), MemStorage.withVoters(1, 2, 3), new Random(1));
        for (MessageType t : List.of(MsgAppendResponse, MessageType.MsgHeartbeatResponse, MsgRequestVoteResponse,
                MessageType.MsgRequestPreVoteResponse)) {
            assertThatThrownBy(() -> n.step(Fx.msg(t, 9, 1, 1).build())).as("%s", t)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a member");
        }
        n.step(Fx.msg(MsgAppendResponse, 2, 1, 1).build());
        n.step(Fx.msg(MessageType.MsgHeartbeat, 9, 1, 1).build());
        assertThat(n.raft().leaderId).isEqualTo(9);
    }

    /** A crash before persisting loses nothing that was promised: un-persisted entries were never acknowledged. */
    @Test
    void crashBeforePersistingLosesOnlyUnacknowledgedEntries() {
        TestCluster c = new TestCluster(111, 1, 2, 3);
        c.campaign(1);
        c.node(2).raw.step(Fx.msg(MsgAppend, 1, 2, 1).setIndex(1).setLogTerm(1)
                .addEntries(Fx.entry(2, 1, "never-persisted")).build());
        Ready rd = c.node(2).raw.ready(); // taken, never persisted: node 2 crashes
        assertThat(rd.persistedMessages()).extracting(Message::getMsgType).containsExactly(MsgAppendResponse);
        c.crash(2);
        c.restart(2);
        assertThat(c.raft(2).raftLog.lastIndex()).isEqualTo(1);
    }
}

package dev.raftify.raft;

import static dev.raftify.proto.eraftpb.MessageType.MsgAppend;
import static dev.raftify.proto.eraftpb.MessageType.MsgHeartbeat;
import static dev.raftify.proto.eraftpb.MessageType.MsgHup;
import static dev.raftify.proto.eraftpb.MessageType.MsgPropose;
import static dev.raftify.raft.Fx.CLASSIC;
import static dev.raftify.raft.Fx.DEFAULTS;
import static dev.raftify.raft.Fx.ids;
import static dev.raftify.raft.Fx.msg;
import static dev.raftify.raft.Fx.step;
import static dev.raftify.raft.Fx.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.raft.ProposalDroppedException.Reason;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Proposals: batching into Readies, forwarding, and every typed refusal ({@link ProposalDroppedException} with
 * its {@link Reason}); a refused proposal appends nothing.
 */
class ProposalTest {

    static void assertDropped(Raft r, Reason reason, Executable proposal) {
        long last = r.raftLog.lastIndex();
        long pending = r.pendingConfIndex;
        assertThatThrownBy(proposal::execute).isInstanceOfSatisfying(ProposalDroppedException.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
        assertThat(r.raftLog.lastIndex()).as("nothing appended").isEqualTo(last);
        assertThat(r.pendingConfIndex).as("no membership change recorded").isEqualTo(pending);
    }

    static Message propose(long from, Entry... es) {
        Message.Builder m = msg(MsgPropose, from, from, 0);
        for (Entry e : es) {
            m.addEntries(e);
        }
        return m.build();
    }

    static Entry cc(ConfChangeV2 cc) {
        return ConfChangeCodec.encode(cc);
    }

    /** Group commit: proposals made while a Ready is outstanding all go out in the next one. */
    @Test
    void manyProposalsGoIntoOneReady() {
        MemStorage s = MemStorage.withVoters(1);
        RawNode n = new RawNode(Fx.cfg(1).build(), s, new Random(1));
        n.campaign();
        Ready rd = n.ready();
        s.write(new WriteBatch(rd.snapshot(), rd.entries(), rd.hardState(), null));
        for (int i = 0; i < 10; i++) {
            n.propose(ByteString.EMPTY, ByteString.copyFromUtf8("p" + i)); // while rd is outstanding
        }
        n.advance(rd);
        Ready rd2 = n.ready();
        assertThat(rd2.entries()).extracting(e -> e.getData().toStringUtf8())
                .containsExactly("p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9");
        assertThat(rd2.entries()).extracting(Entry::getIndex).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L,
                10L, 11L);
        // The empty entry of term 1 was persisted with rd: it is committed and handed out now.
        assertThat(rd2.committedEntries()).extracting(Entry::getIndex).containsExactly(1L);
        s.write(new WriteBatch(null, rd2.entries(), rd2.hardState(), null));
        n.advance(rd2);
        Ready rd3 = n.ready();
        assertThat(rd3.committedEntries()).hasSize(10);
        n.advance(rd3);
    }

    /** proposeBatch appends its entries together, in order, stamped with the leader's term. */
    @Test
    void batchProposalIsAppendedInOrder() {
        TestCluster c = new TestCluster(41, 1, 2, 3);
        c.campaign(1);
        c.node(1).raw.proposeBatch(List.of(ByteString.copyFromUtf8("a"), ByteString.copyFromUtf8("b"),
                ByteString.copyFromUtf8("c")));
        c.stabilize();
        assertThat(c.node(3).applied).containsExactly(java.util.Map.entry(2L, ByteString.copyFromUtf8("a")),
                java.util.Map.entry(3L, ByteString.copyFromUtf8("b")),
                java.util.Map.entry(4L, ByteString.copyFromUtf8("c")));
        assertThat(c.raft(3).raftLog.termOrZero(4)).isEqualTo(1);
    }

    /** A batch with contexts goes to each follower in one append, each entry with its own context. */
    @Test
    void batchProposalReachesEachFollowerInOneAppendWithItsContexts() {
        TestCluster c = new TestCluster(43, 1, 2, 3);
        c.campaign(1);
        Raft leader = c.raft(1);
        Fx.take(leader);
        c.node(1).raw.proposeBatch(
                List.of(ByteString.copyFromUtf8("ctx-a"), ByteString.copyFromUtf8("ctx-b")),
                List.of(ByteString.copyFromUtf8("a"), ByteString.copyFromUtf8("b")));
        List<Message> appends = Fx.take(leader, MsgAppend);
        assertThat(appends).extracting(Message::getTo).containsExactlyInAnyOrder(2L, 3L);
        for (Message m : appends) {
            assertThat(m.getEntriesList()).extracting(e -> e.getContext().toStringUtf8(), e -> e.getData().toStringUtf8())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("ctx-a", "a"),
                            org.assertj.core.groups.Tuple.tuple("ctx-b", "b"));
        }
        assertThatThrownBy(() -> c.node(1).raw.proposeBatch(List.of(), List.of(ByteString.copyFromUtf8("x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("0 contexts for 1 commands");
    }

    /** A follower forwards a proposal to the leader, at once (it promises nothing about its own disk). */
    @Test
    void followerForwardsProposalsToTheLeader() {
        Raft r = Fx.raft(2, ids(1, 2, 3), DEFAULTS);
        step(r, msg(MsgHeartbeat, 1, 2, 1));
        take(r);
        r.step(propose(2, Fx.data("x")));
        assertThat(r.msgs).singleElement().satisfies(m -> {
            assertThat(m.getMsgType()).isEqualTo(MsgPropose);
            assertThat(m.getTo()).isEqualTo(1);
            assertThat(m.getEntries(0).getData().toStringUtf8()).isEqualTo("x");
        });
        assertThat(r.raftLog.lastIndex()).isZero();
    }

    @Test
    void noLeaderFollowerRefuses() {
        Raft r = Fx.raft(2, ids(1, 2, 3), DEFAULTS);
        assertDropped(r, Reason.NO_LEADER, () -> r.step(propose(2, Fx.data("x"))));
    }

    @Test
    void candidatesAndPreCandidatesRefuseWithNoLeader() {
        Raft pre = Fx.raft(1, ids(1, 2, 3), DEFAULTS);
        step(pre, msg(MsgHup, 1, 1, 0));
        assertThat(pre.state).isEqualTo(StateRole.PRE_CANDIDATE);
        assertDropped(pre, Reason.NO_LEADER, () -> pre.step(propose(1, Fx.data("x"))));
        Raft cand = Fx.raft(1, ids(1, 2, 3), CLASSIC);
        step(cand, msg(MsgHup, 1, 1, 0));
        assertThat(cand.state).isEqualTo(StateRole.CANDIDATE);
        assertDropped(cand, Reason.NO_LEADER, () -> cand.step(propose(1, Fx.data("x"))));
    }

    @Test
    void forwardingDisabledRefusesWithNotLeader() {
        Raft r = Fx.raft(2, ids(1, 2, 3), b -> b.disableProposalForwarding(true));
        step(r, msg(MsgHeartbeat, 1, 2, 1));
        take(r);
        assertDropped(r, Reason.NOT_LEADER, () -> r.step(propose(2, Fx.data("x"))));
        assertThat(take(r)).isEmpty();
    }

    @Test
    void emptyProposalIsRefused() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        assertDropped(r, Reason.EMPTY, () -> r.step(propose(1)));
    }

    @Test
    void proposalDuringLeaderTransferIsRefused() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        r.step(msg(dev.raftify.proto.eraftpb.MessageType.MsgTransferLeader, 2, 1, 0).build());
        assertThat(r.leadTransferee).isEqualTo(2);
        assertDropped(r, Reason.LEADER_TRANSFER_IN_PROGRESS, () -> r.step(propose(1, Fx.data("x"))));
    }

    /** The uncommitted-size limit: the first proposal always fits; more is refused until entries commit. */
    @Test
    void uncommittedSizeLimitRefusesUntilEntriesCommit() {
        Raft r = Fx.leader(1, ids(1, 2, 3), b -> b.preVote(false).checkQuorum(false).maxUncommittedSize(100));
        String sixty = "z".repeat(60);
        r.step(propose(1, Fx.data(sixty)));
        assertThat(r.uncommittedSize).isEqualTo(60);
        r.step(propose(1, Fx.data("y".repeat(40))));
        assertThat(r.uncommittedSize).isEqualTo(100);
        assertDropped(r, Reason.UNCOMMITTED_SIZE_EXCEEDED, () -> r.step(propose(1, Fx.data("w"))));
        // Empty entries are free.
        r.step(propose(1, Entry.getDefaultInstance()));
        assertThat(r.raftLog.lastIndex()).isEqualTo(4);
        // Committing (handing out) entries frees their size.
        r.reduceUncommittedSize(r.raftLog.entries(2, Long.MAX_VALUE));
        assertThat(r.uncommittedSize).isZero();
        r.step(propose(1, Fx.data(sixty + sixty)));
        assertThat(r.uncommittedSize).isEqualTo(120);
    }

    /** The first proposal is accepted even when larger than the limit (otherwise it could never be). */
    @Test
    void firstProposalAlwaysFitsTheUncommittedLimit() {
        Raft r = Fx.leader(1, ids(1, 2, 3), b -> b.preVote(false).checkQuorum(false).maxUncommittedSize(10));
        r.step(propose(1, Fx.data("x".repeat(50))));
        assertThat(r.raftLog.lastIndex()).isEqualTo(2);
        assertDropped(r, Reason.UNCOMMITTED_SIZE_EXCEEDED, () -> r.step(propose(1, Fx.data("y"))));
    }

    /** Through RawNode: entries handed out as committed free their size, so proposals are accepted again. */
    @Test
    void committedEntriesFreeUncommittedSize() {
        MemStorage s = MemStorage.withVoters(1);
        RawNode n = new RawNode(Fx.cfg(1).maxUncommittedSize(10).build(), s, new Random(1));
        n.campaign();
        Ready rd = n.ready();
        s.write(new WriteBatch(null, rd.entries(), rd.hardState(), null));
        n.advance(rd);
        n.propose(ByteString.EMPTY, ByteString.copyFromUtf8("0123456789"));
        assertThatThrownBy(() -> n.propose(ByteString.EMPTY, ByteString.copyFromUtf8("z")))
                .isInstanceOf(ProposalDroppedException.class);
        while (n.hasReady()) {
            Ready r = n.ready();
            s.write(new WriteBatch(null, r.entries(), r.hardState(), null));
            n.advance(r);
        }
        assertThat(n.raft().uncommittedSize).isZero();
        n.propose(ByteString.EMPTY, ByteString.copyFromUtf8("z"));
    }

    /** A membership change later in a batch is recorded at its own index. */
    @Test
    void membershipChangeInABatchIsRecordedAtItsIndex() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        r.step(propose(1, Fx.data("a"), Fx.data("b"), cc(Fx.v2("v4"))));
        assertThat(r.raftLog.lastIndex()).isEqualTo(4);
        assertThat(r.pendingConfIndex).isEqualTo(4);
    }

    @Test
    void secondMembershipChangeWhileOneIsPendingIsRefused() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        r.step(propose(1, cc(Fx.v2("v4"))));
        assertThat(r.pendingConfIndex).isEqualTo(2);
        assertDropped(r, Reason.CONF_CHANGE_PENDING, () -> r.step(propose(1, cc(Fx.v2("v5")))));
        // Normal proposals still go through.
        r.step(propose(1, Fx.data("x")));
        assertThat(r.raftLog.lastIndex()).isEqualTo(3);
        // Once the change is applied, the next one is accepted.
        r.raftLog.commitTo(2);
        r.raftLog.appliedTo(2);
        r.step(propose(1, cc(Fx.v2("v5"))));
        assertThat(r.pendingConfIndex).isEqualTo(4);
    }

    /** Two membership changes in one batch: the second is refused, and with it the whole batch. */
    @Test
    void twoMembershipChangesInOneBatchAreRefused() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        assertDropped(r, Reason.CONF_CHANGE_PENDING,
                () -> r.step(propose(1, cc(Fx.v2("v4")), cc(Fx.v2("v5")))));
        // Nothing is pending afterwards: a single change is accepted at once.
        r.step(propose(1, cc(Fx.v2("v4"))));
        assertThat(r.pendingConfIndex).isEqualTo(2);
    }

    /** A membership change refused for size must not leave a phantom pending change behind. */
    @Test
    void membershipChangeRefusedForSizeLeavesNoPendingChange() {
        Raft r = Fx.leader(1, ids(1, 2, 3), b -> b.preVote(false).checkQuorum(false).maxUncommittedSize(10));
        r.step(propose(1, Fx.data("0123456789")));
        assertDropped(r, Reason.UNCOMMITTED_SIZE_EXCEEDED, () -> r.step(propose(1, cc(Fx.v2("v4")))));
        // Everything there is gets committed and applied; a membership change must now be accepted.
        r.raftLog.commitTo(2);
        r.raftLog.appliedTo(2);
        r.reduceUncommittedSize(r.raftLog.entries(2, Long.MAX_VALUE));
        r.step(propose(1, cc(Fx.v2("v4"))));
        assertThat(r.raftLog.lastIndex()).isEqualTo(3);
    }

    @Test
    void leavingAJointConfigurationThatIsNotJointIsInvalid() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        assertDropped(r, Reason.INVALID_CONF_CHANGE, () -> r.step(propose(1, cc(ConfChangeV2.getDefaultInstance()))));
    }

    @Test
    void changingAJointConfigurationOtherThanLeavingItIsInvalid() {
        MemStorage s = MemStorage.withVoters(1, 2, 3);
        s.setConfState(MembershipTest.joint(ids(1, 2, 4), ids(1, 2, 3), false));
        Raft r = Fx.raft(1, s, CLASSIC);
        r.becomeCandidate();
        r.becomeLeader();
        r.pendingConfIndex = 0;
        assertDropped(r, Reason.INVALID_CONF_CHANGE, () -> r.step(propose(1, cc(Fx.v2("v5")))));
        assertDropped(r, Reason.INVALID_CONF_CHANGE, () -> r.step(propose(1, cc(Fx.v2("v5").toBuilder()
                .setTransition(ConfChangeTransition.Explicit).build()))));
        r.step(propose(1, cc(ConfChangeV2.getDefaultInstance())));
        assertThat(r.raftLog.lastIndex()).isEqualTo(2);
    }

    /** A leader accepts proposals forwarded by followers and replicates them. */
    @Test
    void leaderAcceptsForwardedProposals() {
        Raft r = Fx.leader(1, ids(1, 2, 3), CLASSIC);
        r.step(propose(2, Fx.data("from-2")));
        assertThat(r.raftLog.lastIndex()).isEqualTo(2);
        List<Message> appends = new ArrayList<>(take(r, MsgAppend));
        assertThat(appends).hasSize(2);
    }
}

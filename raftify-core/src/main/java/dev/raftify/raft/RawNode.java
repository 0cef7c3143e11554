package dev.raftify.raft;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfChange;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.raft.tracker.Progress;
import dev.raftify.storage.Storage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The consensus core's API: a deterministic state machine with no threads, clock or I/O. Time enters as
 * {@link #tick()}, randomness through the injected {@link Random}, messages through {@link #step(Message)}; what
 * the caller must persist, send and apply comes out as a {@link Ready}. Not thread-safe: one thread owns it.
 */
public final class RawNode {
    private final Raft raft;
    private SoftState prevSoftState;
    private HardState prevHardState;
    private Ready outstanding;
    private long readyNumber;

    /**
     * @param config validated settings
     * @param storage the node's storage, read at start-up for the hard state, membership and log
     * @param random the source of randomized election timeouts; seed it for reproducible runs
     */
    public RawNode(RaftConfig config, Storage storage, Random random) {
        this.raft = new Raft(config, storage, random);
        this.prevSoftState = raft.softState();
        this.prevHardState = raft.hardState();
    }

    /** Advances logical time by one tick: elections and heartbeats are counted in ticks. */
    public void tick() {
        raft.tick();
    }

    /** Starts an election now (with a pre-vote round if enabled). */
    public void campaign() {
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgHup).build());
    }

    /**
     * Proposes an application command. On a follower it is forwarded to the leader (unless forwarding is off).
     *
     * @throws ProposalDroppedException if it cannot be accepted; nothing was appended then
     */
    public void propose(ByteString context, ByteString data) {
        Entry e = Entry.newBuilder().setData(data).setContext(context).build();
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgPropose).setFrom(raft.id).addEntries(e).build());
    }

    /** Proposes several commands in one message: they are appended together, in order, or not at all. */
    public void proposeBatch(List<ByteString> data) {
        proposeBatch(java.util.Collections.nCopies(data.size(), ByteString.EMPTY), data);
    }

    /**
     * Proposes several commands, {@code data.get(i)} with {@code contexts.get(i)}, in one message: they are
     * appended together, in order, or not at all, and a leader sends them to its followers once rather than once
     * per command.
     *
     * @throws ProposalDroppedException if they cannot be accepted
     */
    public void proposeBatch(List<ByteString> contexts, List<ByteString> data) {
        if (contexts.size() != data.size()) {
            throw new IllegalArgumentException(contexts.size() + " contexts for " + data.size() + " commands");
        }
        Message.Builder m = Message.newBuilder().setMsgType(MessageType.MsgPropose).setFrom(raft.id);
        for (int i = 0; i < data.size(); i++) {
            m.addEntries(Entry.newBuilder().setData(data.get(i)).setContext(contexts.get(i)));
        }
        raft.step(m.build());
    }

    /**
     * Proposes a membership change. Only one may be pending at a time.
     *
     * @throws ProposalDroppedException if it cannot be accepted
     */
    public void proposeConfChange(ByteString context, ConfChangeV2 cc) {
        Entry e = ConfChangeCodec.encode(cc).toBuilder().setContext(context).build();
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgPropose).setFrom(raft.id).addEntries(e).build());
    }

    /** Proposes a single-step membership change (the raft-rs {@code ConfChange} form). */
    public void proposeConfChange(ByteString context, ConfChange cc) {
        Entry e = ConfChangeCodec.encode(cc).toBuilder().setContext(context).build();
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgPropose).setFrom(raft.id).addEntries(e).build());
    }

    /**
     * Feeds a message received from a peer.
     *
     * @throws IllegalArgumentException for a message type that only the node itself may generate, or a response
     *     from a node that is not a member
     * @throws ProposalDroppedException if it is a forwarded proposal this leader cannot accept
     */
    public void step(Message m) {
        if (isLocalOnly(m.getMsgType())) {
            throw new IllegalArgumentException("message type " + m.getMsgType() + " cannot come from the network");
        }
        if (isResponse(m.getMsgType()) && raft.prs.get(m.getFrom()) == null) {
            throw new IllegalArgumentException(
                    m.getMsgType() + " from " + m.getFrom() + ", which is not a member of the configuration");
        }
        raft.step(m);
    }

    private static boolean isLocalOnly(MessageType t) {
        return t == MessageType.MsgHup || t == MessageType.MsgBeat || t == MessageType.MsgUnreachable
                || t == MessageType.MsgSnapStatus || t == MessageType.MsgCheckQuorum;
    }

    private static boolean isResponse(MessageType t) {
        return t == MessageType.MsgAppendResponse || t == MessageType.MsgRequestVoteResponse
                || t == MessageType.MsgHeartbeatResponse || t == MessageType.MsgUnreachable
                || t == MessageType.MsgRequestPreVoteResponse;
    }

    /**
     * Applies a committed membership change entry's change. Call it when applying that entry.
     *
     * @return the membership after the change
     */
    public ConfState applyConfChange(ConfChangeV2 cc) {
        return raft.applyConfChange(cc);
    }

    /** Applies a committed single-step membership change. */
    public ConfState applyConfChange(ConfChange cc) {
        return raft.applyConfChange(dev.raftify.raft.confchange.ConfChanges.toV2(cc));
    }

    /**
     * Requests a read index. The answer comes in a later Ready's {@link Ready#readStates()} with the same
     * {@code ctx}; a follower forwards the request to the leader.
     *
     * @throws ProposalDroppedException if no leader is known
     */
    public void readIndex(ByteString ctx) {
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgReadIndex).setFrom(raft.id)
                .addEntries(Entry.newBuilder().setData(ctx)).build());
    }

    /** Asks the leader to hand leadership to {@code transferee}; it catches the target up first. */
    public void transferLeader(long transferee) {
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgTransferLeader).setFrom(transferee).build());
    }

    /** Tells the leader a message to {@code id} could not be delivered, so it goes back to probing. */
    public void reportUnreachable(long id) {
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgUnreachable).setFrom(id).build());
    }

    /** Tells the leader how sending a snapshot to {@code id} ended. */
    public void reportSnapshot(long id, SnapshotStatus status) {
        raft.step(Message.newBuilder().setMsgType(MessageType.MsgSnapStatus).setFrom(id)
                .setReject(status == SnapshotStatus.FAILURE).build());
    }

    /** Asks the leader for a fresh snapshot (for example after this node's state machine lost data). */
    public void requestSnapshot() {
        raft.requestSnapshot();
    }

    /** Whether there is anything to persist, send or apply; false while a Ready is outstanding. */
    public boolean hasReady() {
        if (outstanding != null) {
            return false;
        }
        if (!raft.softState().equals(prevSoftState)) {
            return true;
        }
        HardState hs = raft.hardState();
        if (!hs.equals(prevHardState)) {
            return true;
        }
        RaftLog log = raft.raftLog;
        return log.unstable().snapshot() != null
                || !log.unstable().entries().isEmpty()
                || !raft.msgs.isEmpty()
                || !raft.msgsAfterPersist.isEmpty()
                || log.hasNextCommittedEntries()
                || !raft.readStates.isEmpty();
    }

    /**
     * Takes what the caller must do now; see {@link Ready} for the order.
     *
     * @throws IllegalStateException if the previous Ready was not advanced yet
     */
    public Ready ready() {
        if (outstanding != null) {
            throw new IllegalStateException("Ready #" + outstanding.number() + " was not advanced yet");
        }
        RaftLog log = raft.raftLog;
        SoftState ss = raft.softState();
        SoftState softState = ss.equals(prevSoftState) ? null : ss;
        HardState hs = raft.hardState();
        HardState hardState = hs.equals(prevHardState) ? null : hs;
        List<Entry> entries = log.unstableEntries();
        Snapshot snapshot = log.unstable().snapshot();
        List<Entry> committed = log.nextCommittedEntries();
        boolean termOrVoteChanged = hardState != null
                && (hs.getTerm() != prevHardState.getTerm() || hs.getVote() != prevHardState.getVote());
        boolean mustSync = !entries.isEmpty() || snapshot != null || termOrVoteChanged;
        List<Message> early = raft.msgs;
        List<Message> afterPersist = raft.msgsAfterPersist;
        if (termOrVoteChanged && !early.isEmpty()) {
            // Nothing may leave before the term and vote it is sent in are durable. A single voter elects itself
            // within one Ready: had its appends of the new term left before the term was written, a crash could
            // let it lead that term again with another log, and two different entries would share an index and
            // term on different nodes.
            afterPersist = new ArrayList<>(early);
            afterPersist.addAll(raft.msgsAfterPersist);
            early = List.of();
        }
        Ready rd = new Ready(++readyNumber, softState, hardState, raft.readStates, entries, snapshot, committed,
                early, afterPersist, mustSync);
        raft.msgs.clear();
        raft.msgsAfterPersist.clear();
        raft.readStates.clear();
        prevSoftState = ss;
        if (hardState != null) {
            prevHardState = hs;
        }
        if (!committed.isEmpty()) {
            log.applyingTo(committed.get(committed.size() - 1).getIndex());
            raft.reduceUncommittedSize(committed);
        }
        if (snapshot != null) {
            log.applyingTo(snapshot.getMetadata().getIndex());
        }
        outstanding = rd;
        return rd;
    }

    /** The caller did everything {@code rd} asked, including applying its committed entries. */
    public void advance(Ready rd) {
        advanceAppend(rd);
        long applied = raft.raftLog.applied();
        if (!rd.committedEntries().isEmpty()) {
            applied = rd.committedEntries().get(rd.committedEntries().size() - 1).getIndex();
        }
        if (rd.snapshot() != null) {
            applied = Math.max(applied, rd.snapshot().getMetadata().getIndex());
        }
        advanceApply(applied);
    }

    /**
     * The caller persisted {@code rd} and sent its messages; its committed entries may still be being applied
     * (report that with {@link #advanceApply(long)}). The next Ready may be taken after this.
     */
    public void advanceAppend(Ready rd) {
        if (outstanding == null || outstanding.number() != rd.number()) {
            throw new IllegalStateException("Ready #" + rd.number() + " is not the outstanding one ("
                    + (outstanding == null ? "none" : "#" + outstanding.number()) + ")");
        }
        outstanding = null;
        if (rd.snapshot() != null) {
            raft.raftLog.stableSnapTo(rd.snapshot().getMetadata().getIndex());
        }
        if (!rd.entries().isEmpty()) {
            Entry last = rd.entries().get(rd.entries().size() - 1);
            raft.onPersistedEntries(last.getIndex(), last.getTerm());
        }
    }

    /** The state machine has applied everything up to {@code applied}. */
    public void advanceApply(long applied) {
        raft.appliedTo(applied);
    }

    /** A copy of the node's current state. */
    public Status status() {
        Map<Long, Status.PeerProgress> progress = Collections.emptyMap();
        if (raft.state == StateRole.LEADER) {
            progress = new LinkedHashMap<>();
            for (Map.Entry<Long, Progress> e : raft.prs.progress().entrySet()) {
                Progress p = e.getValue();
                progress.put(e.getKey(), new Status.PeerProgress(p.matchIndex(), p.nextIndex(), p.state().name(),
                        p.inflights().count(), p.isLearner(), p.isRecentActive(), p.pendingSnapshot()));
            }
        }
        RaftLog log = raft.raftLog;
        return new Status(raft.id, raft.hardState(), raft.softState(), log.applied(), log.firstIndex(),
                log.lastIndex(), log.persisted(), raft.prs.confState(), raft.leadTransferee, progress);
    }

    /** This node's id. */
    public long id() {
        return raft.id;
    }

    /** The index of the last entry in this node's log (cheap, unlike {@link #status()}). */
    public long lastIndex() {
        return raft.raftLog.lastIndex();
    }

    /** This node's current term. */
    public long term() {
        return raft.term;
    }

    /** The leader this node knows of in its current term, or 0. */
    public long leaderId() {
        return raft.leaderId;
    }

    /** This node's role. */
    public StateRole role() {
        return raft.state;
    }

    /** The commit index this node knows. */
    public long committedIndex() {
        return raft.raftLog.committed();
    }

    // Package-private views for tests in this package.
    Raft raft() {
        return raft;
    }

    List<Message> pendingMessagesForTest() {
        List<Message> all = new ArrayList<>(raft.msgs);
        all.addAll(raft.msgsAfterPersist);
        return all;
    }
}

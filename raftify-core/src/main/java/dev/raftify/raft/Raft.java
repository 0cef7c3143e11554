package dev.raftify.raft;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.raft.confchange.Changer;
import dev.raftify.raft.confchange.ConfChanges;
import dev.raftify.raft.confchange.Restorer;
import dev.raftify.raft.quorum.VoteResult;
import dev.raftify.raft.tracker.Progress;
import dev.raftify.raft.tracker.ProgressState;
import dev.raftify.raft.tracker.ProgressTracker;
import dev.raftify.raft.tracker.TrackerConfig;
import dev.raftify.storage.CompactedException;
import dev.raftify.storage.RaftState;
import dev.raftify.storage.SnapshotTemporarilyUnavailableException;
import dev.raftify.storage.Storage;
import dev.raftify.storage.UnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The Raft state machine of one node: roles, terms and votes, replication, commitment, membership, leader
 * transfer and read index. Pure: it reads {@link Storage}, never writes it, and produces messages into two lists
 * that {@link RawNode} hands out in a {@link Ready}.
 *
 * <p>Behaviour per role lives in {@link #stepLeader}, {@link #stepCandidate} and {@link #stepFollower}; what
 * every role does with terms and votes lives in {@link #step}.
 */
final class Raft {
    static final long NONE = 0;
    /** Context of a vote request sent because of a leader transfer: voters must not ignore it for their lease. */
    static final ByteString CAMPAIGN_TRANSFER = ByteString.copyFromUtf8("CampaignTransfer");

    final long id;
    long term;
    long vote;
    long leaderId = NONE;
    StateRole state = StateRole.FOLLOWER;
    boolean isLearner;

    final RaftLog raftLog;
    final ProgressTracker prs;
    ReadOnly readOnly;
    final List<ReadState> readStates = new ArrayList<>();

    /** Messages that may be sent at once (the leader's replication traffic may precede its own fsync). */
    final List<Message> msgs = new ArrayList<>();
    /** Messages that may be sent only once this Ready's entries and hard state are persisted. */
    final List<Message> msgsAfterPersist = new ArrayList<>();

    long leadTransferee = NONE;
    /** The highest index of a membership change in the log; a new one waits until it is applied. */
    long pendingConfIndex;
    long uncommittedSize;
    /** Read index requests that arrived before this leader committed an entry of its term. */
    final List<Message> pendingReadIndexMessages = new ArrayList<>();

    int electionElapsed;
    int heartbeatElapsed;
    int randomizedElectionTimeout;

    final RaftConfig config;
    private final Random random;

    Raft(RaftConfig config, Storage storage, Random random) {
        this.config = config;
        this.id = config.id();
        this.random = random;
        this.raftLog = new RaftLog(storage, config.maxCommittedSizePerReady());
        this.prs = new ProgressTracker(config.maxInflightMsgs(), config.maxInflightBytes());
        this.readOnly = new ReadOnly(config.readOnlyOption());

        RaftState rs = storage.initialState();
        Changer.Result restored = Restorer.restore(
                rs.confState(), raftLog.lastIndex(), config.maxInflightMsgs(), config.maxInflightBytes());
        ConfState cs = switchToConfig(restored.config(), restored.progress());
        if (!cs.equals(rs.confState())) {
            throw new IllegalStateException("restored membership " + cs + " differs from stored " + rs.confState());
        }
        HardState hs = rs.hardState();
        if (!hs.equals(HardState.getDefaultInstance())) {
            loadState(hs);
        }
        if (config.applied() > 0) {
            raftLog.appliedTo(Math.min(config.applied(), raftLog.committed()));
        }
        becomeFollower(term, NONE);
    }

    private void loadState(HardState hs) {
        if (hs.getCommit() < raftLog.committed() || hs.getCommit() > raftLog.lastIndex()) {
            throw new IllegalStateException("stored commit " + hs.getCommit() + " is out of range ["
                    + raftLog.committed() + ", " + raftLog.lastIndex() + "]");
        }
        raftLog.commitTo(hs.getCommit());
        term = hs.getTerm();
        vote = hs.getVote();
    }

    HardState hardState() {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(raftLog.committed()).build();
    }

    SoftState softState() {
        return new SoftState(leaderId, state);
    }

    /** A node may campaign only if it is a voter of the current configuration (learners and removed nodes not). */
    boolean promotable() {
        Progress pr = prs.get(id);
        return pr != null && !pr.isLearner() && !raftLog.unstableSnapshotPending();
    }

    // ---------------------------------------------------------------- sending

    private void send(Message.Builder m) {
        if (m.getFrom() == NONE) {
            m.setFrom(id);
        }
        MessageType t = m.getMsgType();
        if (isVoteMessage(t)) {
            if (m.getTerm() == 0) {
                // Vote messages carry the term they are for (the next term for pre-votes), never 0.
                throw new IllegalStateException("term must be set when sending " + t);
            }
        } else {
            if (m.getTerm() != 0) {
                throw new IllegalStateException("term must not be set when sending " + t + " (was " + m.getTerm() + ")");
            }
            // Proposals and read index requests forwarded to the leader are local messages: no term.
            if (t != MessageType.MsgPropose && t != MessageType.MsgReadIndex) {
                m.setTerm(term);
            }
        }
        Message msg = m.build();
        if (sendableBeforePersist(t)) {
            msgs.add(msg);
        } else {
            msgsAfterPersist.add(msg);
        }
    }

    private static boolean isVoteMessage(MessageType t) {
        return t == MessageType.MsgRequestVote || t == MessageType.MsgRequestVoteResponse
                || t == MessageType.MsgRequestPreVote || t == MessageType.MsgRequestPreVoteResponse;
    }

    /**
     * Thesis §10.2.1: the leader may send its entries before writing them to its own disk, since it counts itself
     * toward a quorum only once they are persisted. Everything else (votes, acknowledgements) promises something
     * about this node's disk and must wait until the Ready is persisted.
     */
    private boolean sendableBeforePersist(MessageType t) {
        switch (t) {
            case MsgPropose:
            case MsgReadIndex:
            case MsgTransferLeader:
                return true;
            case MsgAppend:
            case MsgHeartbeat:
            case MsgSnapshot:
            case MsgTimeoutNow:
            case MsgReadIndexResp:
                return state == StateRole.LEADER;
            default:
                return false;
        }
    }

    /** Sends an append (or a snapshot, if the follower needs entries we no longer have) if there is anything. */
    void sendAppend(long to) {
        maybeSendAppend(to, true);
    }

    /**
     * @param sendIfEmpty send even with no new entries (to probe, or to carry the commit index)
     * @return whether a message was sent
     */
    boolean maybeSendAppend(long to, boolean sendIfEmpty) {
        Progress pr = prs.get(to);
        if (pr == null || pr.isPaused()) {
            return false;
        }
        if (pr.pendingRequestSnapshot() != 0) {
            return sendSnapshot(to, pr);
        }
        long prevIndex = pr.nextIndex() - 1;
        long prevTerm;
        List<Entry> ents;
        try {
            prevTerm = raftLog.term(prevIndex);
            ents = raftLog.entries(pr.nextIndex(), config.maxSizePerMsg());
        } catch (CompactedException | UnavailableException e) {
            // The follower needs entries we compacted: it gets the snapshot instead.
            return sendSnapshot(to, pr);
        }
        if (ents.isEmpty() && !sendIfEmpty) {
            return false;
        }
        long bytes = 0;
        for (Entry e : ents) {
            bytes += e.getSerializedSize();
        }
        send(Message.newBuilder().setMsgType(MessageType.MsgAppend).setTo(to)
                .setIndex(prevIndex).setLogTerm(prevTerm).addAllEntries(ents).setCommit(raftLog.committed()));
        pr.sentEntries(ents.size(), bytes);
        return true;
    }

    private boolean sendSnapshot(long to, Progress pr) {
        if (!pr.isRecentActive()) {
            // A snapshot is expensive; do not send one to a node that may be down.
            return false;
        }
        Snapshot snapshot;
        try {
            snapshot = raftLog.snapshot(pr.pendingRequestSnapshot(), to);
        } catch (SnapshotTemporarilyUnavailableException e) {
            return false;
        }
        if (snapshot.getMetadata().getIndex() == 0) {
            throw new IllegalStateException("need a non-empty snapshot to send to " + to);
        }
        pr.becomeSnapshot(snapshot.getMetadata().getIndex());
        send(Message.newBuilder().setMsgType(MessageType.MsgSnapshot).setTo(to).setSnapshot(snapshot));
        return true;
    }

    private void sendHeartbeat(long to, ByteString ctx) {
        // Never tell a follower to commit past what it is known to have: it may not have those entries yet.
        Progress pr = prs.get(to);
        long commit = Math.min(pr.matchIndex(), raftLog.committed());
        Message.Builder m = Message.newBuilder().setMsgType(MessageType.MsgHeartbeat).setTo(to).setCommit(commit);
        if (ctx != null) {
            m.setContext(ctx);
        }
        send(m);
    }

    void bcastAppend() {
        for (long to : prs.progress().keySet()) {
            if (to != id) {
                sendAppend(to);
            }
        }
    }

    void bcastHeartbeat() {
        ByteString ctx = readOnly.lastPendingRequestCtx();
        bcastHeartbeatWithCtx(ctx);
    }

    private void bcastHeartbeatWithCtx(ByteString ctx) {
        for (long to : prs.progress().keySet()) {
            if (to != id) {
                sendHeartbeat(to, ctx);
            }
        }
    }

    private void sendTimeoutNow(long to) {
        send(Message.newBuilder().setMsgType(MessageType.MsgTimeoutNow).setTo(to));
    }

    // ---------------------------------------------------------------- commit and append

    /** Advances the commit index to what a quorum has persisted, if that entry is of the current term. */
    boolean maybeCommit() {
        return raftLog.maybeCommit(prs.committed(), term);
    }

    /**
     * Appends entries proposed to this leader, stamped with its term and the next indexes.
     *
     * @return false if the uncommitted size limit refuses them
     */
    boolean appendEntries(List<Entry> es) {
        long li = raftLog.lastIndex();
        List<Entry> stamped = new ArrayList<>(es.size());
        for (int i = 0; i < es.size(); i++) {
            stamped.add(es.get(i).toBuilder().setTerm(term).setIndex(li + 1 + i).build());
        }
        if (!increaseUncommittedSize(stamped)) {
            return false;
        }
        raftLog.append(stamped);
        // The leader's own acknowledgement comes when the caller reports these entries persisted (onPersisted).
        return true;
    }

    private static long payloadSize(List<Entry> es) {
        long s = 0;
        for (Entry e : es) {
            s += e.getData().size();
        }
        return s;
    }

    private boolean increaseUncommittedSize(List<Entry> es) {
        long s = payloadSize(es);
        // An empty entry (a new leader's, or a leave-joint) must always be accepted, and so must the first one.
        if (uncommittedSize > 0 && s > 0 && uncommittedSize + s > config.maxUncommittedSize()) {
            return false;
        }
        uncommittedSize += s;
        return true;
    }

    void reduceUncommittedSize(List<Entry> es) {
        if (state != StateRole.LEADER) {
            return;
        }
        long s = payloadSize(es);
        // A leader elected after some entries were proposed tracks only what it proposed: never go below 0.
        uncommittedSize = Math.max(0, uncommittedSize - s);
    }

    /** The caller persisted entries up to {@code index} of {@code term}. */
    void onPersistedEntries(long index, long term) {
        raftLog.stableTo(index, term);
        if (state == StateRole.LEADER) {
            Progress self = prs.get(id);
            if (self != null && self.maybeUpdate(raftLog.persisted())) {
                if (maybeCommit()) {
                    releasePendingReadIndexMessages();
                    bcastAppend();
                }
            }
        }
    }

    // ---------------------------------------------------------------- role changes

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = NONE;
        }
        leaderId = NONE;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        resetRandomizedElectionTimeout();
        abortLeaderTransfer();
        prs.resetVotes();
        long last = raftLog.lastIndex();
        for (Map.Entry<Long, Progress> e : prs.progress().entrySet()) {
            Progress pr = e.getValue();
            pr.reset(last + 1);
            if (e.getKey() == id) {
                // The leader's own match is what it has on disk, never more.
                pr.setMatchIndex(raftLog.persisted());
            }
        }
        pendingConfIndex = 0;
        uncommittedSize = 0;
        readOnly = new ReadOnly(config.readOnlyOption());
        pendingReadIndexMessages.clear();
    }

    void resetRandomizedElectionTimeout() {
        int min = config.minElectionTick();
        int max = config.maxElectionTick();
        randomizedElectionTimeout = min + random.nextInt(max - min);
    }

    void becomeFollower(long newTerm, long leader) {
        reset(newTerm);
        leaderId = leader;
        state = StateRole.FOLLOWER;
    }

    void becomeCandidate() {
        if (state == StateRole.LEADER) {
            throw new IllegalStateException("invalid transition [leader -> candidate]");
        }
        reset(term + 1);
        vote = id;
        state = StateRole.CANDIDATE;
    }

    void becomePreCandidate() {
        if (state == StateRole.LEADER) {
            throw new IllegalStateException("invalid transition [leader -> pre-candidate]");
        }
        // A pre-candidate changes neither its term nor its vote, so a failed pre-vote disturbs nobody.
        prs.resetVotes();
        leaderId = NONE;
        state = StateRole.PRE_CANDIDATE;
    }

    void becomeLeader() {
        if (state == StateRole.FOLLOWER) {
            throw new IllegalStateException("invalid transition [follower -> leader]");
        }
        reset(term);
        leaderId = id;
        state = StateRole.LEADER;
        Progress self = prs.get(id);
        self.becomeReplicate();
        self.setRecentActive(true);
        // Conservatively assume the log tail may hold a membership change not yet applied.
        pendingConfIndex = raftLog.lastIndex();
        // An empty entry of the new term: once committed it commits everything before it (Figure 8), and it
        // lets read index requests be served.
        if (!appendEntries(List.of(Entry.getDefaultInstance()))) {
            throw new IllegalStateException("empty entry was dropped");
        }
        // It must not count toward the uncommitted size limit.
        uncommittedSize = 0;
    }

    private void hup(boolean transfer) {
        if (state == StateRole.LEADER) {
            return;
        }
        if (!promotable()) {
            return;
        }
        // A membership change committed but not applied could change who may vote; wait until it is applied.
        if (raftLog.hasUnappliedConfChanges()) {
            return;
        }
        if (config.preVote() && !transfer) {
            campaign(true, false);
        } else {
            campaign(false, transfer);
        }
    }

    private void campaign(boolean preVote, boolean transfer) {
        MessageType voteMsg;
        long voteTerm;
        if (preVote) {
            becomePreCandidate();
            voteMsg = MessageType.MsgRequestPreVote;
            // Pre-votes are for the next term, without raising ours.
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteMsg = MessageType.MsgRequestVote;
            voteTerm = term;
        }
        if (poll(id, voteRespType(voteMsg), true) == VoteResult.WON) {
            // A single-voter configuration wins at once.
            if (preVote) {
                campaign(false, transfer);
            } else {
                becomeLeader();
            }
            return;
        }
        long lastIndex = raftLog.lastIndex();
        long lastTerm = raftLog.lastTerm();
        for (long voter : prs.voterIds()) {
            if (voter == id) {
                continue;
            }
            Message.Builder m = Message.newBuilder().setMsgType(voteMsg).setTo(voter).setTerm(voteTerm)
                    .setIndex(lastIndex).setLogTerm(lastTerm).setCommit(raftLog.committed());
            if (transfer) {
                m.setContext(CAMPAIGN_TRANSFER);
            }
            send(m);
        }
    }

    private static MessageType voteRespType(MessageType t) {
        return t == MessageType.MsgRequestVote
                ? MessageType.MsgRequestVoteResponse
                : MessageType.MsgRequestPreVoteResponse;
    }

    private VoteResult poll(long from, MessageType t, boolean granted) {
        prs.recordVote(from, granted);
        return prs.tallyVotes().result();
    }

    // ---------------------------------------------------------------- ticks

    void tick() {
        if (state == StateRole.LEADER) {
            tickHeartbeat();
        } else {
            tickElection();
        }
    }

    private void tickElection() {
        electionElapsed++;
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            step(Message.newBuilder().setMsgType(MessageType.MsgHup).setFrom(id).build());
        }
    }

    private void tickHeartbeat() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= config.electionTick()) {
            electionElapsed = 0;
            if (config.checkQuorum()) {
                step(Message.newBuilder().setMsgType(MessageType.MsgCheckQuorum).setFrom(id).build());
            }
            // A transfer that did not finish within an election timeout is abandoned: lead again.
            if (state == StateRole.LEADER && leadTransferee != NONE) {
                abortLeaderTransfer();
            }
        }
        if (state != StateRole.LEADER) {
            return;
        }
        if (heartbeatElapsed >= config.heartbeatTick()) {
            heartbeatElapsed = 0;
            step(Message.newBuilder().setMsgType(MessageType.MsgBeat).setFrom(id).build());
        }
    }

    // ---------------------------------------------------------------- step

    /**
     * Handles one message. Term rules shared by all roles are applied here; the rest is the role's.
     *
     * @throws ProposalDroppedException if the message was a proposal that cannot be accepted
     */
    void step(Message m) {
        if (m.getTerm() == 0) {
            // A local message.
        } else if (m.getTerm() > term) {
            if (m.getMsgType() == MessageType.MsgRequestVote || m.getMsgType() == MessageType.MsgRequestPreVote) {
                boolean force = m.getContext().equals(CAMPAIGN_TRANSFER);
                boolean inLease = config.checkQuorum() && leaderId != NONE
                        && electionElapsed < config.electionTick();
                if (!force && inLease) {
                    // We heard from a leader within the minimum election timeout: this candidate is disruptive
                    // (thesis §4.2.3). Neither update the term nor grant the vote.
                    return;
                }
            }
            if (m.getMsgType() == MessageType.MsgRequestPreVote) {
                // Never change our term in response to a pre-vote.
            } else if (m.getMsgType() == MessageType.MsgRequestPreVoteResponse && !m.getReject()) {
                // Granted pre-votes carry the future term; we raise ours when the pre-vote round is won.
            } else {
                MessageType t = m.getMsgType();
                if (t == MessageType.MsgAppend || t == MessageType.MsgHeartbeat || t == MessageType.MsgSnapshot) {
                    becomeFollower(m.getTerm(), m.getFrom());
                } else {
                    becomeFollower(m.getTerm(), NONE);
                }
            }
        } else if (m.getTerm() < term) {
            MessageType t = m.getMsgType();
            if ((config.checkQuorum() || config.preVote())
                    && (t == MessageType.MsgHeartbeat || t == MessageType.MsgAppend)) {
                // A stale leader (for example one that was partitioned away) would never learn the new term if we
                // ignored it: with check-quorum or pre-vote, our own elections may not raise its term. Tell it.
                send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom()));
            } else if (t == MessageType.MsgRequestPreVote) {
                // Reject with our term so the pre-candidate learns it is behind.
                send(Message.newBuilder().setMsgType(MessageType.MsgRequestPreVoteResponse).setTo(m.getFrom())
                        .setTerm(term).setReject(true));
            }
            // Anything else from an older term is ignored.
            return;
        }

        switch (m.getMsgType()) {
            case MsgHup:
                hup(false);
                break;
            case MsgRequestVote:
            case MsgRequestPreVote:
                handleVoteRequest(m);
                break;
            default:
                switch (state) {
                    case LEADER -> stepLeader(m);
                    case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
                    case FOLLOWER -> stepFollower(m);
                }
        }
    }

    private void handleVoteRequest(Message m) {
        boolean preVote = m.getMsgType() == MessageType.MsgRequestPreVote;
        // We may vote if we already voted for this candidate (a repeated request), or have not voted and know no
        // leader in this term, or it is a pre-vote for a later term.
        boolean canVote = vote == m.getFrom()
                || (vote == NONE && leaderId == NONE)
                || (preVote && m.getTerm() > term);
        MessageType resp = voteRespType(m.getMsgType());
        if (canVote && raftLog.isUpToDate(m.getIndex(), m.getLogTerm())) {
            // The response carries the request's term: a pre-candidate counts only answers for its future term.
            send(Message.newBuilder().setMsgType(resp).setTo(m.getFrom()).setTerm(m.getTerm()));
            if (!preVote) {
                electionElapsed = 0;
                vote = m.getFrom();
            }
        } else {
            // Say what we know committed: the candidate may not know that a membership change committed (see
            // maybeCommitByVote).
            long commit = raftLog.committed();
            send(Message.newBuilder().setMsgType(resp).setTo(m.getFrom()).setTerm(term).setReject(true)
                    .setCommit(commit).setCommitTerm(raftLog.termOrZero(commit)));
        }
    }

    private void stepLeader(Message m) {
        switch (m.getMsgType()) {
            case MsgBeat:
                bcastHeartbeat();
                return;
            case MsgCheckQuorum: {
                Progress self = prs.get(id);
                if (self != null) {
                    self.setRecentActive(true);
                }
                if (!prs.quorumActive()) {
                    becomeFollower(term, NONE);
                }
                // Mark everyone inactive until they speak again within the next election timeout.
                for (Map.Entry<Long, Progress> e : prs.progress().entrySet()) {
                    if (e.getKey() != id) {
                        e.getValue().setRecentActive(false);
                    }
                }
                return;
            }
            case MsgPropose:
                stepLeaderPropose(m);
                return;
            case MsgReadIndex:
                stepLeaderReadIndex(m);
                return;
            default:
                break;
        }

        Progress pr = prs.get(m.getFrom());
        if (pr == null) {
            return;
        }
        switch (m.getMsgType()) {
            case MsgAppendResponse -> handleAppendResponse(m, pr);
            case MsgHeartbeatResponse -> handleHeartbeatResponse(m, pr);
            case MsgSnapStatus -> {
                if (pr.state() != ProgressState.SNAPSHOT) {
                    return;
                }
                if (m.getReject()) {
                    // The snapshot did not arrive; forget it so the next probe decides afresh.
                    pr.setPendingSnapshot(0);
                }
                pr.becomeProbe();
                // Wait for a heartbeat response (or the next append response) before probing again.
                pr.setProbeSent(true);
                // The follower's snapshot request is answered (or the follower asks again): otherwise every later
                // append to it would turn into the same snapshot, which it may refuse as not newer than its commit.
                pr.setPendingRequestSnapshot(0);
            }
            case MsgUnreachable -> {
                // Optimistic replication assumed delivery; an unreachable peer goes back to probing.
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
            }
            case MsgTransferLeader -> handleTransferLeader(m, pr);
            default -> {
                // Other messages mean nothing to a leader of this term.
            }
        }
    }

    private void stepLeaderPropose(Message m) {
        if (m.getEntriesCount() == 0) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.EMPTY, "proposal has no entries");
        }
        if (prs.get(id) == null) {
            // Removed from the configuration while still leading: stop accepting writes.
            throw new ProposalDroppedException(ProposalDroppedException.Reason.NOT_A_MEMBER,
                    "node " + id + " is no longer a member of the cluster");
        }
        if (leadTransferee != NONE) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.LEADER_TRANSFER_IN_PROGRESS,
                    "leadership is being transferred to " + leadTransferee);
        }
        List<Entry> entries = m.getEntriesList();
        // Recorded only once the entries are appended: a refused proposal must not leave a phantom pending change.
        long newPendingConfIndex = pendingConfIndex;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            ConfChangeV2 cc = ConfChangeCodec.decode(e);
            if (cc == null) {
                continue;
            }
            boolean alreadyPending = newPendingConfIndex > raftLog.applied();
            boolean alreadyJoint = prs.config().voters().isJoint();
            boolean wantsLeaveJoint = ConfChanges.leaveJoint(cc);
            if (alreadyPending) {
                throw new ProposalDroppedException(ProposalDroppedException.Reason.CONF_CHANGE_PENDING,
                        "a membership change at index " + newPendingConfIndex + " is not applied yet (applied "
                                + raftLog.applied() + ")");
            }
            if (alreadyJoint && !wantsLeaveJoint) {
                throw new ProposalDroppedException(ProposalDroppedException.Reason.INVALID_CONF_CHANGE,
                        "the configuration is joint; it must be left before another change");
            }
            if (!alreadyJoint && wantsLeaveJoint) {
                throw new ProposalDroppedException(ProposalDroppedException.Reason.INVALID_CONF_CHANGE,
                        "cannot leave a joint configuration: the configuration is not joint");
            }
            // Only one membership change per proposal batch.
            newPendingConfIndex = raftLog.lastIndex() + i + 1;
        }
        if (!appendEntries(entries)) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.UNCOMMITTED_SIZE_EXCEEDED,
                    "uncommitted entries (" + uncommittedSize + " bytes) exceed maxUncommittedSize ("
                            + config.maxUncommittedSize() + ")");
        }
        pendingConfIndex = newPendingConfIndex;
        bcastAppend();
    }

    private void stepLeaderReadIndex(Message m) {
        // Thesis §6.4: a new leader does not know the latest commit index until it commits an entry of its term.
        // A single voter is no exception: its commit index counts only once its own write is persisted, so after a
        // restart it may lag what it committed (and others learned) before the crash.
        if (!committedEntryInCurrentTerm()) {
            pendingReadIndexMessages.add(m);
            return;
        }
        sendReadIndexResponse(m);
    }

    private void sendReadIndexResponse(Message m) {
        if (prs.isSingleton()) {
            // Alone, our commit index is authoritative (now that it covers an entry of our term).
            respondToReadIndex(m, raftLog.committed());
        } else if (readOnly.option() == ReadOnlyOption.SAFE) {
            ByteString ctx = m.getEntries(0).getData();
            readOnly.addRequest(raftLog.committed(), m);
            // Our own acknowledgement.
            readOnly.recvAck(id, ctx);
            bcastHeartbeatWithCtx(ctx);
        } else {
            respondToReadIndex(m, raftLog.committed());
        }
    }

    boolean committedEntryInCurrentTerm() {
        return raftLog.termOrZero(raftLog.committed()) == term;
    }

    void releasePendingReadIndexMessages() {
        if (pendingReadIndexMessages.isEmpty() || !committedEntryInCurrentTerm()) {
            return;
        }
        List<Message> pending = new ArrayList<>(pendingReadIndexMessages);
        pendingReadIndexMessages.clear();
        for (Message m : pending) {
            sendReadIndexResponse(m);
        }
    }

    private void respondToReadIndex(Message req, long readIndex) {
        if (req.getFrom() == NONE || req.getFrom() == id) {
            readStates.add(new ReadState(readIndex, req.getEntries(0).getData()));
        } else {
            send(Message.newBuilder().setMsgType(MessageType.MsgReadIndexResp).setTo(req.getFrom())
                    .setIndex(readIndex).addAllEntries(req.getEntriesList()));
        }
    }

    private void handleAppendResponse(Message m, Progress pr) {
        pr.setRecentActive(true);
        if (m.getReject()) {
            long nextProbeIdx = m.getRejectHint();
            if (m.getLogTerm() > 0) {
                // The follower told us the term at its hint: skip every entry of ours with a larger term, since
                // the follower cannot match any of them.
                nextProbeIdx = raftLog.findConflictByTerm(m.getRejectHint(), m.getLogTerm())[0];
            }
            if (pr.maybeDecrTo(m.getIndex(), nextProbeIdx, m.getRequestSnapshot())) {
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(m.getFrom());
            }
            return;
        }
        boolean oldPaused = pr.isPaused();
        if (!pr.maybeUpdate(m.getIndex())) {
            return;
        }
        switch (pr.state()) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                // The follower caught up past the snapshot: replicate normally again.
                if (pr.matchIndex() + 1 >= raftLog.firstIndex() || pr.matchIndex() >= pr.pendingSnapshot()) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights().freeTo(m.getIndex());
        }
        if (maybeCommit()) {
            releasePendingReadIndexMessages();
            bcastAppend();
        } else if (oldPaused) {
            // The follower was paused and may now have room: do not make it wait for the next heartbeat.
            sendAppend(m.getFrom());
        }
        // Fill the follower's window with whatever is left.
        while (maybeSendAppend(m.getFrom(), false)) {
            // keep sending
        }
        if (m.getFrom() == leadTransferee && pr.matchIndex() == raftLog.lastIndex()) {
            // The transfer target has caught up: tell it to campaign now.
            sendTimeoutNow(m.getFrom());
        }
    }

    private void handleHeartbeatResponse(Message m, Progress pr) {
        pr.setRecentActive(true);
        pr.setProbeSent(false);
        if (pr.state() == ProgressState.REPLICATE && pr.inflights().full()) {
            // A heartbeat answered while the window is full: free one slot so replication cannot stall forever.
            pr.inflights().freeFirstOne();
        }
        if (pr.matchIndex() < raftLog.lastIndex()) {
            sendAppend(m.getFrom());
        } else if (m.getFrom() == leadTransferee) {
            // The target is caught up but still follows: the MsgTimeoutNow was lost. Send it again rather than
            // let the transfer time out.
            sendTimeoutNow(m.getFrom());
        }
        if (readOnly.option() != ReadOnlyOption.SAFE || m.getContext().isEmpty()) {
            return;
        }
        Map<Long, Boolean> acks = readOnly.recvAck(m.getFrom(), m.getContext());
        if (acks == null || prs.config().voters().voteResult(acks) != VoteResult.WON) {
            return;
        }
        for (ReadOnly.ReadIndexStatus rs : readOnly.advance(m.getContext())) {
            respondToReadIndex(rs.request, rs.index);
        }
    }

    private void handleTransferLeader(Message m, Progress pr) {
        if (pr.isLearner()) {
            return;
        }
        long transferee = m.getFrom();
        if (leadTransferee != NONE) {
            if (leadTransferee == transferee) {
                return;
            }
            abortLeaderTransfer();
        }
        if (transferee == id) {
            return;
        }
        // The transfer must finish within an election timeout (see tickHeartbeat).
        electionElapsed = 0;
        leadTransferee = transferee;
        if (pr.matchIndex() == raftLog.lastIndex()) {
            sendTimeoutNow(transferee);
        } else {
            sendAppend(transferee);
        }
    }

    void abortLeaderTransfer() {
        leadTransferee = NONE;
    }

    private void stepCandidate(Message m) {
        MessageType myVoteResp = state == StateRole.PRE_CANDIDATE
                ? MessageType.MsgRequestPreVoteResponse
                : MessageType.MsgRequestVoteResponse;
        MessageType t = m.getMsgType();
        if (t == MessageType.MsgPropose) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.NO_LEADER,
                    "no leader at term " + term + "; an election is under way");
        } else if (t == MessageType.MsgReadIndex) {
            dropReadIndexWithoutLeader(m);
        } else if (t == MessageType.MsgAppend) {
            becomeFollower(m.getTerm(), m.getFrom());
            handleAppendEntries(m);
        } else if (t == MessageType.MsgHeartbeat) {
            becomeFollower(m.getTerm(), m.getFrom());
            handleHeartbeat(m);
        } else if (t == MessageType.MsgSnapshot) {
            becomeFollower(m.getTerm(), m.getFrom());
            handleSnapshot(m);
        } else if (t == myVoteResp) {
            VoteResult res = poll(m.getFrom(), t, !m.getReject());
            if (res == VoteResult.WON) {
                if (state == StateRole.PRE_CANDIDATE) {
                    campaign(false, false);
                } else {
                    becomeLeader();
                    bcastAppend();
                }
            } else if (res == VoteResult.LOST) {
                // The rejection carried our own or a higher term; if higher, step() already moved us there.
                becomeFollower(term, NONE);
            }
            if (m.getReject()) {
                maybeCommitByVote(m);
            }
        }
        // MsgTimeoutNow to a candidate is stale: ignore it, and anything else.
    }

    /**
     * Learns the commit index a voter sent with its refusal, if our log has that entry (raft-rs' commit by vote).
     * Nodes learn commits only from a leader, and apply a membership change only once they know it committed; so
     * after the leader that committed a change is gone, the remaining voters may still campaign in the old
     * membership, where the nodes the change removed (which may not campaign) refuse them if their logs are longer:
     * no leader could ever be elected. A candidate that learns of a committed, unapplied change stops campaigning
     * until it has applied it.
     */
    private void maybeCommitByVote(Message m) {
        if (m.getCommit() == 0 || m.getCommitTerm() == 0 || state == StateRole.LEADER) {
            return;
        }
        if (!raftLog.maybeCommit(m.getCommit(), m.getCommitTerm())) {
            return;
        }
        if (state != StateRole.FOLLOWER && raftLog.hasUnappliedConfChanges()) {
            becomeFollower(term, NONE);
        }
    }

    private void stepFollower(Message m) {
        switch (m.getMsgType()) {
            case MsgPropose -> {
                if (leaderId == NONE) {
                    throw new ProposalDroppedException(ProposalDroppedException.Reason.NO_LEADER,
                            "no leader at term " + term);
                }
                if (config.disableProposalForwarding()) {
                    throw new ProposalDroppedException(ProposalDroppedException.Reason.NOT_LEADER,
                            "not the leader (leader is " + leaderId + ") and proposal forwarding is disabled");
                }
                send(m.toBuilder().setTo(leaderId));
            }
            case MsgAppend -> {
                electionElapsed = 0;
                leaderId = m.getFrom();
                handleAppendEntries(m);
            }
            case MsgHeartbeat -> {
                electionElapsed = 0;
                leaderId = m.getFrom();
                handleHeartbeat(m);
            }
            case MsgSnapshot -> {
                electionElapsed = 0;
                leaderId = m.getFrom();
                handleSnapshot(m);
            }
            case MsgTransferLeader -> {
                if (leaderId != NONE) {
                    send(m.toBuilder().setTo(leaderId));
                }
            }
            case MsgTimeoutNow -> {
                // Leadership transfer: campaign at once, without pre-vote, and with a context that voters in a
                // lease do not ignore.
                if (promotable()) {
                    hup(true);
                }
            }
            case MsgReadIndex -> {
                if (leaderId == NONE) {
                    dropReadIndexWithoutLeader(m);
                    return;
                }
                send(m.toBuilder().setTo(leaderId));
            }
            case MsgReadIndexResp -> {
                if (m.getEntriesCount() != 1) {
                    return;
                }
                readStates.add(new ReadState(m.getIndex(), m.getEntries(0).getData()));
            }
            default -> {
                // Nothing else is a follower's business.
            }
        }
    }

    /** A local read request without a leader fails loudly; a forwarded one is dropped (its sender times out). */
    private void dropReadIndexWithoutLeader(Message m) {
        if (m.getFrom() == NONE || m.getFrom() == id) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.NO_LEADER,
                    "no leader at term " + term + " to serve a read index request");
        }
    }

    private void handleAppendEntries(Message m) {
        if (m.getIndex() < raftLog.committed()) {
            // Everything up to our commit index is already settled; tell the leader where we are.
            send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom())
                    .setIndex(raftLog.committed()));
            return;
        }
        long lastNew = raftLog.maybeAppend(m.getIndex(), m.getLogTerm(), m.getCommit(), m.getEntriesList());
        if (lastNew >= 0) {
            send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom()).setIndex(lastNew));
            return;
        }
        // Log-matching check failed. Hint the leader at the last index whose term is at most the leader's prev
        // term, so it can skip a whole conflicting term per round trip.
        long hintIndex = Math.min(m.getIndex(), raftLog.lastIndex());
        long[] hint = raftLog.findConflictByTerm(hintIndex, m.getLogTerm());
        send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom())
                .setIndex(m.getIndex()).setReject(true).setRejectHint(hint[0]).setLogTerm(hint[1]));
    }

    private void handleHeartbeat(Message m) {
        // The leader sends min(our match, its commit), so this never runs past our log; guard anyway.
        raftLog.commitTo(Math.min(m.getCommit(), raftLog.lastIndex()));
        Message.Builder resp = Message.newBuilder().setMsgType(MessageType.MsgHeartbeatResponse).setTo(m.getFrom());
        if (!m.getContext().isEmpty()) {
            resp.setContext(m.getContext());
        }
        send(resp);
    }

    private void handleSnapshot(Message m) {
        if (restore(m.getSnapshot())) {
            send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom())
                    .setIndex(raftLog.lastIndex()));
        } else {
            send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom())
                    .setIndex(raftLog.committed()));
        }
    }

    /** Installs a snapshot from the leader; returns false if it was stale or not for us. */
    boolean restore(Snapshot s) {
        long sIndex = s.getMetadata().getIndex();
        long sTerm = s.getMetadata().getTerm();
        if (sIndex <= raftLog.committed()) {
            return false;
        }
        if (state != StateRole.FOLLOWER) {
            // Only a follower of the sending leader gets here (step made us one); defend anyway.
            return false;
        }
        ConfState cs = s.getMetadata().getConfState();
        boolean found = cs.getVotersList().contains(id) || cs.getLearnersList().contains(id)
                || cs.getVotersOutgoingList().contains(id);
        if (!found) {
            // A snapshot whose membership does not include us is not meant for us (for example we were removed).
            return false;
        }
        if (raftLog.matchTerm(sIndex, sTerm)) {
            // We already have the entry the snapshot ends at: just learn the commit index.
            raftLog.commitTo(sIndex);
            return false;
        }
        if (raftLog.hasUnappliedConfChanges()) {
            // A committed membership change is handed out but not applied yet (the caller applies asynchronously).
            // Installing the snapshot's membership now would have the caller's applyConfChange for that older
            // entry applied on top of it. Refuse; the leader sends the snapshot again later.
            return false;
        }
        raftLog.restore(s);
        Changer.Result restored = Restorer.restore(
                cs, raftLog.lastIndex(), config.maxInflightMsgs(), config.maxInflightBytes());
        ConfState applied = switchToConfig(restored.config(), restored.progress());
        if (!applied.equals(cs)) {
            throw new IllegalStateException("membership after restore " + applied + " differs from snapshot's " + cs);
        }
        Progress self = prs.get(id);
        if (self != null) {
            self.maybeUpdate(self.nextIndex() - 1);
        }
        return true;
    }

    // ---------------------------------------------------------------- membership

    /** Applies a committed membership change; returns the new membership. */
    ConfState applyConfChange(ConfChangeV2 cc) {
        Changer changer = new Changer(prs, raftLog.lastIndex());
        Changer.Result result;
        if (ConfChanges.leaveJoint(cc)) {
            result = changer.leaveJoint();
        } else if (ConfChanges.enterJoint(cc)) {
            result = changer.enterJoint(ConfChanges.autoLeave(cc), cc.getChangesList());
        } else {
            result = changer.simple(cc.getChangesList());
        }
        return switchToConfig(result.config(), result.progress());
    }

    private ConfState switchToConfig(TrackerConfig cfg, java.util.SortedMap<Long, Progress> progress) {
        prs.reset(cfg, progress);
        ConfState cs = prs.confState();
        Progress self = prs.get(id);
        isLearner = self != null && self.isLearner();

        if ((self == null || isLearner) && state == StateRole.LEADER) {
            // This leader was removed or demoted. Hand over to the most up-to-date voter at once rather than let
            // the cluster wait out an election timeout, then step down.
            long best = NONE;
            long bestMatch = -1;
            for (long voter : prs.voterIds()) {
                Progress pr = prs.get(voter);
                if (pr != null && pr.matchIndex() > bestMatch) {
                    best = voter;
                    bestMatch = pr.matchIndex();
                }
            }
            if (best != NONE && bestMatch == raftLog.lastIndex()) {
                sendTimeoutNow(best);
            }
            becomeFollower(term, NONE);
            return cs;
        }
        if (state != StateRole.LEADER || cs.getVotersCount() == 0) {
            return cs;
        }
        if (maybeCommit()) {
            // The new quorum may already cover more entries.
            releasePendingReadIndexMessages();
            bcastAppend();
        } else {
            // Probe newly added nodes now rather than at the next heartbeat.
            for (long to : prs.progress().keySet()) {
                if (to != id) {
                    maybeSendAppend(to, false);
                }
            }
        }
        if (leadTransferee != NONE && !prs.isVoter(leadTransferee)) {
            abortLeaderTransfer();
        }
        return cs;
    }

    /**
     * The application applied entries up to {@code index}. In a joint configuration entered with auto-leave,
     * the leader proposes leaving it once the change that entered it is applied.
     */
    void appliedTo(long index) {
        long old = raftLog.applied();
        raftLog.appliedTo(Math.max(old, index));
        if (prs.config().autoLeave() && index >= pendingConfIndex && state == StateRole.LEADER) {
            Entry leave = ConfChangeCodec.encode(ConfChangeV2.getDefaultInstance());
            if (!appendEntries(List.of(leave))) {
                throw new IllegalStateException("the automatic leave-joint entry was refused");
            }
            pendingConfIndex = raftLog.lastIndex();
            bcastAppend();
        }
    }

    /** Asks the leader for a snapshot at least as new as our applied index (used after local data loss). */
    void requestSnapshot() {
        if (state != StateRole.FOLLOWER || leaderId == NONE) {
            throw new IllegalStateException("only a follower with a known leader can request a snapshot");
        }
        long requestIndex = raftLog.applied();
        send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(leaderId)
                .setIndex(raftLog.committed()).setReject(true).setRejectHint(raftLog.lastIndex())
                .setRequestSnapshot(requestIndex));
    }

    // For tests and status.
    EntryType lastEntryType() {
        List<Entry> l = raftLog.entries(raftLog.lastIndex(), Long.MAX_VALUE);
        return l.isEmpty() ? EntryType.EntryNormal : l.get(0).getEntryType();
    }
}

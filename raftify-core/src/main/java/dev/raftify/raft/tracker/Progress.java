package dev.raftify.raft.tracker;

/**
 * What the leader knows about one peer's log, and how it is replicating to it. Mutable: the leader updates it as
 * it sends appends and receives answers. Not thread-safe, like the rest of the consensus core.
 *
 * <p>Invariant kept by every method here: {@code matchIndex < nextIndex}.
 */
public final class Progress {

    private long matchIndex;
    private long nextIndex;
    private ProgressState state = ProgressState.PROBE;
    private long pendingSnapshot;
    private long pendingRequestSnapshot;
    private boolean recentActive;
    private boolean probeSent;
    private final Inflights inflights;
    private boolean learner;
    private long committedIndex;

    /** A peer in {@link ProgressState#PROBE} with nothing matched, to be probed from {@code nextIndex}. */
    public Progress(long nextIndex, int maxInflightMsgs, long maxInflightBytes) {
        this.nextIndex = nextIndex;
        this.inflights = new Inflights(maxInflightMsgs, maxInflightBytes);
    }

    private Progress(Progress other) {
        this.matchIndex = other.matchIndex;
        this.nextIndex = other.nextIndex;
        this.state = other.state;
        this.pendingSnapshot = other.pendingSnapshot;
        this.pendingRequestSnapshot = other.pendingRequestSnapshot;
        this.recentActive = other.recentActive;
        this.probeSent = other.probeSent;
        this.inflights = other.inflights.copy();
        this.learner = other.learner;
        this.committedIndex = other.committedIndex;
    }

    /** An independent copy, inflights included; configuration changes work on copies. */
    public Progress copy() {
        return new Progress(this);
    }

    /**
     * Starts over as a new leader does: nothing matched, probing from {@code nextIndex}, not recently active, no
     * snapshot pending or requested. Keeps the learner flag and the peer's committed index.
     */
    public void reset(long nextIndex) {
        resetState(ProgressState.PROBE);
        this.matchIndex = 0;
        this.nextIndex = nextIndex;
        this.pendingRequestSnapshot = 0;
        this.recentActive = false;
    }

    /** Enters {@code state} with a clean slate: not paused, no pending snapshot, nothing in flight. */
    public void resetState(ProgressState state) {
        this.probeSent = false;
        this.pendingSnapshot = 0;
        this.state = state;
        this.inflights.reset();
    }

    /**
     * Goes back to probing. After a snapshot the follower holds at least the snapshot, so probing starts after
     * it; otherwise it starts right after the last known match.
     */
    public void becomeProbe() {
        if (state == ProgressState.SNAPSHOT) {
            long snapshot = pendingSnapshot;
            resetState(ProgressState.PROBE);
            nextIndex = Math.max(matchIndex + 1, snapshot + 1);
        } else {
            resetState(ProgressState.PROBE);
            nextIndex = matchIndex + 1;
        }
    }

    /** Starts streaming appends right after the last known match. */
    public void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        nextIndex = matchIndex + 1;
    }

    /** Records that a snapshot up to {@code snapshotIndex} is being sent; appends resume after it. */
    public void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
        nextIndex = snapshotIndex + 1;
    }

    /** Forgets the pending snapshot after it failed, so that probing restarts right after the match index. */
    public void snapshotFailure() {
        pendingSnapshot = 0;
    }

    /** Whether the follower's log reached the pending snapshot, which then no longer needs to be waited for. */
    public boolean isSnapshotCaughtUp() {
        return state == ProgressState.SNAPSHOT && matchIndex >= pendingSnapshot;
    }

    /**
     * Handles an acknowledgement that the follower's log matches up to {@code index}. Raises the match index
     * (and the next index, if needed), and lets a probing leader send again.
     *
     * @return whether the match index advanced; false for a stale or duplicate acknowledgement
     */
    public boolean maybeUpdate(long index) {
        boolean advanced = matchIndex < index;
        if (advanced) {
            matchIndex = index;
            probeSent = false;
        }
        nextIndex = Math.max(nextIndex, index + 1);
        return advanced;
    }

    /** Moves the next index past an append just sent up to {@code lastSentIndex}, before it is acknowledged. */
    public void optimisticUpdate(long lastSentIndex) {
        nextIndex = lastSentIndex + 1;
    }

    /**
     * Handles a rejected append: the follower's log does not match at {@code rejected}, and its last index (or
     * the leader's hint of where the logs may agree) is {@code matchHint}. A non-zero {@code requestSnapshot}
     * means the follower asks for a snapshot at that index instead.
     *
     * <p>Rejections that answer an append older than the current window are stale and ignored: in REPLICATE, one
     * at or below the match index (unless it requests a snapshot); otherwise, one not answering the latest probe,
     * at {@code nextIndex - 1}.
     *
     * @return whether the rejection was taken into account (and the leader should send again)
     */
    public boolean maybeDecrTo(long rejected, long matchHint, long requestSnapshot) {
        if (state == ProgressState.REPLICATE) {
            if (rejected < matchIndex || (rejected == matchIndex && requestSnapshot == 0)) {
                return false;
            }
            if (requestSnapshot == 0) {
                nextIndex = matchIndex + 1;
            } else {
                pendingRequestSnapshot = requestSnapshot;
            }
            return true;
        }
        // A probe carries a single position, so only the answer to the latest one (at next - 1) is current. A
        // snapshot request is honoured whichever append it answers.
        if (requestSnapshot == 0 && nextIndex - 1 != rejected) {
            return false;
        }
        if (requestSnapshot == 0) {
            // Never below match + 1: the follower already acknowledged everything up to the match index.
            nextIndex = Math.max(Math.min(rejected, matchHint + 1), matchIndex + 1);
        } else if (pendingRequestSnapshot == 0) {
            pendingRequestSnapshot = requestSnapshot;
        }
        probeSent = false;
        return true;
    }

    /**
     * Whether the leader must hold appends back: while probing, until the outstanding probe is answered; while
     * replicating, while the inflight window is full; while a snapshot is in flight, always.
     */
    public boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    /**
     * Records that the leader just sent an append of {@code count} entries totalling {@code bytes} bytes,
     * starting at {@link #nextIndex()}. While replicating, the next index moves past them and they go in
     * flight; while probing, a non-empty append is the probe for this heartbeat interval.
     *
     * @throws IllegalStateException in {@link ProgressState#SNAPSHOT}, where appends are never sent
     */
    public void sentEntries(int count, long bytes) {
        switch (state) {
            case REPLICATE -> {
                if (count > 0) {
                    nextIndex += count;
                    inflights.add(nextIndex - 1, bytes);
                }
            }
            case PROBE -> {
                if (count > 0) {
                    probeSent = true;
                }
            }
            case SNAPSHOT -> throw new IllegalStateException("sending entries while a snapshot is pending: " + this);
        }
    }

    /** Raises the peer's known committed index; lower values (reordered messages) are ignored. */
    public void updateCommitted(long committed) {
        committedIndex = Math.max(committedIndex, committed);
    }

    /** The highest index known to match the leader's log. */
    public long matchIndex() {
        return matchIndex;
    }

    public void setMatchIndex(long matchIndex) {
        this.matchIndex = matchIndex;
    }

    /** The index of the next entry to send. */
    public long nextIndex() {
        return nextIndex;
    }

    public void setNextIndex(long nextIndex) {
        this.nextIndex = nextIndex;
    }

    /** The replication state; change it through the {@code become*} methods or {@link #resetState}. */
    public ProgressState state() {
        return state;
    }

    /** In {@link ProgressState#SNAPSHOT}: the index of the snapshot being sent; 0 otherwise. */
    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    public void setPendingSnapshot(long pendingSnapshot) {
        this.pendingSnapshot = pendingSnapshot;
    }

    /** The index at which the follower asked for a snapshot, or 0 if it did not. */
    public long pendingRequestSnapshot() {
        return pendingRequestSnapshot;
    }

    public void setPendingRequestSnapshot(long pendingRequestSnapshot) {
        this.pendingRequestSnapshot = pendingRequestSnapshot;
    }

    /** Whether the peer was heard from since the last check-quorum round. */
    public boolean isRecentActive() {
        return recentActive;
    }

    public void setRecentActive(boolean recentActive) {
        this.recentActive = recentActive;
    }

    /** In {@link ProgressState#PROBE}: whether this heartbeat interval's probe was sent. */
    public boolean isProbeSent() {
        return probeSent;
    }

    public void setProbeSent(boolean probeSent) {
        this.probeSent = probeSent;
    }

    /** The appends in flight, used in {@link ProgressState#REPLICATE}. */
    public Inflights inflights() {
        return inflights;
    }

    /** Whether the peer is a learner: it replicates but neither votes nor counts towards commits. */
    public boolean isLearner() {
        return learner;
    }

    public void setLearner(boolean learner) {
        this.learner = learner;
    }

    /** The highest committed index the peer is known to have. */
    public long committedIndex() {
        return committedIndex;
    }

    public void setCommittedIndex(long committedIndex) {
        this.committedIndex = committedIndex;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder()
            .append(state).append(" match=").append(matchIndex).append(" next=").append(nextIndex);
        if (learner) {
            sb.append(" learner");
        }
        if (isPaused()) {
            sb.append(" paused");
        }
        if (pendingSnapshot > 0) {
            sb.append(" pendingSnap=").append(pendingSnapshot);
        }
        if (pendingRequestSnapshot > 0) {
            sb.append(" requestSnap=").append(pendingRequestSnapshot);
        }
        if (!recentActive) {
            sb.append(" inactive");
        }
        if (inflights.count() > 0) {
            sb.append(" inflight=").append(inflights.count());
            if (inflights.full()) {
                sb.append("[full]");
            }
        }
        return sb.toString();
    }
}

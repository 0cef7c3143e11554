package dev.raftify.raft.tracker;

/** How the leader replicates to one follower. */
public enum ProgressState {
    /**
     * The leader does not know where the follower's log ends: it sends one append per heartbeat interval and
     * waits for the answer before sending more.
     */
    PROBE,
    /** The follower is keeping up: the leader streams appends optimistically, bounded by the inflight window. */
    REPLICATE,
    /** The follower needs a snapshot, one is in flight, and appends are paused until it is applied or fails. */
    SNAPSHOT
}

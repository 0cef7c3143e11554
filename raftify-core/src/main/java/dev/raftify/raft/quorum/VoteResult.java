package dev.raftify.raft.quorum;

/** The outcome of counting votes (or acknowledgements) against a quorum configuration. */
public enum VoteResult {
    /** Neither side has a quorum yet: the missing votes could still decide either way. */
    PENDING,
    /** Enough voters rejected that a quorum can no longer be reached. */
    LOST,
    /** A quorum granted. */
    WON
}

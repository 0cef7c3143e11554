package dev.raftify.raft;

/** The outcome of sending a snapshot to a follower, reported with {@code RawNode.reportSnapshot}. */
public enum SnapshotStatus {
    FINISH,
    FAILURE
}

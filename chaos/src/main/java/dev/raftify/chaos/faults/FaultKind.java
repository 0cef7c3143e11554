package dev.raftify.chaos.faults;

/** Every fault the nemesis injects. */
public enum FaultKind {
    /** kill -9 the leader; restart it on the same data directory. */
    KILL_LEADER,
    /** kill -9 a random member; restart it on the same data directory. */
    KILL_RANDOM,
    /** SIGSTOP a member (the leader half of the time) for longer than an election timeout; then SIGCONT. */
    PAUSE,
    /** Cut one node (the leader half of the time) off from all others. */
    PARTITION_ISOLATE,
    /** Split into a majority and a minority (the leader on a random side). */
    PARTITION_SPLIT,
    /** Two sides that cannot talk, and one node that talks to both. */
    PARTITION_BRIDGE,
    /** Remove a member ({@code POST /leave}) and add it back as a new node with a fresh data directory. */
    MEMBERSHIP,
    /** Hand leadership to a random other member. */
    TRANSFER_LEADER,
    /**
     * kill -9 a follower, force a snapshot and log compaction on every other member while the load goes on, then
     * restart it: it can only catch up by installing a snapshot.
     */
    SNAPSHOT_CATCHUP;

    /** Whether it can be combined with another fault in one step ("mixed"): membership changes run alone. */
    boolean combinable() {
        return this != MEMBERSHIP;
    }

    boolean isPartition() {
        return this == PARTITION_ISOLATE || this == PARTITION_SPLIT || this == PARTITION_BRIDGE;
    }

    boolean isCrash() {
        return this == KILL_LEADER || this == KILL_RANDOM || this == SNAPSHOT_CATCHUP;
    }
}

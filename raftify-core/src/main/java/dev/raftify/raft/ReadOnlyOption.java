package dev.raftify.raft;

/** How the leader confirms it is still the leader before answering a read index request. */
public enum ReadOnlyOption {
    /** A heartbeat round acknowledged by a quorum confirms leadership (thesis §6.4). Always safe. */
    SAFE,
    /**
     * The leader trusts its lease: with check-quorum it would have stepped down had it lost contact with a
     * quorum within an election timeout. Saves a round trip, but depends on bounded clock drift, so it is only
     * allowed together with check-quorum.
     */
    LEASE_BASED
}

package dev.raftify.raft;

/** The role a node plays in its current term. */
public enum StateRole {
    FOLLOWER,
    /** Campaigning in a pre-vote round (thesis §9.6): asks for votes without raising its term. */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}

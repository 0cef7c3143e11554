package dev.raftify.raft;

/** State that need not be persisted: who leads, and this node's role. */
public record SoftState(long leaderId, StateRole role) {}

package dev.raftify.raft.tracker;

import dev.raftify.raft.quorum.VoteResult;

/**
 * The votes counted in an election: how many voters granted, how many rejected (each voter counted once, even
 * when it votes in both halves of a joint config), and the outcome.
 */
public record TallyResult(int granted, int rejected, VoteResult result) {
}

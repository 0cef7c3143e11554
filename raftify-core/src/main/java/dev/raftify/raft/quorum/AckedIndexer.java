package dev.raftify.raft.quorum;

/**
 * Tells, for a voter, the highest log index it is known to have acknowledged (in practice: its match index).
 * Returns 0 for a voter with no known index, which counts as having acknowledged nothing.
 */
@FunctionalInterface
public interface AckedIndexer {

    /** The highest index {@code voterId} acknowledged, or 0 if none is known. */
    long ackedIndex(long voterId);
}

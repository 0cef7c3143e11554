package dev.raftify;

/**
 * The operation needs the leader and this node is not it (or knows no leader). Retry at
 * {@link #leaderAddress()} when known.
 */
public final class NotLeaderException extends RaftifyException {
    private final long leaderId;
    private final String leaderAddress;

    public NotLeaderException(long leaderId, String leaderAddress, String message) {
        super(message);
        this.leaderId = leaderId;
        this.leaderAddress = leaderAddress;
    }

    /** The leader's id, or 0 when no leader is known (an election is under way). */
    public long leaderId() {
        return leaderId;
    }

    /** The leader's Raft address, or null when unknown. */
    public String leaderAddress() {
        return leaderAddress;
    }
}

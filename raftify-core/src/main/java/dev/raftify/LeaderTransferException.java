package dev.raftify;

/** Leadership did not move to the requested node within an election timeout. */
public final class LeaderTransferException extends RaftifyException {
    public LeaderTransferException(String message) {
        super(message);
    }
}

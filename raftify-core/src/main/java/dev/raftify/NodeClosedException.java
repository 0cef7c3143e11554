package dev.raftify;

/** The node was closed before the operation completed. Its outcome may be unknown (for a proposal). */
public final class NodeClosedException extends RaftifyException {
    public NodeClosedException(String message) {
        super(message);
    }
}

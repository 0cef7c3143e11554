package dev.raftify.raft.confchange;

/**
 * A configuration change that cannot be applied, or a membership that cannot be restored. The current
 * membership is left as it was; the message says which rule was broken.
 */
public final class ConfChangeException extends RuntimeException {

    public ConfChangeException(String message) {
        super(message);
    }
}

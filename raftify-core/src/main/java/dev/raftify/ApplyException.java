package dev.raftify;

/**
 * The state machine threw while applying the entry. The entry is committed and counted as applied (every node
 * applies the same entries, so the log cannot be rolled back); the cause is the state machine's exception.
 */
public final class ApplyException extends RaftifyException {
    private final long index;

    public ApplyException(long index, Throwable cause) {
        super("the state machine failed to apply entry " + index + ": " + cause, cause);
        this.index = index;
    }

    public long index() {
        return index;
    }
}

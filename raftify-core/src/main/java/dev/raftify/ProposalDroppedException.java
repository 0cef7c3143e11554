package dev.raftify;

/** Raft refused the proposal; it was not appended to the log and will never be applied. */
public final class ProposalDroppedException extends RaftifyException {

    /** Why. */
    public enum Reason {
        /** No leader is known: an election is under way. Retry shortly. */
        NO_LEADER,
        /** Leadership is being transferred; retry once the new leader is elected. */
        LEADER_TRANSFER_IN_PROGRESS,
        /** Too many uncommitted entries or pending proposals: the cluster is overloaded. Back off. */
        OVERLOADED,
        /** Another membership change is still pending. */
        CONF_CHANGE_IN_PROGRESS,
        /** The membership change does not fit the current configuration. */
        INVALID_CONF_CHANGE,
        /** This node is no longer a member. */
        NOT_A_MEMBER,
        /** The entry was overwritten by a new leader before it could commit. */
        OVERWRITTEN
    }

    private final Reason reason;

    public ProposalDroppedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

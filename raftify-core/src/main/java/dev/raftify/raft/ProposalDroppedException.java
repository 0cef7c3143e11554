package dev.raftify.raft;

/** Raft refused a proposal; nothing was appended to the log. {@link #reason()} says why. */
public final class ProposalDroppedException extends RuntimeException {

    /** Why a proposal was refused. */
    public enum Reason {
        /** No leader is known (an election is under way), or forwarding to the leader is off. */
        NO_LEADER,
        /** This node is not the leader and cannot forward (for example it is a learner being removed). */
        NOT_LEADER,
        /** Leadership is being transferred; proposals resume once the new leader is elected. */
        LEADER_TRANSFER_IN_PROGRESS,
        /** The entries not yet committed already exceed the configured maximum size. */
        UNCOMMITTED_SIZE_EXCEEDED,
        /** A membership change is still pending; only one may be in flight at a time. */
        CONF_CHANGE_PENDING,
        /** The membership change does not fit the current configuration (for example leaving a non-joint one). */
        INVALID_CONF_CHANGE,
        /** This node is no longer a member of the cluster. */
        NOT_A_MEMBER,
        /** The proposal carried no entries. */
        EMPTY
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

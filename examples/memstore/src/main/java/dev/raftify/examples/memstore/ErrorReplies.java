package dev.raftify.examples.memstore;

import dev.raftify.ApplyException;
import dev.raftify.LeaderTransferException;
import dev.raftify.NodeClosedException;
import dev.raftify.NotLeaderException;
import dev.raftify.ProposalDroppedException;
import dev.raftify.RaftNode;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Maps the engine's typed failures to HTTP statuses, each with the JSON error body and the leader if known. */
final class ErrorReplies {
    private ErrorReplies() {}

    static Reply of(Throwable t, RaftNode node) {
        Throwable e = unwrap(t);
        if (e instanceof NotLeaderException nl) {
            // Followers forward, so this means no leader is known (or forwarding is off): retry, perhaps elsewhere.
            return Reply.error(503, e.getMessage(), nl.leaderId(), nl.leaderAddress());
        }
        if (e instanceof ProposalDroppedException pd) {
            int status = switch (pd.reason()) {
                // The change does not fit the current membership, or another one is still under way.
                case CONF_CHANGE_IN_PROGRESS, INVALID_CONF_CHANGE -> 409;
                // An election, a transfer, overload or a lost entry: all worth retrying shortly.
                default -> 503;
            };
            return withCurrentLeader(status, pd.reason() + ": " + e.getMessage(), node);
        }
        if (e instanceof NodeClosedException) {
            return withCurrentLeader(503, e.getMessage(), node);
        }
        if (e instanceof TimeoutException || e instanceof LeaderTransferException) {
            return withCurrentLeader(504, e.getMessage() == null ? "timed out" : e.getMessage(), node);
        }
        if (e instanceof IllegalArgumentException) {
            return withCurrentLeader(400, e.getMessage(), node);
        }
        if (e instanceof ApplyException) {
            return withCurrentLeader(500, e.getMessage(), node);
        }
        return withCurrentLeader(500, "internal error: " + e, node);
    }

    private static Reply withCurrentLeader(int status, String message, RaftNode node) {
        long leader = node.leaderId();
        return Reply.error(status, message, leader, leader == 0 ? null : node.peers().get(leader));
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}

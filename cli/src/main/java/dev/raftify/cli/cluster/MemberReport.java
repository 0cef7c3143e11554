package dev.raftify.cli.cluster;

import dev.raftify.cli.remote.Endpoint;
import dev.raftify.proto.service.NodeStatus;

/**
 * One member as {@code cluster status} saw it: what it answered, or why it did not.
 *
 * @param id the node id (from the membership, or from the node's own answer)
 * @param endpoint where it was asked, or null when no address is known
 * @param configRole its role in the membership (voter, learner, ...), or "not a member"
 * @param status its answer, or null
 * @param error why there is no answer, or null
 * @param errorCode the exit code that failure maps to (see {@link dev.raftify.cli.ExitCode}), 0 when answered
 */
public record MemberReport(long id, Endpoint endpoint, String configRole, NodeStatus status, String error,
                           int errorCode) {
    public boolean answered() {
        return status != null;
    }
}

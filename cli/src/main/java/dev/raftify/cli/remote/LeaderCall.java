package dev.raftify.cli.remote;

import dev.raftify.cli.CliException;
import dev.raftify.cli.ExitCode;
import dev.raftify.proto.service.Error;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.Peer;
import java.util.List;
import java.util.function.Function;

/**
 * Sends an administrative call to the leader: asks the given nodes who leads, calls the leader, and if the call
 * comes back NOT_LEADER (leadership moved meanwhile) follows the leader address in the error once.
 */
public final class LeaderCall {

    /** What a call returned: its answer, or an in-band error. */
    public record Outcome<T>(T answer, Error error) {
    }

    private LeaderCall() {
    }

    /** The client of the current leader, found through the first of {@code endpoints} that answers. */
    public static NodeClient leader(LiveCommand cmd, List<Endpoint> endpoints) {
        LiveCommand.Answer a = cmd.firstAnswer(endpoints);
        NodeStatus s = a.status();
        if (s.getLeaderId() == 0) {
            throw new CliException(ExitCode.UNAVAILABLE, "node " + s.getNodeId() + " at " + a.client().endpoint()
                    + " knows no leader in term " + s.getTerm() + " (no quorum?); try again, or see: raftify-cli "
                    + "cluster status " + a.client().endpoint());
        }
        if (s.getLeaderId() == s.getNodeId()) {
            return a.client();
        }
        for (Peer p : s.getPeersList()) {
            if (p.getNodeId() == s.getLeaderId() && !p.getAddress().isEmpty()) {
                return cmd.client(Endpoint.parse(p.getAddress()));
            }
        }
        throw new CliException(ExitCode.UNAVAILABLE, "node " + s.getNodeId() + " names node " + s.getLeaderId()
                + " as leader but knows no address for it");
    }

    /**
     * Calls {@code call} on the leader; {@code errorOf} extracts the in-band error of an answer (null if none).
     * Returns the answer, or throws the in-band error as a refusal naming {@code what}.
     */
    public static <T> T call(LiveCommand cmd, List<Endpoint> endpoints, String what,
                             Function<NodeClient, T> call, Function<T, Error> errorOf) {
        NodeClient leader = leader(cmd, endpoints);
        T answer = call.apply(leader);
        Error e = errorOf.apply(answer);
        if (e != null && e.getCode() == Error.Code.NOT_LEADER && !e.getLeaderAddress().isEmpty()) {
            leader = cmd.client(Endpoint.parse(e.getLeaderAddress()));
            answer = call.apply(leader);
            e = errorOf.apply(answer);
        }
        if (e != null) {
            throw RemoteErrors.refused(leader.endpoint(), what, e);
        }
        return answer;
    }
}

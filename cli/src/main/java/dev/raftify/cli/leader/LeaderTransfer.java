package dev.raftify.cli.leader;

import dev.raftify.cli.CliException;
import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.remote.LeaderCall;
import dev.raftify.cli.remote.LiveCommand;
import dev.raftify.cli.remote.NodeAddresses;
import dev.raftify.cli.remote.NodeClient;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.TransferLeaderArgs;
import dev.raftify.proto.service.TransferLeaderResponse;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code raftify-cli leader transfer --to <id>}. */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        description = "Hand leadership to another voter (before maintenance on the leader, say). The request goes "
                + "to the leader, found from the given nodes; waits until the target leads, or says why it does not.",
        footerHeading = "%nExamples:%n",
        footer = "  raftify-cli leader transfer 127.0.0.1:60061 --to 2")
public final class LeaderTransfer extends LiveCommand {

    @Mixin
    NodeAddresses addresses;

    @Option(names = "--to", required = true, paramLabel = "<id>", description = "The voter that is to lead.")
    long target;

    @Override
    protected int run() {
        NodeClient leader = LeaderCall.leader(this, addresses.endpoints());
        NodeStatus s = leader.status();
        if (s.getNodeId() == target) {
            outcome("leader transfer", "Node " + target + " already leads (term " + s.getTerm() + ").",
                    Json.obj().put("leader_id", target).put("previous_leader_id", target));
            return ExitCode.OK;
        }
        if (!s.getConfState().getVotersList().contains(target)) {
            throw new CliException(ExitCode.REFUSED, "node " + target + " is not a voter; voters are "
                    + s.getConfState().getVotersList());
        }
        TransferLeaderResponse r = LeaderCall.call(this, List.of(leader.endpoint()), "leader transfer",
                c -> c.call("TransferLeader", st -> st.transferLeader(
                        TransferLeaderArgs.newBuilder().setTargetId(target).build())),
                a -> a.hasError() ? a.getError() : null);
        if (r.getLeaderId() != target) {
            throw new CliException(ExitCode.REFUSED, "leader transfer to node " + target + " did not happen: node "
                    + r.getLeaderId() + " leads");
        }
        outcome("leader transfer", "Leadership moved from node " + s.getNodeId() + " to node " + target + ".",
                Json.obj().put("leader_id", target).put("previous_leader_id", s.getNodeId()));
        return ExitCode.OK;
    }
}

package dev.raftify.cli.member;

import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.remote.Endpoint;
import dev.raftify.cli.remote.LiveCommand;
import dev.raftify.cli.store.Membership;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.raft.confchange.ConfChanges;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftify-cli member remove}: remove a voter or learner. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove a node (voter or learner) from the cluster. Waits until the change is applied.",
        footerHeading = "%nExamples:%n",
        footer = "  raftify-cli member remove 127.0.0.1:60061 --id 3")
public final class MemberRemove extends LiveCommand {

    @Parameters(index = "0", split = ",", paramLabel = "<addr>[,<addr>...]",
            description = "Addresses of one or more members; the change goes to the leader.")
    void endpoints(List<String> addresses) {
        this.endpoints = parseEndpoints(addresses);
    }

    private List<Endpoint> endpoints;

    @Option(names = "--id", required = true, paramLabel = "<id>", description = "The node to remove.")
    long id;

    @Override
    protected int run() {
        ConfState before = ChangeRunner.current(this, endpoints);
        if (Membership.roleOf(before, id) == null) {
            throw ChangeRunner.refuse("node " + id + " is not a member; membership: " + Membership.format(before));
        }
        ConfState after = ChangeRunner.apply(this, endpoints, "member remove", ConfChanges.removeNode(id), null);
        outcome("member remove", "Removed node " + id + "; the membership is now " + Membership.format(after) + ".",
                Json.obj().put("node_id", id).put("conf_state", Membership.json(after)));
        return ExitCode.OK;
    }
}

package dev.raftify.cli.member;

import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.remote.LiveCommand;
import dev.raftify.cli.remote.NodeAddresses;
import dev.raftify.cli.store.Membership;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.raft.confchange.ConfChanges;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code raftify-cli member remove}: remove a voter or learner. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove a node (voter or learner) from the cluster. The change goes to the leader, found from "
                + "the given nodes; waits until it is applied.",
        footerHeading = "%nExamples:%n",
        footer = "  raftify-cli member remove 127.0.0.1:60061 --id 3")
public final class MemberRemove extends LiveCommand {

    @Mixin
    NodeAddresses addresses;

    @Option(names = "--id", required = true, paramLabel = "<id>", description = "The node to remove.")
    long id;

    @Override
    protected int run() {
        ConfState before = ChangeRunner.current(this, addresses.endpoints());
        if (Membership.roleOf(before, id) == null) {
            throw ChangeRunner.refuse("node " + id + " is not a member; membership: " + Membership.format(before));
        }
        ConfState after = ChangeRunner.apply(this, addresses.endpoints(), "member remove", ConfChanges.removeNode(id), null);
        outcome("member remove", "Removed node " + id + "; the membership is now " + Membership.format(after) + ".",
                Json.obj().put("node_id", id).put("conf_state", Membership.json(after)));
        return ExitCode.OK;
    }
}

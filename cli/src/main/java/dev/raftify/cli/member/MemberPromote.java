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

/** {@code raftify-cli member promote}: make a learner a voter. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = "Promote a learner to voter (do it once the learner has caught up: see cluster status). The "
                + "change goes to the leader, found from the given nodes; waits until it is applied.",
        footerHeading = "%nExamples:%n",
        footer = "  raftify-cli member promote 127.0.0.1:60061 --id 4")
public final class MemberPromote extends LiveCommand {

    @Mixin
    NodeAddresses addresses;

    @Option(names = "--id", required = true, paramLabel = "<id>", description = "The learner to promote.")
    long id;

    @Override
    protected int run() {
        ConfState before = ChangeRunner.current(this, addresses.endpoints());
        // In Raft, AddNode on a non-member adds a new voter: refuse here so that a typo cannot add a phantom voter.
        if (!before.getLearnersList().contains(id)) {
            String role = Membership.roleOf(before, id);
            throw ChangeRunner.refuse("node " + id + " is not a learner (" + (role == null ? "not a member" : role)
                    + "); membership: " + Membership.format(before));
        }
        ConfState after = ChangeRunner.apply(this, addresses.endpoints(), "member promote", ConfChanges.addNode(id), null);
        outcome("member promote", "Promoted node " + id + " to voter; the membership is now "
                + Membership.format(after) + ".", Json.obj().put("node_id", id).put("conf_state", Membership.json(after)));
        return ExitCode.OK;
    }
}

package dev.raftify.cli.cluster;

import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.store.Membership;
import dev.raftify.cli.remote.LeaderCall;
import dev.raftify.cli.remote.LiveCommand;
import dev.raftify.cli.remote.NodeAddresses;
import dev.raftify.proto.service.ChangeConfigResponse;
import dev.raftify.proto.service.LeaveJointArgs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code raftify-cli cluster leave-joint}: leave a joint configuration entered with an explicit transition. */
@Command(name = "leave-joint", mixinStandardHelpOptions = true,
        description = "Leave a joint configuration (one entered with ConfChangeTransition.Explicit). The call goes to "
                + "the leader, found from the given nodes; waits until the change is applied and prints the resulting membership.",
        footerHeading = "%nExamples:%n",
        footer = "  raftify-cli cluster leave-joint 127.0.0.1:60061")
public final class LeaveJointCommand extends LiveCommand {

    @Mixin
    NodeAddresses addresses;

    @Override
    protected int run() {
        ChangeConfigResponse r = LeaderCall.call(this, addresses.endpoints(), "leave-joint",
                c -> c.call("LeaveJoint", s -> s.leaveJoint(LeaveJointArgs.getDefaultInstance())),
                a -> a.hasError() ? a.getError() : null);
        outcome("leave-joint", "Left the joint configuration; the membership is now "
                + Membership.format(r.getConfState()) + ".",
                Json.obj().put("conf_state", Membership.json(r.getConfState())));
        return ExitCode.OK;
    }
}

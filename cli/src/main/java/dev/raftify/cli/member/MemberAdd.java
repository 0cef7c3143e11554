package dev.raftify.cli.member;

import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.remote.Endpoint;
import dev.raftify.cli.remote.LiveCommand;
import dev.raftify.cli.remote.NodeAddresses;
import dev.raftify.cli.store.Membership;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.service.Peer;
import dev.raftify.raft.confchange.ConfChanges;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code raftify-cli member add}: add a voter (or a learner) with its address. */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = "Add a node to the cluster as a voter (or, with --learner, as a learner that receives the log "
                + "but does not vote; promote it once it has caught up). The change goes to the leader, found from "
                + "the given nodes; waits until it is applied.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  raftify-cli member add 127.0.0.1:60061 --id 4 --address 127.0.0.1:60064",
            "  raftify-cli member add 127.0.0.1:60061 --id 4 --address 10.0.0.4:60061 --learner"})
public final class MemberAdd extends LiveCommand {

    @Mixin
    NodeAddresses addresses;

    @Option(names = "--id", required = true, paramLabel = "<id>", description = "The new node's id.")
    long id;

    @Option(names = "--address", required = true, paramLabel = "<host:port>",
            description = "The address the new node serves Raft on.")
    void address(String value) {
        this.address = NodeAddresses.parse(spec.commandLine(), value);
    }

    private Endpoint address;

    @Option(names = "--learner", description = "Add as a learner instead of a voter.")
    boolean learner;

    @Override
    protected int run() {
        if (id == 0) {
            throw ChangeRunner.refuse("node id 0 is reserved (it means 'none' in Raft)");
        }
        ConfState before = ChangeRunner.current(this, addresses.endpoints());
        String role = Membership.roleOf(before, id);
        if (role != null) {
            throw ChangeRunner.refuse("node " + id + " is already a member (" + role + "); membership: "
                    + Membership.format(before));
        }
        ConfState after = ChangeRunner.apply(this, addresses.endpoints(), "member add",
                learner ? ConfChanges.addLearner(id) : ConfChanges.addNode(id),
                Peer.newBuilder().setNodeId(id).setAddress(address.toString()).build());
        outcome("member add", "Added node " + id + " (" + address + ") as a " + (learner ? "learner" : "voter")
                        + "; the membership is now " + Membership.format(after) + ".",
                Json.obj().put("node_id", id).put("address", address.toString())
                        .put("role", learner ? "learner" : "voter").put("conf_state", Membership.json(after)));
        return ExitCode.OK;
    }
}

package dev.raftify.cli.member;

import dev.raftify.cli.CliException;
import dev.raftify.cli.ExitCode;
import dev.raftify.cli.remote.Endpoint;
import dev.raftify.cli.remote.LeaderCall;
import dev.raftify.cli.remote.LiveCommand;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.service.ChangeConfigArgs;
import dev.raftify.proto.service.ChangeConfigResponse;
import dev.raftify.proto.service.Peer;
import java.util.List;

/** Proposes one membership change to the leader and waits until it is applied (the RPC answers then). */
final class ChangeRunner {

    private ChangeRunner() {
    }

    /** The membership as the leader knows it now, for the checks that make a command's intent unambiguous. */
    static ConfState current(LiveCommand cmd, List<Endpoint> endpoints) {
        return LeaderCall.leader(cmd, endpoints).status().getConfState();
    }

    static ConfState apply(LiveCommand cmd, List<Endpoint> endpoints, String what, ConfChangeSingle change,
                           Peer address) {
        ConfChangeV2 cc = ConfChangeV2.newBuilder()
                .setTransition(ConfChangeTransition.Auto)
                .addChanges(change)
                .build();
        ChangeConfigArgs.Builder args = ChangeConfigArgs.newBuilder().setConfChange(cc);
        if (address != null) {
            args.addAddresses(address);
        }
        ChangeConfigResponse r = LeaderCall.call(cmd, endpoints, what,
                c -> c.call("ChangeConfig", s -> s.changeConfig(args.build())),
                a -> a.hasError() ? a.getError() : null);
        return r.getConfState();
    }

    static CliException refuse(String message) {
        return new CliException(ExitCode.REFUSED, message);
    }
}

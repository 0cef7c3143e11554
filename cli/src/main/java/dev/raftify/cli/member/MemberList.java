package dev.raftify.cli.member;

import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Cell;
import dev.raftify.cli.output.Column;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.output.Table;
import dev.raftify.cli.remote.LiveCommand;
import dev.raftify.cli.remote.NodeAddresses;
import dev.raftify.cli.store.Membership;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.service.GetPeersArgs;
import dev.raftify.proto.service.GetPeersResponse;
import dev.raftify.proto.service.Peer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code raftify-cli member list}: every member, its address and role, and who leads. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the members as a node knows them: id, address, role in the membership, and the leader. "
                + "The first of the given nodes that answers is asked.",
        footerHeading = "%nExamples:%n",
        footer = {"  raftify-cli member list 127.0.0.1:60061", "  raftify-cli member list 127.0.0.1:60061 -o json"})
public final class MemberList extends LiveCommand {

    @Mixin
    NodeAddresses addresses;

    @Override
    protected int run() {
        Answer a = firstAnswer(addresses.endpoints());
        GetPeersResponse peers = a.client().call("GetPeers", s -> s.getPeers(GetPeersArgs.getDefaultInstance()));
        ConfState cs = a.status().getConfState();
        Map<Long, String> book = new TreeMap<>();
        for (Peer p : peers.getPeersList()) {
            book.put(p.getNodeId(), p.getAddress());
        }
        TreeSet<Long> ids = new TreeSet<>(Membership.allIds(cs));
        ids.addAll(book.keySet());
        if (json()) {
            List<Object> members = new ArrayList<>();
            for (long id : ids) {
                String role = Membership.roleOf(cs, id);
                members.add(Json.obj().put("id", id).put("address", book.get(id))
                        .put("member", role == null ? "not a member" : role)
                        .put("leader", id == peers.getLeaderId()));
            }
            printJson(Json.obj().put("leader_id", peers.getLeaderId()).put("asked", a.client().endpoint().toString())
                    .put("conf_state", Membership.json(cs)).put("members", members));
            return ExitCode.OK;
        }
        Table t = new Table(Column.right("id"), Column.left("address"), Column.left("member"), Column.left("leader"));
        for (long id : ids) {
            String role = Membership.roleOf(cs, id);
            t.row(id, book.getOrDefault(id, "?"), role == null ? "not a member" : role,
                    id == peers.getLeaderId() ? Cell.styled("leader", style()::good) : "");
        }
        t.render(out(), borders(), style());
        out().println("Membership: " + Membership.format(cs) + " (as node " + a.status().getNodeId() + " at "
                + a.client().endpoint() + " knows it).");
        return ExitCode.OK;
    }
}

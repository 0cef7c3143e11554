package dev.raftify.cli.describe;

import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Column;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.output.Table;
import dev.raftify.cli.remote.Endpoint;
import dev.raftify.cli.remote.LiveCommand;
import dev.raftify.cli.remote.NodeAddresses;
import dev.raftify.cli.remote.NodeClient;
import dev.raftify.cli.store.Membership;
import dev.raftify.proto.service.DebugNodeArgs;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.Peer;
import dev.raftify.proto.service.PeerProgress;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code raftify-cli describe node <addr>}: raftify's four sections (node, storage, raft log, progress). */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Print everything a live node knows about itself: node (id, role, term, leader), storage "
                + "(log bounds, snapshot, membership, peers), raft log (commit, applied) and, on the leader, each "
                + "peer's replication progress.",
        footerHeading = "%nExamples:%n",
        footer = {"  raftify-cli describe node 127.0.0.1:60061",
            "  raftify-cli describe node 127.0.0.1:60061 --debug    # the node's own JSON dump (DebugNode)"})
public final class DescribeNode extends LiveCommand {

    @Parameters(index = "0", paramLabel = "<addr>", description = "The node's address: host:port, or [v6-address]:port.")
    void address(String value) {
        this.address = NodeAddresses.parse(spec.commandLine(), value);
    }

    private Endpoint address;

    @Option(names = "--debug", description = "Print the node's DebugNode JSON as it sends it, instead.")
    boolean debug;

    @Override
    protected int run() {
        NodeClient c = client(address);
        if (debug) {
            out().println(c.call("DebugNode", s -> s.debugNode(DebugNodeArgs.getDefaultInstance())).getResultJson());
            return ExitCode.OK;
        }
        NodeStatus s = c.status();
        if (json()) {
            printJson(json(s));
            return ExitCode.OK;
        }
        PrintWriter out = out();
        section("Node");
        new Table(Column.left("field"), Column.left("value"))
                .row("id", s.getNodeId())
                .row("address", s.getAddress())
                .row("cluster id", s.getClusterId())
                .row("role", s.getRole().name().toLowerCase(Locale.ROOT))
                .row("term", s.getTerm())
                .row("leader", s.getLeaderId() == 0 ? "none known" : s.getLeaderId())
                .row("uptime", s.getUptimeMillis() / 1000 + "s")
                .row("version", s.getVersion())
                .render(out, borders(), style());
        section("Storage");
        new Table(Column.left("field"), Column.left("value"))
                .row("first index", s.getFirstIndex())
                .row("last index", s.getLastIndex())
                .row("snapshot index", s.getSnapshotIndex())
                .row("conf state", Membership.format(s.getConfState()))
                .row("peers", peers(s))
                .render(out, borders(), style());
        section("Raft log");
        new Table(Column.left("field"), Column.left("value"))
                .row("committed", s.getCommitIndex())
                .row("applied", s.getAppliedIndex())
                .row("last index", s.getLastIndex())
                .render(out, borders(), style());
        section("Progress");
        if (s.getProgressCount() == 0) {
            out.println("(only the leader tracks its peers' progress" + (s.getLeaderId() == 0 ? ")"
                    : "; ask node " + s.getLeaderId() + ")"));
            return ExitCode.OK;
        }
        Table t = new Table(Column.right("id"), Column.left("address"), Column.right("match"), Column.right("next"),
                Column.left("state"), Column.right("inflight"), Column.left("learner"), Column.left("active"),
                Column.right("contact ms"), Column.right("rtt us"));
        for (PeerProgress p : s.getProgressList()) {
            t.row(p.getNodeId(), p.getAddress(), p.getMatchIndex(), p.getNextIndex(),
                    p.getState().name().toLowerCase(Locale.ROOT), p.getInflight(), p.getIsLearner(),
                    p.getRecentActive(), p.getLastContactMillis(), p.getRttMicros());
        }
        t.render(out, borders(), style());
        return ExitCode.OK;
    }

    private void section(String name) {
        out().println(style().bold(name));
    }

    private static String peers(NodeStatus s) {
        List<String> parts = new ArrayList<>();
        for (Peer p : s.getPeersList()) {
            parts.add(p.getNodeId() + " = " + p.getAddress());
        }
        return parts.toString();
    }

    private static Json.Obj json(NodeStatus s) {
        List<Object> peers = new ArrayList<>();
        s.getPeersList().forEach(p -> peers.add(Json.obj().put("node_id", p.getNodeId()).put("address", p.getAddress())));
        List<Object> progress = new ArrayList<>();
        for (PeerProgress p : s.getProgressList()) {
            progress.add(Json.obj().put("node_id", p.getNodeId()).put("address", p.getAddress())
                    .put("match_index", p.getMatchIndex()).put("next_index", p.getNextIndex())
                    .put("state", p.getState().name().toLowerCase(Locale.ROOT)).put("inflight", p.getInflight())
                    .put("is_learner", p.getIsLearner()).put("recent_active", p.getRecentActive())
                    .put("last_contact_millis", p.getLastContactMillis()).put("rtt_micros", p.getRttMicros()));
        }
        return Json.obj()
                .put("node", Json.obj().put("id", s.getNodeId()).put("address", s.getAddress())
                        .put("cluster_id", s.getClusterId()).put("role", s.getRole().name().toLowerCase(Locale.ROOT))
                        .put("term", s.getTerm()).put("leader_id", s.getLeaderId())
                        .put("uptime_millis", s.getUptimeMillis()).put("version", s.getVersion()))
                .put("storage", Json.obj().put("first_index", s.getFirstIndex()).put("last_index", s.getLastIndex())
                        .put("snapshot_index", s.getSnapshotIndex())
                        .put("conf_state", Membership.json(s.getConfState())).put("peers", peers))
                .put("raft_log", Json.obj().put("committed", s.getCommitIndex()).put("applied", s.getAppliedIndex())
                        .put("last_index", s.getLastIndex()))
                .put("progress", progress);
    }
}

package dev.raftify.cli.snapshot;

import dev.raftify.cli.CliException;
import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Column;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.output.Table;
import dev.raftify.cli.remote.Endpoint;
import dev.raftify.cli.remote.LiveCommand;
import dev.raftify.cli.remote.NodeAddresses;
import dev.raftify.cli.remote.RemoteErrors;
import dev.raftify.cli.store.Membership;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.proto.service.CreateSnapshotArgs;
import dev.raftify.proto.service.CreateSnapshotResponse;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code raftify-cli snapshot create}: snapshot the state machine of each given node and compact its log. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Take a snapshot on each given node (of its state machine at its applied index) and compact "
                + "the log it covers. Snapshots are per node: list every node to snapshot. Waits for each.",
        footerHeading = "%nExamples:%n",
        footer = {"  raftify-cli snapshot create 127.0.0.1:60061",
            "  raftify-cli snapshot create 127.0.0.1:60061,127.0.0.1:60062,127.0.0.1:60063"})
public final class SnapshotCreate extends LiveCommand {

    @Mixin
    NodeAddresses addresses;

    @Override
    protected int run() {
        List<SnapshotMetadata> taken = new ArrayList<>();
        for (Endpoint e : addresses.endpoints()) {
            CreateSnapshotResponse r = client(e).call("CreateSnapshot",
                    s -> s.createSnapshot(CreateSnapshotArgs.getDefaultInstance()));
            if (r.hasError()) {
                CliException failure = RemoteErrors.refused(e, "snapshot create", r.getError());
                if (!taken.isEmpty()) {
                    report(taken);
                }
                throw failure;
            }
            taken.add(r.getMetadata());
        }
        report(taken);
        return ExitCode.OK;
    }

    private void report(List<SnapshotMetadata> taken) {
        if (json()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < taken.size(); i++) {
                SnapshotMetadata m = taken.get(i);
                out.add(Json.obj().put("address", addresses.endpoints().get(i).toString()).put("index", m.getIndex())
                        .put("term", m.getTerm()).put("conf_state", Membership.json(m.getConfState())));
            }
            printJson(Json.obj().put("operation", "snapshot create").put("snapshots", out));
            return;
        }
        Table t = new Table(Column.left("address"), Column.right("index"), Column.right("term"),
                Column.left("conf_state"));
        for (int i = 0; i < taken.size(); i++) {
            SnapshotMetadata m = taken.get(i);
            t.row(addresses.endpoints().get(i), m.getIndex(), m.getTerm(), Membership.format(m.getConfState()));
        }
        t.render(out(), borders(), style());
        out().println("Snapshot taken on " + taken.size() + " node(s); each compacted its log up to the index shown.");
    }
}

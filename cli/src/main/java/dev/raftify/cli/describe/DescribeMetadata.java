package dev.raftify.cli.describe;

import dev.raftify.cli.CliCommand;
import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Cell;
import dev.raftify.cli.output.Column;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.output.Table;
import dev.raftify.cli.store.Membership;
import dev.raftify.cli.store.SnapshotContent;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.storage.StorageException;
import dev.raftify.storage.lmdb.LmdbReadView;
import dev.raftify.storage.lmdb.SnapshotReplacedException;
import dev.raftify.storage.lmdb.LmdbStorage;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** raftify's metadata table (hard state, conf state, snapshot, last index) plus first index, format and peers. */
@Command(name = "metadata", mixinStandardHelpOptions = true,
        description = "Print a store's Raft metadata: hard state, membership, snapshot, log bounds, format version "
                + "and the peer address book. Opens the store read-only; safe while the node runs.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  raftify-cli describe metadata ./data/node-1",
            "  raftify-cli describe metadata ./data/node-1 --output json | jq .hard_state.commit"})
public final class DescribeMetadata extends CliCommand {

    @Parameters(index = "0", paramLabel = "<dir>", description = "The node's storage directory.")
    Path dir;

    /** Everything the command shows, read from one consistent state of the store. */
    record Metadata(HardState hardState, ConfState confState, SnapshotMetadata snapshot, long snapshotBytes,
                    SnapshotContent snapshotContent, long firstIndex, long lastIndex, long formatVersion,
                    Map<Long, String> peers) {
        static Metadata read(LmdbReadView v) {
            // Only the snapshot's header is read, not its (possibly huge) state machine part. A damaged snapshot
            // does not hide the rest: this is what an operator reads to choose a survivor.
            SnapshotContent content;
            try {
                content = SnapshotContent.of(v, 0);
            } catch (SnapshotReplacedException e) {
                throw e;
            } catch (StorageException e) {
                content = SnapshotContent.unreadable(v.snapshotFile().getSize(), e.getMessage());
            }
            return new Metadata(v.hardState(), v.confState(), v.snapshotMetadata(), content.dataSize(), content,
                    v.firstIndex(), v.lastIndex(), v.formatVersion(), v.peers());
        }
    }

    @Override
    protected int execute() {
        Metadata m;
        try (LmdbStorage storage = LmdbStorage.openReadOnly(dir)) {
            // The node may replace its snapshot (and delete the file) while we look: then look again.
            m = SnapshotContent.withRetry(() -> {
                try (LmdbReadView view = storage.readView()) {
                    return Metadata.read(view);
                }
            });
        }
        if (json()) {
            printJson(Json.obj()
                    .put("hard_state", Json.obj().put("term", m.hardState().getTerm())
                            .put("vote", m.hardState().getVote()).put("commit", m.hardState().getCommit()))
                    .put("conf_state", Membership.json(m.confState()))
                    .put("snapshot", Json.obj()
                            .put("data_size", m.snapshotBytes())
                            .put("metadata", Json.obj()
                                    .put("index", m.snapshot().getIndex())
                                    .put("term", m.snapshot().getTerm())
                                    .put("conf_state", Membership.json(m.snapshot().getConfState()))))
                    .put("first_index", m.firstIndex())
                    .put("last_index", m.lastIndex())
                    .put("format_version", m.formatVersion())
                    .put("peers", Membership.peersJson(m.peers())));
            return ExitCode.OK;
        }
        ConfState cs = m.confState();
        ConfState snapCs = m.snapshot().getConfState();
        Table t = new Table(Column.left("section"), Column.left("field"), Column.left("value"));
        t.row(section("HardState"), "term", m.hardState().getTerm())
                .row("", "vote", m.hardState().getVote())
                .row("", "commit", m.hardState().getCommit())
                .separator()
                .row(section("ConfState"), "voters", cs.getVotersList())
                .row("", "learners", cs.getLearnersList())
                .row("", "voters_outgoing", cs.getVotersOutgoingList())
                .row("", "learners_next", cs.getLearnersNextList())
                .row("", "auto_leave", cs.getAutoLeave())
                .separator()
                .row(section("Snapshot"), "data", m.snapshotContent().summary())
                .row("", "metadata.index", m.snapshot().getIndex())
                .row("", "metadata.term", m.snapshot().getTerm())
                .row("", "metadata.conf_state", Membership.format(snapCs))
                .separator()
                .row(section("Log"), "first_index", m.firstIndex())
                .row("", "last_index", m.lastIndex())
                .separator()
                .row(section("Store"), "format_version", m.formatVersion())
                .separator();
        if (m.peers().isEmpty()) {
            t.row(section("Peers"), "(none)", "");
        }
        boolean firstPeer = true;
        for (Map.Entry<Long, String> p : m.peers().entrySet()) {
            t.row(firstPeer ? section("Peers") : Cell.of(""), "node " + p.getKey(), Membership.address(p.getValue()));
            firstPeer = false;
        }
        t.render(out(), borders(), style());
        return ExitCode.OK;
    }

    private Cell section(String name) {
        return Cell.styled(name, style()::bold);
    }
}

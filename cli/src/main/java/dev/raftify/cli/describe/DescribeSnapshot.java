package dev.raftify.cli.describe;

import dev.raftify.cli.CliCommand;
import dev.raftify.cli.CliException;
import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Column;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.output.Table;
import dev.raftify.cli.store.Bytes;
import dev.raftify.cli.store.Membership;
import dev.raftify.cli.store.SnapshotContent;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.storage.lmdb.LmdbStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The latest snapshot of a store: metadata, the address book it carries and a look at the state machine. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Print the latest snapshot of a storage directory: index, term, membership, the peer address "
                + "book it carries and the start of the state machine's data. Opens the store read-only.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  raftify-cli describe snapshot ./data/node-1",
            "  raftify-cli describe snapshot ./data/node-1 --save-state-machine /tmp/state.bin"})
public final class DescribeSnapshot extends CliCommand {

    private static final int PREVIEW = 64;

    @Parameters(index = "0", paramLabel = "<dir>", description = "The node's storage directory.")
    Path dir;

    @Option(names = "--save-state-machine", paramLabel = "<file>",
            description = "Also write the state machine's bytes to this file (it must not exist yet).")
    Path saveTo;

    @Override
    protected int execute() {
        Snapshot snap;
        try (LmdbStorage storage = LmdbStorage.openReadOnly(dir)) {
            snap = storage.latestSnapshot();
        }
        SnapshotContent content = SnapshotContent.of(snap.getData());
        byte[] state = content.stateMachine().toByteArray();
        String preview = preview(state);
        if (saveTo != null) {
            save(state);
        }
        var meta = snap.getMetadata();
        if (json()) {
            printJson(Json.obj()
                    .put("present", meta.getIndex() != 0 || !snap.getData().isEmpty())
                    .put("index", meta.getIndex())
                    .put("term", meta.getTerm())
                    .put("conf_state", Membership.json(meta.getConfState()))
                    .put("data_size", snap.getData().size())
                    .put("format", content.wrapped() ? "SnapshotData" : "raw")
                    .put("peers", Membership.peersJson(content.peers()))
                    .put("state_machine_size", state.length)
                    .put("state_machine_preview", preview)
                    .put("saved_to", saveTo == null ? null : saveTo.toString()));
            return ExitCode.OK;
        }
        if (meta.getIndex() == 0 && snap.getData().isEmpty()) {
            out().println("No snapshot: this store has never taken or received one.");
            return ExitCode.OK;
        }
        Table t = new Table(Column.left("field"), Column.left("value"));
        t.row("index", meta.getIndex())
                .row("term", meta.getTerm())
                .row("conf_state", Membership.format(meta.getConfState()))
                .row("data", content.summary(snap.getData().size()))
                .row("peers", content.wrapped() ? Membership.peers(content.peers()) : "(not recorded)")
                .row("state machine", Bytes.size(state.length))
                .row("preview", preview.isEmpty() ? "(empty)" : preview);
        t.render(out(), borders(), style());
        if (saveTo != null) {
            out().println("State machine (" + state.length + " bytes) written to " + saveTo + ".");
        }
        return ExitCode.OK;
    }

    /** The first bytes: text when printable, else hex. */
    private static String preview(byte[] data) {
        int n = Math.min(PREVIEW, data.length);
        byte[] head = java.util.Arrays.copyOf(data, n);
        String text = Bytes.printable(head);
        String shown = text != null ? Bytes.escapeLineBreaks(text) : Bytes.hex(head);
        return data.length > n ? shown + " ... (" + data.length + " bytes)" : shown;
    }

    private void save(byte[] state) {
        try {
            Files.write(saveTo, state, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "will not overwrite " + saveTo + ": the file exists", e);
        } catch (IOException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "cannot write " + saveTo + ": " + e.getMessage(), e);
        }
    }
}

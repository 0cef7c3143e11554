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
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.storage.SnapshotReader;
import dev.raftify.storage.lmdb.LmdbReadView;
import dev.raftify.storage.lmdb.LmdbStorage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The latest snapshot of a store: metadata, the address book it carries and a look at the state machine. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Print the latest snapshot of a storage directory: index, term, membership, where its data is, "
                + "the peer address book it carries and the start of the state machine's data. Opens the store "
                + "read-only and reads the data as a stream (a snapshot of any size is never in memory whole).",
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

    /** Everything shown, from one consistent state of the store. */
    private record Seen(SnapshotMetadata meta, String file, SnapshotContent content) {}

    @Override
    protected int execute() {
        Seen seen;
        try (LmdbStorage storage = LmdbStorage.openReadOnly(dir)) {
            // The node may replace its snapshot (and delete the file) while we look: then look again.
            seen = SnapshotContent.withRetry(() -> read(storage));
        }
        SnapshotMetadata meta = seen.meta();
        SnapshotContent content = seen.content();
        String preview = preview(content.preview(), content.stateMachineSize());
        if (json()) {
            printJson(Json.obj()
                    .put("present", meta.getIndex() != 0 || content.dataSize() != 0)
                    .put("index", meta.getIndex())
                    .put("term", meta.getTerm())
                    .put("conf_state", Membership.json(meta.getConfState()))
                    .put("file", seen.file())
                    .put("data_size", content.dataSize())
                    .put("format", content.format())
                    .put("peers", Membership.peersJson(content.peers()))
                    .put("state_machine_size", content.stateMachineSize())
                    .put("state_machine_preview", preview)
                    .put("saved_to", saveTo == null ? null : saveTo.toString()));
            return ExitCode.OK;
        }
        if (meta.getIndex() == 0 && content.dataSize() == 0) {
            out().println("No snapshot: this store has never taken or received one.");
            return ExitCode.OK;
        }
        Table t = new Table(Column.left("field"), Column.left("value"));
        t.row("index", meta.getIndex())
                .row("term", meta.getTerm())
                .row("conf_state", Membership.format(meta.getConfState()))
                .row("file", seen.file() == null ? "(inside LMDB: a format version 1 store)" : seen.file())
                .row("data", content.summary())
                .row("peers", content.wrapped() ? Membership.peers(content.peers()) : "(not recorded)")
                .row("state machine", Bytes.size(content.stateMachineSize()))
                .row("preview", preview.isEmpty() ? "(empty)" : preview);
        t.render(out(), borders(), style());
        if (saveTo != null) {
            out().println("State machine (" + content.stateMachineSize() + " bytes) written to " + saveTo + ".");
        }
        return ExitCode.OK;
    }

    private Seen read(LmdbStorage storage) {
        try (LmdbReadView v = storage.readView()) {
            SnapshotMetadata meta = v.snapshotMetadata();
            String name = v.snapshotFile().getName();
            String file = name.isEmpty() ? null : "snapshots/" + name;
            try (SnapshotReader r = v.openSnapshot()) {
                return new Seen(meta, file, saveTo == null ? SnapshotContent.read(r, PREVIEW, null) : save(r));
            } catch (IOException e) {
                throw new CliException(ExitCode.STORE, "cannot read the snapshot of " + dir + ": " + e.getMessage(),
                        e);
            }
        }
    }

    /** The first bytes: text when printable, else hex. */
    private static String preview(byte[] head, long size) {
        String text = Bytes.printable(head);
        String shown = text != null ? Bytes.escapeLineBreaks(text) : Bytes.hex(head);
        return size > head.length ? shown + " ... (" + size + " bytes)" : shown;
    }

    /** Streams the state machine's bytes to the file; a failed or cut copy leaves no file behind. */
    private SnapshotContent save(SnapshotReader r) throws IOException {
        OutputStream file;
        try {
            file = new BufferedOutputStream(Files.newOutputStream(saveTo, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), 64 * 1024);
        } catch (FileAlreadyExistsException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "will not overwrite " + saveTo + ": the file exists", e);
        } catch (IOException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "cannot write " + saveTo + ": " + e.getMessage(), e);
        }
        boolean saved = false;
        try (file) {
            SnapshotContent c = SnapshotContent.read(r, PREVIEW, file);
            saved = true;
            return c;
        } catch (IOException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "cannot write " + saveTo + ": " + e.getMessage(), e);
        } finally {
            if (!saved) {
                Files.deleteIfExists(saveTo);
            }
        }
    }
}

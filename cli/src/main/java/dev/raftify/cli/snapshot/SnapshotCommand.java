package dev.raftify.cli.snapshot;

import picocli.CommandLine.Command;

/** {@code raftify-cli snapshot ...}. */
@Command(name = "snapshot", description = "Snapshots of live nodes.", mixinStandardHelpOptions = true,
        subcommands = {SnapshotCreate.class})
public final class SnapshotCommand {
}

package dev.raftify.cli.snapshot;

import picocli.CommandLine.Command;

/** {@code raftify-cli snapshot ...}. Its subcommands are listed in {@link dev.raftify.cli.CommandTree}. */
@Command(name = "snapshot", description = "Snapshots of live nodes.", mixinStandardHelpOptions = true)
public final class SnapshotCommand {
}

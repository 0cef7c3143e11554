package dev.raftify.cli.leader;

import picocli.CommandLine.Command;

/** {@code raftify-cli leader ...}. Its subcommands are listed in {@link dev.raftify.cli.CommandTree}. */
@Command(name = "leader", description = "Leadership.", mixinStandardHelpOptions = true)
public final class LeaderCommand {
}

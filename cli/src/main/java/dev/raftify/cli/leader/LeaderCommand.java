package dev.raftify.cli.leader;

import picocli.CommandLine.Command;

/** {@code raftify-cli leader ...}. */
@Command(name = "leader", description = "Leadership.", mixinStandardHelpOptions = true,
        subcommands = {LeaderTransfer.class})
public final class LeaderCommand {
}

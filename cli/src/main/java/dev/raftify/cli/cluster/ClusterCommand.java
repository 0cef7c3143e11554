package dev.raftify.cli.cluster;

import picocli.CommandLine.Command;

/** {@code raftify-cli cluster ...}. */
@Command(name = "cluster", description = "The cluster as a whole: health, joint configurations.",
        mixinStandardHelpOptions = true, subcommands = {ClusterStatusCommand.class, LeaveJointCommand.class})
public final class ClusterCommand {
}

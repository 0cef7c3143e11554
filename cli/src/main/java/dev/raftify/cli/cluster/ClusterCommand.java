package dev.raftify.cli.cluster;

import picocli.CommandLine.Command;

/** {@code raftify-cli cluster ...}. Its subcommands are listed in {@link dev.raftify.cli.CommandTree}. */
@Command(name = "cluster", description = "The cluster as a whole: health, joint configurations.",
        mixinStandardHelpOptions = true)
public final class ClusterCommand {
}

package dev.raftify.cli.describe;

import picocli.CommandLine.Command;

/** {@code raftify-cli describe ...}: show what a store or a node holds. */
@Command(name = "describe", description = "Show what a storage directory (offline) or a live node holds.",
        mixinStandardHelpOptions = true,
        subcommands = {DescribeLogs.class, DescribeMetadata.class, DescribeSnapshot.class, DescribeNode.class})
public final class DescribeCommand {
}

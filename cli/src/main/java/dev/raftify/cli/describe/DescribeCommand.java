package dev.raftify.cli.describe;

import picocli.CommandLine.Command;

/**
 * {@code raftify-cli describe ...}: show what a store or a node holds. Its subcommands are listed in
 * {@link dev.raftify.cli.CommandTree}.
 */
@Command(name = "describe", description = "Show what a storage directory (offline) or a live node holds.",
        mixinStandardHelpOptions = true)
public final class DescribeCommand {
}

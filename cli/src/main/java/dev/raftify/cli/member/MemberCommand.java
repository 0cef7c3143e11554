package dev.raftify.cli.member;

import picocli.CommandLine.Command;

/** {@code raftify-cli member ...}. Its subcommands are listed in {@link dev.raftify.cli.CommandTree}. */
@Command(name = "member", description = "List and change the cluster's members.", mixinStandardHelpOptions = true)
public final class MemberCommand {
}

package dev.raftify.cli.member;

import picocli.CommandLine.Command;

/** {@code raftify-cli member ...}. */
@Command(name = "member", description = "List and change the cluster's members.", mixinStandardHelpOptions = true,
        subcommands = {MemberList.class, MemberAdd.class, MemberRemove.class, MemberPromote.class})
public final class MemberCommand {
}

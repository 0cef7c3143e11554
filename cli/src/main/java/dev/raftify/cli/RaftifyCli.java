package dev.raftify.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code raftify-cli}: inspection and administration of Raftify clusters and their stores. */
@Command(
        name = "raftify-cli",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Inspect Raftify storage directories, query live nodes, and administer a cluster.",
        subcommands = {CommandLine.HelpCommand.class})
public final class RaftifyCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: show what there is rather than doing nothing silently.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static CommandLine commandLine() {
        return new CommandLine(new RaftifyCli());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}

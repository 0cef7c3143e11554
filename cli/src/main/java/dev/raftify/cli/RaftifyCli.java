package dev.raftify.cli;

import dev.raftify.cli.check.CheckCommand;
import dev.raftify.cli.cluster.ClusterCommand;
import dev.raftify.cli.describe.DescribeCommand;
import dev.raftify.cli.leader.LeaderCommand;
import dev.raftify.cli.member.MemberCommand;
import dev.raftify.cli.output.Terminal;
import dev.raftify.cli.recover.RecoverCommand;
import dev.raftify.cli.snapshot.SnapshotCommand;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code raftify-cli}: inspection and administration of Raftify clusters and their stores. */
@Command(
        name = "raftify-cli",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Inspect Raftify storage directories, query live nodes, and administer a cluster.",
        commandListHeading = "%nCommands:%n",
        subcommands = {
            DescribeCommand.class,
            CheckCommand.class,
            RecoverCommand.class,
            ClusterCommand.class,
            MemberCommand.class,
            LeaderCommand.class,
            SnapshotCommand.class,
            AutoComplete.GenerateCompletion.class,
            CommandLine.HelpCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  raftify-cli describe metadata ./data/node-1       # offline: a storage directory",
            "  raftify-cli describe logs ./data/node-1 --tail 20",
            "  raftify-cli check ./data/node-1",
            "  raftify-cli cluster status 127.0.0.1:60061       # live: any member's address",
            "  source <(raftify-cli generate-completion)         # bash/zsh completion",
            "",
            "Exit codes: 0 ok/healthy, 1 degraded or problems found, 2 usage error, no quorum or unreachable,",
            "3 store error, 4 refused by a node, 70 internal error. See docs/cli.md."})
public final class RaftifyCli implements Runnable {

    // Held strongly: java.util.logging keeps loggers weakly, and a collected logger forgets its level.
    private static final Logger GRPC_LOGGER = Logger.getLogger("io.grpc");

    private final Terminal terminal;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public RaftifyCli(Terminal terminal) {
        this.terminal = terminal;
    }

    public Terminal terminal() {
        return terminal;
    }

    @Override
    public void run() {
        // No subcommand: show what there is rather than doing nothing silently.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line as tests and {@link #main} run it, writing to the given terminal. */
    public static CommandLine commandLine(Terminal terminal) {
        ErrorReporter errors = new ErrorReporter();
        CommandLine cl = new CommandLine(new RaftifyCli(terminal))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
        return cl;
    }

    public static CommandLine commandLine() {
        return commandLine(Terminal.captured(System.getenv()));
    }

    public static void main(String[] args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        // Libraries log to standard error; an operator sees our one-line messages instead, unless --verbose.
        GRPC_LOGGER.setLevel(verbose ? Level.INFO : Level.OFF);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "error");
        Terminal terminal = Terminal.detect();
        CommandLine cl = commandLine(terminal);
        PrintWriter out = new PrintWriter(new BufferedWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), terminal.charset()), 1 << 16));
        cl.setOut(out);
        cl.setErr(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), terminal.charset()),
                true));
        int code = cl.execute(args);
        out.flush();
        System.exit(code);
    }
}

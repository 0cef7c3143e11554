package dev.raftify.cli;

import dev.raftify.cli.output.Terminal;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code raftify-cli}: inspection and administration of Raftify clusters and their stores. */
@Command(
        name = "raftify-cli",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Inspect Raftify storage directories, query live nodes, and administer a cluster.",
        commandListHeading = "%nCommands:%n",
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

    static final String JNR_ASM = "jnr.ffi.asm.enabled";

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

    /** The whole command line (every command), writing to the given terminal. */
    public static CommandLine commandLine(Terminal terminal) {
        CommandLine cl = new CommandLine(new RaftifyCli(terminal));
        CommandTree.addAll(cl);
        return configure(cl);
    }

    /**
     * The command line as {@link #main} runs it: only the commands these arguments run are built (see
     * {@link CommandTree}); it parses and behaves as the whole one does for them.
     */
    public static CommandLine commandLine(Terminal terminal, String... args) {
        CommandLine cl = new CommandLine(new RaftifyCli(terminal));
        CommandTree.addFor(cl, args);
        return configure(cl);
    }

    public static CommandLine commandLine() {
        return commandLine(Terminal.captured(System.getenv()));
    }

    /** Settings apply to the subcommands present when they are set, so they are set once the tree is built. */
    private static CommandLine configure(CommandLine cl) {
        ErrorReporter errors = new ErrorReporter();
        return cl.setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(errors)
                .setParameterExceptionHandler(errors);
    }

    /** Process-wide settings of a CLI run (main, and the launcher's training run for the CDS archive). */
    static void configureRuntime(boolean verbose) {
        // Libraries log to standard error; an operator sees our one-line messages instead, unless --verbose.
        GRPC_LOGGER.setLevel(verbose ? Level.INFO : Level.OFF);
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "error");
        // lmdbjava binds LMDB through jnr-ffi, which by default generates its call stubs with ASM on every start
        // (classes that no class-data-sharing archive can hold); its reflective binding starts about 0.3 s of CPU
        // sooner and reads a log as fast (docs/cli.md, "Start-up time"). An explicit -Djnr.ffi.asm.enabled wins.
        if (System.getProperty(JNR_ASM) == null) {
            System.setProperty(JNR_ASM, "false");
        }
    }

    public static void main(String[] args) {
        configureRuntime(Arrays.asList(args).contains("--verbose"));
        Terminal terminal = Terminal.detect();
        CommandLine cl = commandLine(terminal, args);
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

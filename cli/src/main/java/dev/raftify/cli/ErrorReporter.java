package dev.raftify.cli;

import dev.raftify.storage.StorageException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on standard error and an exit code (see {@link ExitCode}): storage errors
 * keep the storage layer's message (it names the directory and what is wrong), remote errors were already
 * translated by the client layer, usage errors point at {@code --help}. Stack traces only with {@code --verbose}.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

    static final String PREFIX = "raftify-cli: ";

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(PREFIX + ex.getMessage());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        cmd.getOut().flush();
        CliException failure = translate(ex);
        err.println(PREFIX + failure.getMessage());
        if (verbose(cmd)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return failure.exitCode();
    }

    static CliException translate(Throwable ex) {
        if (ex instanceof CliException c) {
            return c;
        }
        if (ex instanceof StorageException) {
            return new CliException(ExitCode.STORE, ex.getMessage(), ex);
        }
        if (ex instanceof ParameterException) {
            return new CliException(ExitCode.UNAVAILABLE, ex.getMessage(), ex);
        }
        return new CliException(ExitCode.INTERNAL, "unexpected error (a bug in raftify-cli; run with --verbose "
                + "and report it): " + ex, ex);
    }

    private static boolean verbose(CommandLine cmd) {
        return cmd.getCommand() instanceof CliCommand c && c.common() != null && c.common().verbose();
    }
}

package dev.raftify.cli;

/**
 * A failure that ends the command with a one-line message and an exit code (see {@link ExitCode}). Commands throw
 * it for every failure an operator can cause or fix; {@link ErrorReporter} prints it without a stack trace unless
 * {@code --verbose} is given.
 */
public final class CliException extends RuntimeException {
    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

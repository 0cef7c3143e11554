package dev.raftify.cli;

/**
 * The exit codes of {@code raftify-cli}, documented in docs/cli.md. Scripts and monitors depend on them, so a
 * value never changes meaning.
 */
public final class ExitCode {
    /** Success; for {@code cluster status}: healthy. */
    public static final int OK = 0;
    /** {@code cluster status}: degraded (a member down or lagging); {@code check}: problems found. */
    public static final int DEGRADED = 1;
    /**
     * {@code cluster status}: no quorum or split; no node reachable (connection refused, timeout, TLS failure); a
     * usage error (picocli's own code for those is 2 as well).
     */
    public static final int UNAVAILABLE = 2;
    /** The storage directory is missing, not a Raftify store, unreadable, corrupt, locked or of another format. */
    public static final int STORE = 3;
    /** A node answered but refused: another cluster, a membership change rejected, a failed transfer, ... */
    public static final int REFUSED = 4;
    /** A bug in raftify-cli (an unexpected exception); run with --verbose and report it. */
    public static final int INTERNAL = 70;

    private ExitCode() {
    }
}

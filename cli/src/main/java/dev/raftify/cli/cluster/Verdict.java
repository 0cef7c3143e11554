package dev.raftify.cli.cluster;

import dev.raftify.cli.ExitCode;

/** The overall judgement of {@code cluster status}, with the exit code scripts and monitors act on. */
public enum Verdict {
    /** Every member answers, follows the one leader and keeps up. */
    HEALTHY(ExitCode.OK),
    /** The cluster works (a quorum follows a leader) but a member is down, lagging or out of step. */
    DEGRADED(ExitCode.DEGRADED),
    /** No leader, or fewer voters following it than a quorum: writes cannot commit. */
    NO_QUORUM(ExitCode.UNAVAILABLE),
    /** Two leaders in one term, or members disagreeing about the leader of the current term. */
    SPLIT(ExitCode.UNAVAILABLE),
    /** No node answered at all. */
    UNREACHABLE(ExitCode.UNAVAILABLE);

    private final int exitCode;

    Verdict(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** As printed and in JSON: {@code healthy}, {@code no quorum}, ... */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}

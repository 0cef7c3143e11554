package dev.raftify.cli.remote;

import dev.raftify.cli.CliException;
import dev.raftify.cli.ExitCode;
import dev.raftify.proto.service.Error;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** Translates gRPC failures and in-band {@link Error}s into one-line messages and exit codes. */
public final class RemoteErrors {

    private RemoteErrors() {
    }

    public static CliException translate(Endpoint endpoint, String rpc, String clusterId, Duration timeout,
                                         StatusRuntimeException e) {
        Status status = e.getStatus();
        String detail = detail(status);
        return switch (status.getCode()) {
            case UNAVAILABLE -> tlsFailure(e) != null
                    ? new CliException(ExitCode.UNAVAILABLE, "TLS failure with " + endpoint + ": " + tlsFailure(e), e)
                    : new CliException(ExitCode.UNAVAILABLE, "cannot reach node at " + endpoint + ": " + detail, e);
            case DEADLINE_EXCEEDED -> new CliException(ExitCode.UNAVAILABLE, "node at " + endpoint
                    + " did not answer " + rpc + " within " + DurationConverter.format(timeout), e);
            case FAILED_PRECONDITION -> new CliException(ExitCode.REFUSED, "node at " + endpoint
                    + " refused cluster id '" + clusterId + "' (a node of another cluster?): " + detail, e);
            case UNIMPLEMENTED -> new CliException(ExitCode.REFUSED, "node at " + endpoint + " does not implement "
                    + rpc + " (not a Raftify node, or an older version)", e);
            case UNAUTHENTICATED, PERMISSION_DENIED -> new CliException(ExitCode.REFUSED, "node at " + endpoint
                    + " refused " + rpc + ": " + status.getCode() + ": " + detail, e);
            default -> new CliException(ExitCode.REFUSED, rpc + " on " + endpoint + " failed: " + status.getCode()
                    + (detail.isEmpty() ? "" : ": " + detail), e);
        };
    }

    /** An in-band error: the node did the call's work and says why it failed. */
    public static CliException refused(Endpoint endpoint, String what, Error error) {
        StringBuilder sb = new StringBuilder(what).append(" failed on ").append(endpoint).append(": ")
                .append(error.getCode()).append(error.getMessage().isEmpty() ? "" : ": " + error.getMessage());
        if (error.getLeaderId() != 0) {
            sb.append(" (the leader is node ").append(error.getLeaderId())
                    .append(error.getLeaderAddress().isEmpty() ? "" : " at " + error.getLeaderAddress()).append(')');
        }
        return new CliException(ExitCode.REFUSED, sb.toString());
    }

    /** The description, with the innermost cause's message (e.g. "Connection refused") when it adds something. */
    private static String detail(Status status) {
        String description = status.getDescription() == null ? "" : status.getDescription();
        Throwable root = status.getCause();
        while (root != null && root.getCause() != null) {
            root = root.getCause();
        }
        if (root != null && root.getMessage() != null && !description.contains(root.getMessage())) {
            // Netty's native transport says "finishConnect(..) failed with error(-111): Connection refused"; the
            // operator needs the last part. gRPC's generic "io exception" adds nothing to it.
            String cause = root.getMessage().replaceFirst("^.*failed with error\\(-?\\d+\\): ", "");
            return description.isEmpty() || description.equals("io exception") ? cause : description + ": " + cause;
        }
        return description;
    }

    /** The TLS error behind a failed connection, or null when it was not one. */
    private static String tlsFailure(StatusRuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException || t.getClass().getSimpleName().contains("Ssl")) {
                Throwable root = t;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            }
        }
        return null;
    }
}

package dev.raftify.cli.remote;

import dev.raftify.cli.CliCommand;
import dev.raftify.cli.CliException;
import dev.raftify.cli.ExitCode;
import dev.raftify.proto.service.NodeStatus;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;

/** Base of the commands that talk to live nodes: connection options, and finding a node that answers. */
public abstract class LiveCommand extends CliCommand {

    @Mixin
    protected LiveOptions live;

    private Connector connector;

    /** Runs the command with connections that are closed when it ends. */
    protected abstract int run() throws Exception;

    @Override
    protected final int execute() throws Exception {
        try (Connector c = new Connector(live)) {
            connector = c;
            return run();
        } finally {
            connector = null;
        }
    }

    protected Connector connector() {
        return connector;
    }

    protected NodeClient client(Endpoint e) {
        return connector.client(e);
    }

    /** A node that answers, and its status: the endpoints are tried in order. */
    protected Answer firstAnswer(List<Endpoint> endpoints) {
        List<CliException> failures = new ArrayList<>();
        for (Endpoint e : endpoints) {
            try {
                NodeClient c = client(e);
                return new Answer(c, c.status());
            } catch (CliException ex) {
                failures.add(ex);
            }
        }
        throw unreachable(failures);
    }

    /** One failure as it is; several as "no node answered" with each one's reason. */
    protected static CliException unreachable(List<CliException> failures) {
        if (failures.size() == 1) {
            return failures.get(0);
        }
        StringBuilder sb = new StringBuilder("no node answered");
        int code = ExitCode.UNAVAILABLE;
        for (CliException f : failures) {
            sb.append("; ").append(f.getMessage());
            if (f.exitCode() == ExitCode.REFUSED) {
                code = ExitCode.REFUSED;
            }
        }
        return new CliException(code, sb.toString(), failures.get(0));
    }

    /** A node that answered, with what it said about itself. */
    public record Answer(NodeClient client, NodeStatus status) {
    }
}

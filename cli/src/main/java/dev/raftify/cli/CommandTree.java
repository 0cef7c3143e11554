package dev.raftify.cli;

import dev.raftify.cli.check.CheckCommand;
import dev.raftify.cli.cluster.ClusterCommand;
import dev.raftify.cli.cluster.ClusterStatusCommand;
import dev.raftify.cli.cluster.LeaveJointCommand;
import dev.raftify.cli.describe.DescribeCommand;
import dev.raftify.cli.describe.DescribeLogs;
import dev.raftify.cli.describe.DescribeMetadata;
import dev.raftify.cli.describe.DescribeNode;
import dev.raftify.cli.describe.DescribeSnapshot;
import dev.raftify.cli.leader.LeaderCommand;
import dev.raftify.cli.leader.LeaderTransfer;
import dev.raftify.cli.member.MemberAdd;
import dev.raftify.cli.member.MemberCommand;
import dev.raftify.cli.member.MemberList;
import dev.raftify.cli.member.MemberPromote;
import dev.raftify.cli.member.MemberRemove;
import dev.raftify.cli.recover.RecoverCommand;
import dev.raftify.cli.snapshot.SnapshotCommand;
import dev.raftify.cli.snapshot.SnapshotCreate;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * The command tree, declared once. It is built whole for help, completion and an unknown command (so that picocli
 * can list and suggest), and otherwise only along the path that runs: picocli reflects over every command it is
 * given, which for the whole tree costs about as much start-up time as the command itself (and would load the
 * gRPC and protobuf classes of the live commands for an offline one).
 */
public final class CommandTree {

    /**
     * A command: its name (as in its {@code @Command}; a test checks that they agree), its class, and its
     * subcommands. Naming the classes loads them (from the class-data-sharing archive, cheaply); picocli's costly
     * part, reflecting over a command's options, happens only for the commands added to a tree.
     */
    public record Node(String name, Class<?> type, List<Node> children) {
        static Node leaf(String name, Class<?> type) {
            return new Node(name, type, List.of());
        }

        static Node group(String name, Class<?> type, Node... children) {
            return new Node(name, type, List.of(children));
        }

        public Node child(String childName) {
            return children.stream().filter(c -> c.name.equals(childName)).findFirst().orElse(null);
        }
    }

    /** The subcommands of {@code raftify-cli}, in the order help lists them. */
    public static final List<Node> COMMANDS = List.of(
            Node.group("describe", DescribeCommand.class,
                    Node.leaf("logs", DescribeLogs.class),
                    Node.leaf("metadata", DescribeMetadata.class),
                    Node.leaf("snapshot", DescribeSnapshot.class),
                    Node.leaf("node", DescribeNode.class)),
            Node.leaf("check", CheckCommand.class),
            Node.leaf("recover", RecoverCommand.class),
            Node.group("cluster", ClusterCommand.class,
                    Node.leaf("status", ClusterStatusCommand.class),
                    Node.leaf("leave-joint", LeaveJointCommand.class)),
            Node.group("member", MemberCommand.class,
                    Node.leaf("list", MemberList.class),
                    Node.leaf("add", MemberAdd.class),
                    Node.leaf("remove", MemberRemove.class),
                    Node.leaf("promote", MemberPromote.class)),
            Node.group("leader", LeaderCommand.class,
                    Node.leaf("transfer", LeaderTransfer.class)),
            Node.group("snapshot", SnapshotCommand.class,
                    Node.leaf("create", SnapshotCreate.class)),
            Node.leaf("generate-completion", AutoComplete.GenerateCompletion.class),
            Node.leaf("help", CommandLine.HelpCommand.class));

    /** Commands that work on the whole tree, so that it is always built whole for them. */
    private static final List<String> NEED_WHOLE_TREE = List.of("generate-completion", "help");

    private CommandTree() {
    }

    public static Node find(String name) {
        return COMMANDS.stream().filter(c -> c.name.equals(name)).findFirst().orElse(null);
    }

    /** Adds every command under {@code root}. */
    static void addAll(CommandLine root) {
        for (Node n : COMMANDS) {
            root.addSubcommand(n.name, build(n, n.children));
        }
    }

    /**
     * Adds under {@code root} only what {@code args} run: their command and, for a group, the subcommand named next
     * (or the whole group when none is, so that it can list them or suggest one); nothing for {@code --version}.
     * Everything when the arguments do not start with a command: no arguments, a root option such as {@code --help}, an unknown command, or one of
     * {@link #NEED_WHOLE_TREE}.
     */
    static void addFor(CommandLine root, String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return;
        }
        Node top = args.length == 0 ? null : find(args[0]);
        if (top == null || NEED_WHOLE_TREE.contains(top.name)) {
            addAll(root);
            return;
        }
        Node sub = args.length > 1 ? top.child(args[1]) : null;
        root.addSubcommand(top.name, build(top, sub == null ? top.children : List.of(sub)));
    }

    private static CommandLine build(Node node, List<Node> children) {
        CommandLine cl = new CommandLine(node.type);
        for (Node c : children) {
            cl.addSubcommand(c.name, build(c, c.children));
        }
        return cl;
    }
}

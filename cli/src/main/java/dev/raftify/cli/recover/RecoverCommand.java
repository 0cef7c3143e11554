package dev.raftify.cli.recover;

import dev.raftify.cli.CliCommand;
import dev.raftify.cli.CliException;
import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Column;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.output.Style;
import dev.raftify.cli.output.Table;
import dev.raftify.cli.store.Membership;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.storage.WriteBatch;
import dev.raftify.storage.lmdb.LmdbOptions;
import dev.raftify.storage.lmdb.LmdbStorage;
import dev.raftify.storage.lmdb.StoreLockedException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * Last-resort recovery after losing quorum: rewrites the membership stored in a stopped node's directory, so that
 * the surviving nodes can form a cluster again. It can lose committed data and, done wrong, split the cluster in
 * two; hence the warning and the explicit confirmation flag.
 */
@Command(name = "recover", mixinStandardHelpOptions = true,
        description = {"LAST RESORT. Rewrite the membership (conf state) of a STOPPED node's storage directory, to "
                + "recover a cluster that lost its quorum for good: run it on every surviving node with the same "
                + "--voters, then start them.",
            "It can lose committed writes (whatever only the lost nodes had) and, if the lost nodes come back, let "
                + "two clusters run side by side. It leaves joint consensus, and keeps the learners unless told "
                + "otherwise. Requires --yes-i-know-this-can-lose-data; --dry-run shows the change without it."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  raftify-cli recover ./data/node-1 --voters 1,2 --dry-run",
            "  raftify-cli recover ./data/node-1 --voters 1,2 --yes-i-know-this-can-lose-data",
            "  raftify-cli recover ./data/node-1 --voters 1 --clear-learners --peer 1=10.0.0.1:60061 \\",
            "      --yes-i-know-this-can-lose-data"})
public final class RecoverCommand extends CliCommand {

    static final String CONFIRM = "--yes-i-know-this-can-lose-data";

    @Parameters(index = "0", paramLabel = "<dir>", description = "The stopped node's storage directory.")
    Path dir;

    @Option(names = "--voters", split = ",", required = true, paramLabel = "<id>",
            description = "The voters of the recovered cluster, comma-separated (usually the surviving nodes).")
    List<Long> voters;

    @Option(names = "--learners", split = ",", paramLabel = "<id>",
            description = "Set the learners to these ids (default: keep the current learners that are not voters).")
    List<Long> learners;

    @Option(names = "--clear-learners", description = "Remove every learner.")
    boolean clearLearners;

    @Option(names = "--peer", paramLabel = "<id>=<host:port>",
            description = "Set a member's address in the peer address book (repeatable).")
    Map<Long, String> peerAddresses = new TreeMap<>();

    @Option(names = "--dry-run", description = "Show what would change, write nothing.")
    boolean dryRun;

    @Option(names = CONFIRM, description = "Confirm that you understand this can lose committed data.")
    boolean confirmed;

    private record Plan(ConfState before, ConfState after, Map<Long, String> peersBefore, Map<Long, String> peersAfter) {
        boolean changes() {
            return !Membership.sameMembers(before, after) || !peersBefore.equals(peersAfter);
        }
    }

    @Override
    protected int execute() {
        validate();
        PrintWriter err = err();
        Style s = style();
        err.println(s.bad("WARNING") + ": recover rewrites the membership of " + dir + " by hand. This is a last resort "
                + "after losing quorum for good:");
        err.println("  - writes committed only on the lost nodes are lost;");
        err.println("  - run it only on stopped nodes, with the same --voters on every survivor;");
        err.println("  - never restart the lost nodes with their old data: two clusters would run side by side.");
        err.flush();

        try {
            return rewrite();
        } catch (StoreLockedException e) {
            throw new CliException(ExitCode.STORE, e.getMessage() + "; stop the node before running recover", e);
        }
    }

    private int rewrite() {
        Plan plan;
        try (LmdbStorage storage = LmdbStorage.openReadOnly(dir)) {
            plan = plan(storage.confState(), storage.peers());
        }
        if (!plan.changes()) {
            report(plan, "unchanged");
            return ExitCode.OK;
        }
        if (dryRun) {
            report(plan, "dry run: nothing written");
            return ExitCode.OK;
        }
        if (!confirmed) {
            report(plan, "not written");
            throw new CliException(ExitCode.UNAVAILABLE, "refusing to rewrite the membership without " + CONFIRM);
        }
        // Read-write takes the node's lock: a running node makes this fail rather than race with it.
        try (LmdbStorage storage = LmdbStorage.open(dir, LmdbOptions.defaults().withCreateIfMissing(false))) {
            Plan current = plan(storage.confState(), storage.peers());
            storage.write(new WriteBatch(null, List.of(), null, current.after(), current.peersAfter()));
            report(current, "written");
        }
        return ExitCode.OK;
    }

    private void validate() {
        Set<Long> v = new LinkedHashSet<>(voters);
        if (v.size() != voters.size() || v.contains(0L)) {
            throw new ParameterException(spec.commandLine(), "--voters must be distinct non-zero ids: " + voters);
        }
        if (learners != null && clearLearners) {
            throw new ParameterException(spec.commandLine(), "--learners and --clear-learners exclude each other");
        }
        if (learners != null) {
            for (long id : learners) {
                if (v.contains(id) || id == 0) {
                    throw new ParameterException(spec.commandLine(), "node " + id + " cannot be both voter and learner");
                }
            }
        }
    }

    private Plan plan(ConfState before, Map<Long, String> peersBefore) {
        List<Long> newLearners = new ArrayList<>();
        if (learners != null) {
            newLearners.addAll(new LinkedHashSet<>(learners));
        } else if (!clearLearners) {
            before.getLearnersList().stream().filter(id -> !voters.contains(id)).forEach(newLearners::add);
        }
        // Joint-consensus fields are cleared: the recovered cluster starts from a plain configuration.
        ConfState after = ConfState.newBuilder()
                .addAllVoters(voters.stream().sorted().toList())
                .addAllLearners(newLearners.stream().sorted().toList())
                .build();
        Map<Long, String> peersAfter = new TreeMap<>();
        Set<Long> members = Membership.allIds(after);
        // Nodes left out keep a tombstone (an empty address): their ids are never handed out again, and the
        // recovered cluster refuses their messages should they come back.
        peersBefore.forEach((id, address) -> peersAfter.put(id, members.contains(id) ? address : ""));
        peersAfter.putAll(peerAddresses);
        return new Plan(before, after, new TreeMap<>(peersBefore), peersAfter);
    }

    private void report(Plan plan, String outcome) {
        List<String> missing = new ArrayList<>();
        for (long id : Membership.allIds(plan.after())) {
            if (plan.peersAfter().getOrDefault(id, "").isEmpty()) {
                missing.add("node " + id + " has no address in the peer address book (set one with --peer " + id
                        + "=<host:port> unless it is this node)");
            }
        }
        if (json()) {
            printJson(Json.obj()
                    .put("directory", dir.toString())
                    .put("outcome", outcome)
                    .put("before", Json.obj().put("conf_state", Membership.json(plan.before()))
                            .put("peers", Membership.peersJson(plan.peersBefore())))
                    .put("after", Json.obj().put("conf_state", Membership.json(plan.after()))
                            .put("peers", Membership.peersJson(plan.peersAfter())))
                    .put("warnings", missing));
            return;
        }
        Table t = new Table(Column.left(""), Column.left("before"), Column.left("after"));
        t.row("conf_state", Membership.format(plan.before()), Membership.format(plan.after()))
                .row("peers", Membership.peers(plan.peersBefore()), Membership.peers(plan.peersAfter()));
        t.render(out(), borders(), style());
        for (String m : missing) {
            out().println("warning: " + m);
        }
        out().println("Membership of " + dir + ": " + outcome + ".");
    }
}

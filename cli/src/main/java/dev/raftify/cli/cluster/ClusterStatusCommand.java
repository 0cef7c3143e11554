package dev.raftify.cli.cluster;

import dev.raftify.cli.CliException;
import dev.raftify.cli.ExitCode;
import dev.raftify.cli.output.Cell;
import dev.raftify.cli.output.Column;
import dev.raftify.cli.output.Json;
import dev.raftify.cli.output.Style;
import dev.raftify.cli.output.Table;
import dev.raftify.cli.remote.DurationConverter;
import dev.raftify.cli.remote.LiveCommand;
import dev.raftify.cli.remote.NodeAddresses;
import dev.raftify.cli.store.Membership;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.PeerProgress;
import dev.raftify.proto.service.Role;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code raftify-cli cluster status}: one row per member and a verdict, with an exit code monitors can use. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Find every member from any of the given addresses, ask each one in parallel, and print one "
                + "row per member and a verdict: healthy, degraded (a member down, lagging or out of step), no "
                + "quorum, or split (two leaders in one term, or members disagreeing about the current leader).",
            "Exit code: 0 healthy, 1 degraded, 2 no quorum, split or unreachable."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  raftify-cli cluster status 127.0.0.1:60061",
            "  raftify-cli cluster status 10.0.0.1:60061,10.0.0.2:60061 --timeout 2s",
            "  raftify-cli cluster status 127.0.0.1:60061 --watch --interval 1s",
            "  raftify-cli cluster status 127.0.0.1:60061 -o json | jq -r .verdict"})
public final class ClusterStatusCommand extends LiveCommand {

    @Mixin
    NodeAddresses addresses;

    @Option(names = "--max-lag", paramLabel = "<entries>", defaultValue = "1000",
            description = "A member more entries than this behind the leader is lagging. Default: ${DEFAULT-VALUE}.")
    long maxLag;

    @Option(names = "--watch", description = "Refresh in place until interrupted (Ctrl-C).")
    boolean watch;

    @Option(names = "--interval", paramLabel = "<duration>", defaultValue = "2s", converter = DurationConverter.class,
            description = "With --watch: time between refreshes. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--count", paramLabel = "<n>",
            description = "With --watch: stop after n refreshes (default: until interrupted).")
    Long count;

    @Override
    protected int run() throws InterruptedException {
        int code;
        long round = 0;
        do {
            ClusterSurvey survey = ClusterSurvey.take(connector(), addresses.endpoints());
            HealthJudge.Judgement j = HealthJudge.judge(survey, maxLag);
            code = exitCode(survey, j);
            if (j.verdict() == Verdict.UNREACHABLE && !json() && !watch) {
                // Nothing to tabulate: one line, as for any other command that reaches no node.
                throw new CliException(code, "no node answered: " + String.join("; ", j.reasons()));
            }
            round++;
            if (watch && terminal().interactive()) {
                // Redraw in place on a terminal; in a pipe or file, refreshes simply follow each other.
                out().print(org.fusesource.jansi.Ansi.ansi().cursor(1, 1).eraseScreen());
            }
            if (json()) {
                printJson(json(survey, j));
            } else {
                if (watch) {
                    out().println("Every " + DurationConverter.format(interval) + " (refresh " + round
                            + (count == null ? "; Ctrl-C to stop)" : " of " + count + ")"));
                }
                render(survey, j);
            }
            out().flush();
            if (watch && (count == null || round < count)) {
                TimeUnit.MILLISECONDS.sleep(interval.toMillis());
            }
        } while (watch && (count == null || round < count));
        return code;
    }

    /** The verdict's code; when no node answered because every one refused (another cluster), 4 says so. */
    private static int exitCode(ClusterSurvey survey, HealthJudge.Judgement j) {
        if (j.verdict() == Verdict.UNREACHABLE && !survey.members().isEmpty()
                && survey.members().stream().allMatch(m -> m.errorCode() == ExitCode.REFUSED)) {
            return ExitCode.REFUSED;
        }
        return j.verdict().exitCode();
    }

    private void render(ClusterSurvey survey, HealthJudge.Judgement j) {
        Style s = style();
        PrintWriter out = out();
        Map<Long, PeerProgress> progress = leaderProgress(survey, j.leaderId());
        long leaderLast = leaderLast(survey, j.leaderId());
        Table t = new Table(Column.right("id"), Column.left("address"), Column.left("member"), Column.left("role"),
                Column.right("term"), Column.right("leader"), Column.right("commit"), Column.right("applied"),
                Column.right("last"), Column.right("match"), Column.right("next"), Column.left("progress"),
                Column.right("lag"), Column.right("contact"), Column.right("rtt"));
        for (MemberReport m : survey.members()) {
            String id = m.id() == 0 ? "?" : Long.toString(m.id());
            String addr = m.endpoint() == null ? "?" : m.endpoint().toString();
            PeerProgress p = progress.get(m.id());
            if (!m.answered()) {
                // What the leader knows of a member the CLI cannot reach is still worth seeing.
                t.row(id, addr, m.configRole(), Cell.styled("unreachable", s::bad), "-", "-", "-", "-", "-",
                        p == null ? "-" : p.getMatchIndex(), p == null ? "-" : p.getNextIndex(),
                        p == null ? "-" : p.getState().name().toLowerCase(Locale.ROOT),
                        p == null ? "-" : Math.max(0, leaderLast - p.getMatchIndex()),
                        p == null ? "-" : Durations.millis(p.getLastContactMillis()),
                        p == null ? "-" : Durations.micros(p.getRttMicros()));
                continue;
            }
            NodeStatus st = m.status();
            boolean isLeader = m.id() == j.leaderId() && st.getRole() == Role.LEADER;
            UnaryOperator<String> roleStyle = isLeader ? s::good : st.getRole() == Role.FOLLOWER ? UnaryOperator.identity() : s::warn;
            t.row(id, addr, m.configRole(), Cell.styled(role(st.getRole()), roleStyle), st.getTerm(),
                    st.getLeaderId() == 0 ? "-" : st.getLeaderId(), st.getCommitIndex(), st.getAppliedIndex(),
                    st.getLastIndex(),
                    isLeader ? st.getLastIndex() : p == null ? "-" : p.getMatchIndex(),
                    isLeader ? st.getLastIndex() + 1 : p == null ? "-" : p.getNextIndex(),
                    isLeader ? "leader" : p == null ? "-" : p.getState().name().toLowerCase(Locale.ROOT),
                    isLeader ? 0 : p == null ? "-" : Math.max(0, leaderLast - p.getMatchIndex()),
                    isLeader || p == null ? "-" : Durations.millis(p.getLastContactMillis()),
                    isLeader || p == null ? "-" : Durations.micros(p.getRttMicros()));
        }
        t.render(out, borders(), s);
        String label = j.verdict().label();
        String colored = switch (j.verdict()) {
            case HEALTHY -> s.good(label);
            case DEGRADED -> s.warn(label);
            default -> s.bad(label);
        };
        out.println("Verdict: " + colored + (j.leaderId() != 0 ? " (leader " + j.leaderId() + ", term " + j.term() + ")"
                : j.term() != 0 ? " (term " + j.term() + ")" : ""));
        for (String r : j.reasons()) {
            out.println("  - " + r);
        }
    }

    private static String role(Role r) {
        return switch (r) {
            case LEADER -> "leader";
            case FOLLOWER -> "follower";
            case CANDIDATE -> "candidate";
            case PRE_CANDIDATE -> "pre-candidate";
            default -> r.name().toLowerCase(Locale.ROOT);
        };
    }

    private static Map<Long, PeerProgress> leaderProgress(ClusterSurvey survey, long leaderId) {
        Map<Long, PeerProgress> out = new TreeMap<>();
        survey.members().stream()
                .filter(m -> m.answered() && m.id() == leaderId && m.status().getRole() == Role.LEADER)
                .findFirst()
                .ifPresent(m -> m.status().getProgressList().forEach(p -> out.put(p.getNodeId(), p)));
        return out;
    }

    private static long leaderLast(ClusterSurvey survey, long leaderId) {
        return survey.members().stream().filter(m -> m.answered() && m.id() == leaderId)
                .mapToLong(m -> m.status().getLastIndex()).findFirst().orElse(0);
    }

    private static Json.Obj progressJson(PeerProgress p, long leaderLast) {
        return Json.obj()
                .put("match_index", p.getMatchIndex())
                .put("next_index", p.getNextIndex())
                .put("state", p.getState().name().toLowerCase(Locale.ROOT))
                .put("lag", Math.max(0, leaderLast - p.getMatchIndex()))
                .put("inflight", p.getInflight())
                .put("recent_active", p.getRecentActive())
                .put("last_contact_millis", p.getLastContactMillis())
                .put("rtt_micros", p.getRttMicros());
    }

    private Json.Obj json(ClusterSurvey survey, HealthJudge.Judgement j) {
        Map<Long, PeerProgress> progress = leaderProgress(survey, j.leaderId());
        long leaderLast = leaderLast(survey, j.leaderId());
        List<Object> members = new ArrayList<>();
        for (MemberReport m : survey.members()) {
            Json.Obj o = Json.obj()
                    .put("id", m.id())
                    .put("address", m.endpoint() == null ? null : m.endpoint().toString())
                    .put("member", m.configRole())
                    .put("reachable", m.answered());
            PeerProgress lp = progress.get(m.id());
            if (!m.answered()) {
                o.put("error", m.error());
                if (lp != null) {
                    o.put("progress", progressJson(lp, leaderLast));
                }
            } else {
                NodeStatus st = m.status();
                o.put("role", role(st.getRole()))
                        .put("term", st.getTerm())
                        .put("leader_id", st.getLeaderId())
                        .put("commit_index", st.getCommitIndex())
                        .put("applied_index", st.getAppliedIndex())
                        .put("last_index", st.getLastIndex());
                if (lp != null) {
                    o.put("progress", progressJson(lp, leaderLast));
                }
            }
            members.add(o);
        }
        return Json.obj()
                .put("verdict", j.verdict().label())
                .put("exit_code", exitCode(survey, j))
                .put("term", j.term())
                .put("leader_id", j.leaderId())
                .put("membership", Membership.json(survey.membership()))
                .put("members", members)
                .put("reasons", j.reasons());
    }
}

package dev.raftify.chaos;

import dev.raftify.chaos.check.LinearizabilityChecker;
import dev.raftify.chaos.check.Verdict;
import dev.raftify.chaos.check.ViolationWindow;
import dev.raftify.chaos.history.History;
import dev.raftify.chaos.history.HistoryFile;
import dev.raftify.chaos.history.Op;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The chaos tests outside Maven (so that an hour-long campaign does not hold the build):
 * <pre>
 * java -cp chaos/target/classes dev.raftify.chaos.ChaosMain run [--duration 60m] [--run-duration 4m]
 *      [--seeds 1,2] [--nodes 3|5] [--clients 12] [--out DIR] [--root REPO]
 * java -cp chaos/target/classes dev.raftify.chaos.ChaosMain check HISTORY-FILE
 * </pre>
 * {@code run} without {@code --duration} is the CI-sized plan. {@code check} re-checks a recorded history and
 * prints each failing key's smallest window. Both exit 1 on a violation.
 */
public final class ChaosMain {
    private ChaosMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("run")) {
            System.exit(run(args) ? 0 : 1);
        }
        if (args.length == 2 && args[0].equals("check")) {
            System.exit(check(Path.of(args[1])) ? 0 : 1);
        }
        System.err.println("usage: ChaosMain run [--duration D] [--run-duration D] [--seeds S,...] [--nodes N] "
                + "[--clients C] [--out DIR] [--root REPO]\n       ChaosMain check HISTORY-FILE");
        System.exit(2);
    }

    private static boolean run(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            o.put(args[i], args[i + 1]);
        }
        List<Long> seeds = new ArrayList<>();
        if (o.containsKey("--seeds")) {
            for (String s : o.get("--seeds").split(",")) {
                seeds.add(Long.parseLong(s.trim()));
            }
        }
        Duration total = o.containsKey("--duration") ? Campaign.parseDuration(o.get("--duration")) : null;
        Duration runFor = o.containsKey("--run-duration") ? Campaign.parseDuration(o.get("--run-duration"))
                : total == null ? Duration.ZERO : Duration.ofMinutes(4);
        Campaign c = new Campaign(Path.of(o.getOrDefault("--root", ".")).toAbsolutePath().normalize(),
                Path.of(o.getOrDefault("--out", "chaos/target/chaos")).toAbsolutePath(),
                Integer.parseInt(o.getOrDefault("--clients", "12")),
                o.containsKey("--nodes") ? Integer.parseInt(o.get("--nodes")) : null, seeds);
        return c.run(total, runFor).passed();
    }

    private static boolean check(Path file) throws Exception {
        List<Op> ops = HistoryFile.read(file);
        LinearizabilityChecker checker = new LinearizabilityChecker(5_000_000, 60_000);
        int bad = 0;
        Map<Long, List<Op>> byKey = History.byKey(ops);
        for (Map.Entry<Long, List<Op>> e : byKey.entrySet()) {
            Verdict v = checker.check(e.getValue());
            if (v == Verdict.LINEARIZABLE) {
                continue;
            }
            bad++;
            System.out.println("key " + e.getKey() + ": " + v + " (" + e.getValue().size() + " operations)");
            if (v == Verdict.VIOLATION) {
                ViolationWindow.Window w = new ViolationWindow(checker).find(e.getValue());
                System.out.println("  smallest failing window (" + (w.fromAnyState() ? "from an unknown value"
                        : "from the start") + "):");
                w.ops().forEach(op -> System.out.println("    " + op + "  [" + op.invokeNanos() + ", "
                        + (op.completeNanos() == Long.MAX_VALUE ? "..." : op.completeNanos()) + "]"));
            }
        }
        System.out.println(ops.size() + " operations, " + byKey.size() + " keys checked, " + bad
                + " not linearizable or undecided");
        return bad == 0;
    }
}

package dev.raftify.chaos;

import dev.raftify.chaos.check.LinearizabilityChecker;
import dev.raftify.chaos.check.Verdict;
import dev.raftify.chaos.check.ViolationWindow;
import dev.raftify.chaos.history.History;
import dev.raftify.chaos.history.HistoryFile;
import dev.raftify.chaos.history.Op;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Checks a recorded history again: {@code java -cp chaos/target/classes dev.raftify.chaos.ChaosMain check
 * FILE}. Prints each key's verdict and, for a violation, the smallest failing window; exits 1 if any key is not
 * linearizable or undecided. (Runs themselves are started through Maven: see docs/testing.md.)
 */
public final class ChaosMain {
    private ChaosMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("check")) {
            System.err.println("usage: ChaosMain check HISTORY-FILE");
            System.exit(2);
        }
        List<Op> ops = HistoryFile.read(Path.of(args[1]));
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
        System.exit(bad == 0 ? 0 : 1);
    }
}

package dev.raftify.chaos.check;

import dev.raftify.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Cuts the smallest window out of a key's non-linearizable history that is still non-linearizable on its own, so
 * that a person can see the violation in a dozen operations instead of thousands.
 *
 * <p>Two cuts, each found by binary search because each is monotone:
 * <ol>
 *   <li>the end: the shortest prefix that fails. The prefix up to time {@code t} holds the operations invoked by
 *       {@code t}; those still running at {@code t} lose their results (reads are dropped, writes become
 *       unknown). If the whole history were linearizable, so would every such prefix be (cut a linearization at
 *       {@code t}), so a failing prefix proves the violation, and a longer prefix fails too.
 *   <li>the start: the latest time {@code s} such that the prefix still fails from an unknown initial value
 *       when everything that completed before {@code s} is forgotten. Operations straddling {@code s} are kept
 *       as unknown writes (they may have taken effect before {@code s}, which the unknown value absorbs, or
 *       after) and straddling reads are dropped, again so that a linearizable history can never fail.
 * </ol>
 * Then, one by one, operations are left out of the window while it still fails, as long as leaving them out is
 * sound (a linearizable history would stay linearizable without them): reads, refused compare-and-sets, and
 * writes whose value nothing left in the window observes (see {@link LinearizabilityChecker} for why).
 */
public final class ViolationWindow {

    /**
     * @param ops the window's operations, as they were checked (straddling ones already turned unknown)
     * @param fromAnyState whether the window starts from an unknown value (false: from the absent key, at the
     *     history's beginning)
     */
    public record Window(List<Op> ops, boolean fromAnyState) {}

    private final LinearizabilityChecker checker;

    public ViolationWindow(LinearizabilityChecker checker) {
        this.checker = checker;
    }

    /** The smallest failing window of {@code ops}, a key's history that {@code checker} found in violation. */
    public Window find(List<Op> ops) {
        List<Long> ends = new ArrayList<>(new TreeSet<>(ops.stream()
                .filter(o -> o.outcome() == Op.Outcome.OK).map(Op::completeNanos).toList()));
        List<Op> prefix = ops;
        int lo = 0;
        int hi = ends.size() - 1;
        // Invariant: the prefix at ends[hi] fails (the whole history ends there).
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (checker.check(prefix(ops, ends.get(mid))) == Verdict.VIOLATION) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        if (!ends.isEmpty()) {
            List<Op> p = prefix(ops, ends.get(hi));
            if (checker.check(p) == Verdict.VIOLATION) {
                prefix = p;
            }
        }

        List<Long> starts = new ArrayList<>(new TreeSet<>(prefix.stream().map(Op::invokeNanos).toList()));
        int best = -1;
        lo = 0;
        hi = starts.size() - 1;
        // Find the largest start whose suffix still fails from an unknown state.
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (checker.check(suffix(prefix, starts.get(mid)), true) == Verdict.VIOLATION) {
                best = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (best < 0) {
            return new Window(minimize(prefix, false), false);
        }
        return new Window(minimize(suffix(prefix, starts.get(best)), true), true);
    }

    private List<Op> minimize(List<Op> window, boolean anyState) {
        List<Op> ops = new ArrayList<>(window);
        for (int i = ops.size() - 1; i >= 0; i--) {
            if (!removable(ops, i)) {
                continue;
            }
            Op removed = ops.remove(i);
            if (checker.check(ops, anyState) != Verdict.VIOLATION) {
                ops.add(i, removed);
            }
        }
        return ops;
    }

    private static boolean removable(List<Op> ops, int i) {
        Op op = ops.get(i);
        if (op.kind() == Op.Kind.READ || (op.kind() == Op.Kind.CAS && op.outcome() == Op.Outcome.OK
                && !op.swapped())) {
            return true;
        }
        for (Op other : ops) {
            if (other == op) {
                continue;
            }
            boolean sees = (other.outcome() == Op.Outcome.OK && op.value().equals(other.result()))
                    || (other.kind() == Op.Kind.CAS && op.value().equals(other.expected()));
            if (sees) {
                return false;
            }
        }
        return true;
    }

    /** Operations invoked by {@code t}; those still running at {@code t} lose their results. */
    static List<Op> prefix(List<Op> ops, long t) {
        List<Op> out = new ArrayList<>();
        for (Op op : ops) {
            if (op.invokeNanos() > t) {
                continue;
            }
            boolean running = op.outcome() != Op.Outcome.OK || op.completeNanos() > t;
            if (!running) {
                out.add(op);
            } else if (op.mutates() && op.outcome() != Op.Outcome.FAIL) {
                out.add(op.withOutcome(Op.Outcome.UNKNOWN));
            }
        }
        return out;
    }

    /** Operations from {@code s} on; those straddling it become unknown writes, or are dropped if reads. */
    static List<Op> suffix(List<Op> ops, long s) {
        List<Op> out = new ArrayList<>();
        for (Op op : ops) {
            boolean done = op.outcome() == Op.Outcome.OK && op.completeNanos() < s;
            if (op.invokeNanos() >= s) {
                out.add(op);
            } else if (!done && op.mutates() && op.outcome() != Op.Outcome.FAIL) {
                out.add(op.withOutcome(Op.Outcome.UNKNOWN));
            }
        }
        return out;
    }
}

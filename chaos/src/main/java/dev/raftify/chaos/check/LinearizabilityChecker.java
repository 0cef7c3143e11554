package dev.raftify.chaos.check;

import dev.raftify.chaos.history.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether one register's history is linearizable: the Wing–Gong search with Lowe's refinements, as
 * Porcupine implements it.
 *
 * <p>The history becomes a doubly linked list of call and return events in time order. The search walks it:
 * at a call it tries to linearize that operation now (the model must accept its result in the current state),
 * removing its call and return from the list; at a return it has found an operation that must already have been
 * linearized but could not be, so it backtracks to the last choice and tries the next candidate. Each
 * (set of linearized operations, state) pair is explored once (the memo): two orders that linearized the same
 * operations and reached the same register value have the same futures. That memo is what makes the search
 * practical; the step and time budget is what keeps a pathological history from hanging the build.
 *
 * <p>Operations with an {@link Op.Outcome#FAIL} outcome changed nothing and are left out, as are reads that did
 * not complete. Writes and compare-and-sets with an unknown outcome return at infinity: they may be linearized
 * anywhere after their invocation, including after everything else (which is how "never took effect" is
 * expressed).
 *
 * <p>One pruning beyond Porcupine's, because unknown writes are what makes the search exponential (each stays
 * pending to the end): an unknown write or compare-and-set whose new value no operation ever observed (as a read
 * result, a refused compare-and-set's current value, or a compare-and-set's expected value) is left out. That is
 * sound when values are unique, as the workload makes them: in any linearization, between such a write and the
 * next write only unknown compare-and-sets can be linearized (anything else would observe its value), they
 * cannot swap, and moving them to the end, where nothing observes them, leaves a linearization without it.
 * Conversely a linearization without it stays one with it linearized last.
 */
public final class LinearizabilityChecker {
    private final long maxSteps;
    private final long deadlineNanos;

    /**
     * @param maxSteps how many search steps (linearization attempts) before answering {@link Verdict#UNKNOWN}
     * @param maxMillis how long before answering {@link Verdict#UNKNOWN}
     */
    public LinearizabilityChecker(long maxSteps, long maxMillis) {
        this.maxSteps = maxSteps;
        this.deadlineNanos = maxMillis * 1_000_000L;
    }

    /** Checks one register's operations from an absent initial value. */
    public Verdict check(List<Op> ops) {
        return check(ops, false);
    }

    /**
     * Checks one register's operations.
     *
     * @param anyInitialState start from an unknown value instead of an absent key (a window cut from a history)
     */
    public Verdict check(List<Op> ops, boolean anyInitialState) {
        RegisterModel model = new RegisterModel();
        Set<String> observed = new HashSet<>();
        for (Op op : ops) {
            if (op.outcome() == Op.Outcome.OK && op.result() != null) {
                observed.add(op.result());
            }
            if (op.kind() == Op.Kind.CAS && op.outcome() != Op.Outcome.FAIL) {
                observed.add(op.expected());
            }
        }
        List<Op> kept = new ArrayList<>();
        for (Op op : ops) {
            if (op.outcome() == Op.Outcome.FAIL || (op.kind() == Op.Kind.READ && op.outcome() != Op.Outcome.OK)) {
                continue;
            }
            if (op.outcome() == Op.Outcome.UNKNOWN && !observed.contains(op.value())) {
                continue;
            }
            kept.add(op);
        }
        int n = kept.size();
        RegisterModel.Call[] calls = new RegisterModel.Call[n];
        for (int i = 0; i < n; i++) {
            calls[i] = model.call(kept.get(i));
        }
        Entry head = buildList(kept);
        return search(head, calls, n, anyInitialState ? RegisterModel.ANY : RegisterModel.ABSENT);
    }

    /** An event in the list: an operation's call or return. */
    private static final class Entry {
        final int op;
        final boolean isCall;
        final long time;
        Entry match; // the call's return
        Entry prev;
        Entry next;

        Entry(int op, boolean isCall, long time) {
            this.op = op;
            this.isCall = isCall;
            this.time = time;
        }
    }

    private static Entry buildList(List<Op> ops) {
        List<Entry> events = new ArrayList<>(2 * ops.size());
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            Entry call = new Entry(i, true, op.invokeNanos());
            long ret = op.outcome() == Op.Outcome.OK ? op.completeNanos() : Long.MAX_VALUE;
            Entry r = new Entry(i, false, ret);
            call.match = r;
            events.add(call);
            events.add(r);
        }
        // At equal times calls come first: operations that touch at an instant count as concurrent (the lenient,
        // sound reading: it can only admit more orders).
        events.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> e.isCall ? 0 : 1));
        Entry head = new Entry(-1, false, Long.MIN_VALUE);
        Entry prev = head;
        for (Entry e : events) {
            prev.next = e;
            e.prev = prev;
            prev = e;
        }
        return head;
    }

    /** Takes an operation's call and return out of the list. */
    private static void lift(Entry call) {
        call.prev.next = call.next;
        call.next.prev = call.prev; // a call is always followed by at least its own return
        Entry r = call.match;
        r.prev.next = r.next;
        if (r.next != null) {
            r.next.prev = r.prev;
        }
    }

    /** Puts them back, in the reverse order of {@link #lift}. */
    private static void unlift(Entry call) {
        Entry r = call.match;
        r.prev.next = r;
        if (r.next != null) {
            r.next.prev = r;
        }
        call.prev.next = call;
        call.next.prev = call;
    }

    private record Memo(long[] linearized, int state) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Memo m && m.state == state && Arrays.equals(m.linearized, linearized);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(linearized) + state;
        }
    }

    private record Frame(Entry call, int stateBefore) {}

    private Verdict search(Entry head, RegisterModel.Call[] calls, int n, int initial) {
        long start = System.nanoTime();
        BitSet linearized = new BitSet(n);
        Set<Memo> seen = new HashSet<>();
        List<Frame> stack = new ArrayList<>();
        int state = initial;
        long steps = 0;
        Entry entry = head.next;
        while (head.next != null) {
            if (++steps > maxSteps || ((steps & 1023) == 0 && System.nanoTime() - start > deadlineNanos)) {
                return Verdict.UNKNOWN;
            }
            if (entry.isCall) {
                int next = RegisterModel.step(state, calls[entry.op]);
                if (next != RegisterModel.INVALID) {
                    linearized.set(entry.op);
                    if (seen.add(new Memo(linearized.toLongArray(), next))) {
                        stack.add(new Frame(entry, state));
                        state = next;
                        lift(entry);
                        entry = head.next;
                        continue;
                    }
                    linearized.clear(entry.op);
                }
                entry = entry.next;
            } else {
                // A return whose operation is not linearized yet: undo the last choice and try the next one.
                if (stack.isEmpty()) {
                    return Verdict.VIOLATION;
                }
                Frame f = stack.remove(stack.size() - 1);
                state = f.stateBefore();
                linearized.clear(f.call().op);
                unlift(f.call());
                entry = f.call().next;
            }
        }
        return Verdict.LINEARIZABLE;
    }
}

package dev.raftify.chaos.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operations of one run, recorded by many client threads at once. Each client records an operation when it
 * completes (its invocation time travels with it), so an operation that never completes is recorded by its client
 * as {@link Op.Outcome#UNKNOWN} when it gives up on it.
 */
public final class History {
    private final List<Op> ops = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    public int nextId() {
        return ids.incrementAndGet();
    }

    public synchronized void add(Op op) {
        ops.add(op);
    }

    public synchronized List<Op> ops() {
        List<Op> copy = new ArrayList<>(ops);
        copy.sort(Comparator.comparingLong(Op::invokeNanos).thenComparingInt(Op::id));
        return copy;
    }

    public synchronized int size() {
        return ops.size();
    }

    /** Each key's operations, in invocation order: registers are independent, so each is checked on its own. */
    public static Map<Long, List<Op>> byKey(List<Op> ops) {
        Map<Long, List<Op>> out = new TreeMap<>();
        for (Op op : ops) {
            out.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        out.values().forEach(l -> l.sort(Comparator.comparingLong(Op::invokeNanos).thenComparingInt(Op::id)));
        return out;
    }
}

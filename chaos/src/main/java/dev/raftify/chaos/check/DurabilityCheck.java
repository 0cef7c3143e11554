package dev.raftify.chaos.check;

import dev.raftify.chaos.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Durability at the end of a run, once every node is back: each key's final value (read linearizably) must keep
 * every acknowledged write, either as the final value itself or superseded by a write that may have come after
 * it; and every node's own copy must hold that same value.
 *
 * <p>With unique values, "superseded" is precise: the final value was written by exactly one operation; an
 * acknowledged write is lost if that operation had already completed before the acknowledged one was even
 * invoked (so the acknowledged write came after it, and nothing wrote the final value again).
 */
public final class DurabilityCheck {
    private DurabilityCheck() {}

    /**
     * @param ops one key's operations
     * @param finalValue the key's final value, read linearizably ({@code null}: absent)
     * @param replicas each node's own final copy of the key (node id to value, {@code null}: absent)
     * @return the problems found, empty if none
     */
    public static List<String> check(long key, List<Op> ops, String finalValue, Map<Long, String> replicas) {
        List<String> problems = new ArrayList<>();
        Op writer = null;
        for (Op op : ops) {
            if (op.mutates() && op.outcome() != Op.Outcome.FAIL && op.value().equals(finalValue)) {
                writer = op;
            }
        }
        if (finalValue != null && writer == null) {
            problems.add("key " + key + ": final value " + finalValue + " was never written");
        }
        for (Op op : ops) {
            boolean acknowledged = op.outcome() == Op.Outcome.OK && (op.kind() == Op.Kind.WRITE || op.swapped());
            if (!acknowledged || op.value().equals(finalValue)) {
                continue;
            }
            if (finalValue == null) {
                problems.add("key " + key + ": acknowledged " + op + " is lost: the key is absent at the end");
            } else if (writer != null && writer.outcome() == Op.Outcome.OK
                    && writer.completeNanos() < op.invokeNanos()) {
                problems.add("key " + key + ": acknowledged " + op + " is lost: the final value " + finalValue
                        + " was written by " + writer + ", which completed before it began");
            }
        }
        replicas.forEach((node, v) -> {
            if (!Objects.equals(v, finalValue)) {
                problems.add("key " + key + ": node " + node + " holds " + v + " but the final value is "
                        + finalValue);
            }
        });
        return problems;
    }
}

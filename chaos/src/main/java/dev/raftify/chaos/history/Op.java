package dev.raftify.chaos.history;

/**
 * One completed client operation on one key of the register store: what was asked, what came back, and when.
 *
 * <ul>
 *   <li>{@link Kind#READ}: {@code result} is the value read, {@code null} for an absent key;
 *   <li>{@link Kind#WRITE}: {@code value} is the value written;
 *   <li>{@link Kind#CAS}: {@code expected} → {@code value}; when {@link Outcome#OK}, {@code swapped} says whether
 *       it swapped and, if not, {@code result} is the current value the node reported ({@code null}: absent).
 * </ul>
 *
 * <p>Times are {@link System#nanoTime()} readings taken by the client just before sending and just after the
 * answer: the operation took effect, if at all, somewhere in between. An {@link Outcome#UNKNOWN} operation (timed
 * out, connection lost, an error that does not rule the write out) may take effect at any time after its
 * invocation, so its completion is {@link Long#MAX_VALUE} for the checker.
 *
 * @param client the client thread that issued it (for reading a history; the checker does not need it)
 * @param node the node it was sent to
 */
public record Op(int id, int client, int node, long key, Kind kind, String value, String expected, Outcome outcome,
        boolean swapped, String result, long invokeNanos, long completeNanos) {

    public enum Kind { READ, WRITE, CAS }

    public enum Outcome {
        /** Answered: the result is known. */
        OK,
        /** Definitely had no effect (a read that failed; a write the engine refused before logging it). */
        FAIL,
        /** May or may not have taken effect, now or later. */
        UNKNOWN
    }

    public static Op read(int id, int client, int node, long key, Outcome outcome, String result, long invoke,
            long complete) {
        return new Op(id, client, node, key, Kind.READ, null, null, outcome, false, result, invoke, complete);
    }

    public static Op write(int id, int client, int node, long key, String value, Outcome outcome, long invoke,
            long complete) {
        return new Op(id, client, node, key, Kind.WRITE, value, null, outcome, false, null, invoke, complete);
    }

    public static Op cas(int id, int client, int node, long key, String expected, String value, Outcome outcome,
            boolean swapped, String current, long invoke, long complete) {
        return new Op(id, client, node, key, Kind.CAS, value, expected, outcome, swapped, current, invoke, complete);
    }

    /** The same operation with another outcome (the checker turns some into UNKNOWN when it cuts windows). */
    public Op withOutcome(Outcome o) {
        return new Op(id, client, node, key, kind, value, expected, o, o == Outcome.OK && swapped,
                o == Outcome.OK ? result : null, invokeNanos, o == Outcome.OK ? completeNanos : Long.MAX_VALUE);
    }

    /** Writes and compare-and-sets: operations that may change the register. */
    public boolean mutates() {
        return kind != Kind.READ;
    }

    @Override
    public String toString() {
        String what = switch (kind) {
            case READ -> "read " + key + (outcome == Outcome.OK ? " -> " + show(result) : "");
            case WRITE -> "write " + key + " := " + value;
            case CAS -> "cas " + key + " " + expected + " -> " + value
                    + (outcome == Outcome.OK ? (swapped ? " (swapped)" : " (not swapped, current " + show(result) + ")")
                            : "");
        };
        return "#" + id + " c" + client + "@n" + node + " " + what + " " + outcome;
    }

    private static String show(String v) {
        return v == null ? "absent" : v;
    }
}

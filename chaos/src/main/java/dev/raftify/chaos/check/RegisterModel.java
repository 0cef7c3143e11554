package dev.raftify.chaos.check;

import dev.raftify.chaos.history.Op;
import java.util.HashMap;
import java.util.Map;

/**
 * The sequential specification of one register with read, write and compare-and-set, over interned values: a
 * state is {@link #ABSENT}, {@link #ANY} (an unknown initial state, used when checking a window cut out of a
 * longer history) or a value's number. {@link #step} returns the state after an operation, or {@link #INVALID}
 * if the operation could not have returned what it did in that state.
 *
 * <p>Deterministic by construction: even an operation with an unknown outcome has one successor (a
 * compare-and-set swaps exactly when the state holds its expected value), so the search never branches on the
 * model, only on the order of operations.
 */
final class RegisterModel {
    static final int ABSENT = 0;
    static final int ANY = -1;
    static final int INVALID = Integer.MIN_VALUE;

    private final Map<String, Integer> ids = new HashMap<>();

    /** The number standing for {@code value} ({@code null}: absent). */
    int intern(String value) {
        if (value == null) {
            return ABSENT;
        }
        return ids.computeIfAbsent(value, v -> ids.size() + 1);
    }

    /** One operation, with its values interned, in the form {@link #step} takes. */
    record Call(Op.Kind kind, boolean known, int value, int expected, boolean swapped, int result) {}

    Call call(Op op) {
        return new Call(op.kind(), op.outcome() == Op.Outcome.OK, intern(op.value()), intern(op.expected()),
                op.swapped(), intern(op.result()));
    }

    static int step(int state, Call c) {
        switch (c.kind()) {
            case READ:
                // Only answered reads reach the checker: a read that failed or timed out changed nothing.
                if (state == ANY) {
                    return c.result();
                }
                return state == c.result() ? state : INVALID;
            case WRITE:
                return c.value();
            case CAS:
                if (!c.known()) {
                    if (state == ANY) {
                        // Either it swapped (the state was the expected value) or not (the state stays unknown):
                        // ANY covers both, which can only make a window look more linearizable, never less.
                        return ANY;
                    }
                    return state == c.expected() ? c.value() : state;
                }
                if (c.swapped()) {
                    return state == ANY || state == c.expected() ? c.value() : INVALID;
                }
                if (c.result() == c.expected()) {
                    return INVALID; // "not swapped" while holding the expected value is never right
                }
                if (state == ANY) {
                    return c.result();
                }
                return state == c.result() ? state : INVALID;
            default:
                throw new IllegalArgumentException("unknown kind " + c.kind());
        }
    }
}

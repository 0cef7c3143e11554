package dev.raftify.chaos.check;

import dev.raftify.chaos.history.Op;
import dev.raftify.chaos.history.Op.Outcome;
import java.util.ArrayList;
import java.util.List;

/** A terse builder for hand-written single-key histories: times are plain numbers. */
final class Hist {
    final List<Op> ops = new ArrayList<>();
    private int ids;

    Hist read(long from, long to, String result) {
        ops.add(Op.read(++ids, 0, 1, 1, Outcome.OK, result, from, to));
        return this;
    }

    Hist write(long from, long to, String value) {
        ops.add(Op.write(++ids, 0, 1, 1, value, Outcome.OK, from, to));
        return this;
    }

    Hist writeUnknown(long from, String value) {
        ops.add(Op.write(++ids, 0, 1, 1, value, Outcome.UNKNOWN, from, Long.MAX_VALUE));
        return this;
    }

    Hist writeFailed(long from, long to, String value) {
        ops.add(Op.write(++ids, 0, 1, 1, value, Outcome.FAIL, from, to));
        return this;
    }

    Hist casOk(long from, long to, String expected, String value) {
        ops.add(Op.cas(++ids, 0, 1, 1, expected, value, Outcome.OK, true, null, from, to));
        return this;
    }

    Hist casRefused(long from, long to, String expected, String value, String current) {
        ops.add(Op.cas(++ids, 0, 1, 1, expected, value, Outcome.OK, false, current, from, to));
        return this;
    }

    Hist casUnknown(long from, String expected, String value) {
        ops.add(Op.cas(++ids, 0, 1, 1, expected, value, Outcome.UNKNOWN, false, null, from, Long.MAX_VALUE));
        return this;
    }
}

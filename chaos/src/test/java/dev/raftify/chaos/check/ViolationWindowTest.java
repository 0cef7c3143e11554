package dev.raftify.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.chaos.history.Op;
import dev.raftify.chaos.history.Op.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ViolationWindowTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker(5_000_000, 20_000);

    @Test
    void aStaleReadInTheMiddleOfALongHistoryIsCutToAFewOperations() {
        List<Op> head = RandomHistoriesTest.linearizable(new Random(7), 5, 300);
        long end = head.stream().filter(o -> o.outcome() == Outcome.OK).mapToLong(Op::completeNanos).max()
                .orElse(0) + 10;
        List<Op> ops = new ArrayList<>(head);
        ops.add(Op.write(9001, 0, 1, 1, "first", Outcome.OK, end, end + 1));
        ops.add(Op.write(9002, 0, 1, 1, "second", Outcome.OK, end + 2, end + 3));
        ops.add(Op.read(9003, 0, 1, 1, Outcome.OK, "first", end + 4, end + 5));
        // More correct operations after the violation, which the window must leave out.
        ops.add(Op.write(9004, 0, 1, 1, "third", Outcome.OK, end + 6, end + 7));
        ops.add(Op.read(9005, 0, 1, 1, Outcome.OK, "third", end + 8, end + 9));
        assertThat(checker.check(ops)).isEqualTo(Verdict.VIOLATION);

        ViolationWindow.Window w = new ViolationWindow(checker).find(ops);
        assertThat(w.ops()).extracting(Op::id).containsExactly(9002, 9003);
        assertThat(w.fromAnyState()).isTrue();
        assertThat(checker.check(w.ops(), true)).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void aViolationThatNeedsTheAbsentStartKeepsTheBeginning() {
        List<Op> ops = new Hist().read(0, 1, "x").write(2, 3, "y").read(4, 5, "y").ops;
        ViolationWindow.Window w = new ViolationWindow(checker).find(ops);
        assertThat(w.fromAnyState()).isFalse();
        assertThat(w.ops()).extracting(Op::id).containsExactly(1);
    }

    @Test
    void operationsStraddlingTheCutBecomeUnknownWrites() {
        // The write of "b" spans the cut at 10; the reads after it may see it.
        List<Op> ops = new Hist().write(0, 1, "a").write(5, 12, "b").read(10, 11, "b").read(13, 14, "a").ops;
        assertThat(checker.check(ops)).isEqualTo(Verdict.VIOLATION);
        ViolationWindow.Window w = new ViolationWindow(checker).find(ops);
        assertThat(checker.check(w.ops(), w.fromAnyState())).isEqualTo(Verdict.VIOLATION);
        assertThat(w.ops()).extracting(Op::id).contains(4);
    }
}

package dev.raftify.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.chaos.history.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Known linearizable and known non-linearizable register histories. */
class LinearizabilityCheckerTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker(1_000_000, 10_000);

    private Verdict check(Hist h) {
        return checker.check(h.ops);
    }

    @Test
    void emptyHistoryAndReadsOfAnAbsentKey() {
        assertThat(check(new Hist())).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(new Hist().read(0, 1, null).read(2, 3, null))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(new Hist().read(0, 1, "x"))).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void sequentialWritesAndReads() {
        assertThat(check(new Hist().write(0, 1, "a").read(2, 3, "a").write(4, 5, "b").read(6, 7, "b")))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aStaleReadAfterTheWriteCompletedIsAViolation() {
        assertThat(check(new Hist().write(0, 1, "a").write(2, 3, "b").read(4, 5, "a")))
                .isEqualTo(Verdict.VIOLATION);
        assertThat(check(new Hist().write(0, 1, "a").read(2, 3, null))).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void aReadConcurrentWithAWriteMaySeeEitherValue() {
        assertThat(check(new Hist().write(0, 1, "a").write(2, 10, "b").read(3, 4, "a")))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(new Hist().write(0, 1, "a").write(2, 10, "b").read(3, 4, "b")))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void newThenOldInversionIsAViolation() {
        // Both reads overlap the write, but the second starts after the first saw the new value.
        assertThat(check(new Hist().write(0, 1, "a").write(2, 20, "b").read(3, 5, "b").read(6, 8, "a")))
                .isEqualTo(Verdict.VIOLATION);
        // Overlapping reads may disagree that way.
        assertThat(check(new Hist().write(0, 1, "a").write(2, 20, "b").read(3, 7, "b").read(6, 8, "a")))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void concurrentWritesCanBeOrderedEitherWayButConsistently() {
        Hist h = new Hist().write(0, 10, "a").write(0, 10, "b").read(11, 12, "a").read(13, 14, "a");
        assertThat(check(h)).isEqualTo(Verdict.LINEARIZABLE);
        Hist flip = new Hist().write(0, 10, "a").write(0, 10, "b").read(11, 12, "a").read(13, 14, "b");
        assertThat(check(flip)).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void compareAndSet() {
        assertThat(check(new Hist().write(0, 1, "a").casOk(2, 3, "a", "b").read(4, 5, "b")))
                .isEqualTo(Verdict.LINEARIZABLE);
        // Two concurrent swaps from the same expected value cannot both succeed.
        assertThat(check(new Hist().write(0, 1, "a").casOk(2, 5, "a", "b").casOk(2, 5, "a", "c")))
                .isEqualTo(Verdict.VIOLATION);
        // One succeeds and the other sees its result.
        assertThat(check(new Hist().write(0, 1, "a").casOk(2, 5, "a", "b").casRefused(2, 5, "a", "c", "b")))
                .isEqualTo(Verdict.LINEARIZABLE);
        // A refusal must report the current value, and never the expected one.
        assertThat(check(new Hist().write(0, 1, "a").casRefused(2, 3, "z", "c", "q")))
                .isEqualTo(Verdict.VIOLATION);
        assertThat(check(new Hist().write(0, 1, "a").casRefused(2, 3, "a", "c", "a")))
                .isEqualTo(Verdict.VIOLATION);
        // On an absent key nothing swaps.
        assertThat(check(new Hist().casRefused(0, 1, "a", "b", null))).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(new Hist().casOk(0, 1, "a", "b"))).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void unknownWritesMayTakeEffectLateOrNever() {
        assertThat(check(new Hist().write(0, 1, "a").writeUnknown(2, "b").read(10, 11, "a").read(12, 13, "b")))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(new Hist().write(0, 1, "a").writeUnknown(2, "b").read(10, 11, "a")))
                .isEqualTo(Verdict.LINEARIZABLE);
        // ... but never before they were invoked, and once seen they stay (no other write of "a" follows).
        assertThat(check(new Hist().read(0, 1, "b").writeUnknown(2, "b"))).isEqualTo(Verdict.VIOLATION);
        assertThat(check(new Hist().write(0, 1, "a").writeUnknown(2, "b").read(10, 11, "b").read(12, 13, "a")))
                .isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void unknownCompareAndSetSwapsOnlyFromItsExpectedValue() {
        assertThat(check(new Hist().write(0, 1, "a").casUnknown(2, "a", "b").read(5, 6, "b")))
                .isEqualTo(Verdict.LINEARIZABLE);
        assertThat(check(new Hist().write(0, 1, "x").casUnknown(2, "a", "b").read(5, 6, "b")))
                .isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void aFailedWriteNeverTakesEffect() {
        assertThat(check(new Hist().write(0, 1, "a").writeFailed(2, 3, "b").read(4, 5, "b")))
                .isEqualTo(Verdict.VIOLATION);
        assertThat(check(new Hist().write(0, 1, "a").writeFailed(2, 3, "b").read(4, 5, "a")))
                .isEqualTo(Verdict.LINEARIZABLE);
    }

    @Test
    void aWindowStartingFromAnUnknownValueAcceptsAnyFirstValue() {
        List<Op> ops = new Hist().read(0, 1, "q").read(2, 3, "q").ops;
        assertThat(checker.check(ops, false)).isEqualTo(Verdict.VIOLATION);
        assertThat(checker.check(ops, true)).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(checker.check(new Hist().read(0, 1, "q").read(2, 3, "r").ops, true)).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void theBudgetAnswersUnknownInsteadOfSearchingOn() {
        Hist h = new Hist();
        // Many unknown writes, each observed by one of many concurrent reads, and then an impossible read: the
        // search must try a great many orders before it can say no.
        for (int i = 0; i < 40; i++) {
            h.writeUnknown(i, "v" + i);
        }
        for (int i = 0; i < 40; i++) {
            h.read(100, 200, "v" + i);
        }
        h.read(300, 301, "never-written");
        assertThat(new LinearizabilityChecker(1_000, 10_000).check(h.ops)).isEqualTo(Verdict.UNKNOWN);
        assertThat(new LinearizabilityChecker(Long.MAX_VALUE, 50).check(h.ops)).isEqualTo(Verdict.UNKNOWN);
    }

    @Test
    void unknownWritesNobodyObservedCostNothing() {
        Hist h = new Hist().write(0, 1, "a");
        for (int i = 0; i < 500; i++) {
            h.writeUnknown(2 + i, "lost" + i);
        }
        h.read(1000, 1001, "a");
        assertThat(new LinearizabilityChecker(10_000, 10_000).check(h.ops)).isEqualTo(Verdict.LINEARIZABLE);
        h.read(1002, 1003, "b");
        assertThat(new LinearizabilityChecker(10_000, 10_000).check(h.ops)).isEqualTo(Verdict.VIOLATION);
    }
}

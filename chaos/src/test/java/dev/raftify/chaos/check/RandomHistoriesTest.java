package dev.raftify.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.chaos.history.Op;
import dev.raftify.chaos.history.Op.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Histories generated from a real atomic register, each operation taking effect at a random instant inside its
 * interval, are linearizable by construction; a stale read appended after them makes them not so.
 */
class RandomHistoriesTest {
    private final LinearizabilityChecker checker = new LinearizabilityChecker(5_000_000, 20_000);

    /** A linearizable history of {@code n} operations by {@code clients} overlapping clients. */
    static List<Op> linearizable(Random rnd, int clients, int n) {
        record Planned(Op.Kind kind, long invoke, long point, long complete, boolean unknown, String value,
                String expected, int client) {}
        List<Planned> plan = new ArrayList<>();
        long[] clock = new long[clients];
        List<String> written = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = rnd.nextInt(clients);
            long invoke = clock[c] + rnd.nextInt(20);
            long point = invoke + 1 + rnd.nextInt(30);
            long complete = point + 1 + rnd.nextInt(30);
            clock[c] = complete;
            Op.Kind kind = Op.Kind.values()[rnd.nextInt(3)];
            String value = "v" + i;
            String expected = written.isEmpty() || rnd.nextInt(4) == 0 ? "none"
                    : written.get(Math.max(0, written.size() - 1 - rnd.nextInt(3)));
            if (kind != Op.Kind.READ) {
                written.add(value);
            }
            boolean unknown = kind != Op.Kind.READ && rnd.nextInt(10) == 0;
            plan.add(new Planned(kind, invoke, point, complete, unknown, value, expected, c));
        }
        // Apply in linearization-point order to find each result.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> plan.get(i).point()));
        String state = null;
        List<Op> ops = new ArrayList<>();
        for (int i : order) {
            Planned p = plan.get(i);
            // An unknown operation takes effect or not, at random.
            boolean effective = !p.unknown() || rnd.nextBoolean();
            Outcome outcome = p.unknown() ? Outcome.UNKNOWN : Outcome.OK;
            long complete = p.unknown() ? Long.MAX_VALUE : p.complete();
            switch (p.kind()) {
                case READ -> ops.add(Op.read(i, p.client(), 1, 1, Outcome.OK, state, p.invoke(), complete));
                case WRITE -> {
                    if (effective) {
                        state = p.value();
                    }
                    ops.add(Op.write(i, p.client(), 1, 1, p.value(), outcome, p.invoke(), complete));
                }
                case CAS -> {
                    boolean swap = p.expected().equals(state);
                    String current = state;
                    if (effective && swap) {
                        state = p.value();
                    }
                    ops.add(Op.cas(i, p.client(), 1, 1, p.expected(), p.value(), outcome, !p.unknown() && swap,
                            p.unknown() || swap ? null : current, p.invoke(), complete));
                }
            }
        }
        ops.sort(Comparator.comparingLong(Op::invokeNanos));
        return ops;
    }

    @Test
    void generatedLinearizableHistoriesPass() {
        for (long seed = 0; seed < 200; seed++) {
            List<Op> ops = linearizable(new Random(seed), 2 + (int) (seed % 9), 60 + (int) (seed % 120));
            assertThat(checker.check(ops)).as("seed %d", seed).isEqualTo(Verdict.LINEARIZABLE);
        }
    }

    @Test
    void aStaleReadAppendedToThemIsFound() {
        for (long seed = 0; seed < 100; seed++) {
            List<Op> ops = new ArrayList<>(linearizable(new Random(seed), 2 + (int) (seed % 9), 100));
            long end = ops.stream().filter(o -> o.outcome() == Outcome.OK).mapToLong(Op::completeNanos).max()
                    .orElse(0) + 10;
            ops.add(Op.write(9001, 0, 1, 1, "first", Outcome.OK, end, end + 1));
            ops.add(Op.write(9002, 0, 1, 1, "second", Outcome.OK, end + 2, end + 3));
            ops.add(Op.read(9003, 0, 1, 1, Outcome.OK, "first", end + 4, end + 5));
            assertThat(checker.check(ops)).as("seed %d", seed).isEqualTo(Verdict.VIOLATION);
        }
    }
}

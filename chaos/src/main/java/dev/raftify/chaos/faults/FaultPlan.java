package dev.raftify.chaos.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;

/**
 * The fault schedule of a run, derived from its seed alone: which faults, in which order, for how long, and the
 * quiet gaps between them. The same seed gives the same plan (and the same target choices: the nemesis draws
 * them from {@link #targetRandom()}); what the cluster does meanwhile (who leads) is of course not replayed.
 *
 * <p>A plan first goes through every kind once, alone, in a seeded order, then two mixed steps (two faults of
 * different kinds at once), then random steps (a third of them mixed) until the run's duration is used.
 */
public final class FaultPlan {

    /** One step: the faults injected together, how long they last, and the quiet time before them. */
    public record Step(List<FaultKind> kinds, Duration gapBefore, Duration hold) {
        @Override
        public String toString() {
            StringJoiner k = new StringJoiner("+");
            kinds.forEach(x -> k.add(x.name()));
            return k + " after " + gapBefore.toMillis() + " ms quiet, held " + hold.toMillis() + " ms";
        }
    }

    private final long seed;
    private final List<Step> steps;

    private FaultPlan(long seed, List<Step> steps) {
        this.seed = seed;
        this.steps = List.copyOf(steps);
    }

    /**
     * @param runFor the time to fill with steps beyond the first pass over every kind (zero: just that pass
     *     and the two mixed steps)
     */
    public static FaultPlan generate(long seed, Duration runFor) {
        Random rnd = new Random(seed);
        List<Step> steps = new ArrayList<>();
        List<FaultKind> all = new ArrayList<>(List.of(FaultKind.values()));
        Collections.shuffle(all, rnd);
        for (FaultKind k : all) {
            steps.add(step(rnd, List.of(k)));
        }
        steps.add(step(rnd, mixed(rnd)));
        steps.add(step(rnd, mixed(rnd)));
        long used = steps.stream().mapToLong(s -> s.gapBefore().toMillis() + s.hold().toMillis()).sum();
        while (used < runFor.toMillis()) {
            Step s = rnd.nextInt(3) == 0 ? step(rnd, mixed(rnd))
                    : step(rnd, List.of(FaultKind.values()[rnd.nextInt(FaultKind.values().length)]));
            steps.add(s);
            used += s.gapBefore().toMillis() + s.hold().toMillis();
        }
        return new FaultPlan(seed, steps);
    }

    /** Two combinable kinds of different families (never two partitions, never two crashes of one node). */
    private static List<FaultKind> mixed(Random rnd) {
        List<FaultKind> c = new ArrayList<>();
        for (FaultKind k : FaultKind.values()) {
            if (k.combinable()) {
                c.add(k);
            }
        }
        while (true) {
            FaultKind a = c.get(rnd.nextInt(c.size()));
            FaultKind b = c.get(rnd.nextInt(c.size()));
            boolean clash = a == b || (a.isPartition() && b.isPartition()) || (a.isCrash() && b.isCrash());
            if (!clash) {
                return List.of(a, b);
            }
        }
    }

    private static Step step(Random rnd, List<FaultKind> kinds) {
        // Holds are longer than the 1-2 s election timeout so that pauses and partitions force elections.
        return new Step(kinds, Duration.ofMillis(800 + rnd.nextInt(1500)), Duration.ofMillis(2500 + rnd.nextInt(3000)));
    }

    public long seed() {
        return seed;
    }

    public List<Step> steps() {
        return steps;
    }

    /** The randomness for target choices (which member to kill, which side of a split). */
    public Random targetRandom() {
        return new Random(seed * 31 + 7);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("fault plan for seed " + seed + ":\n");
        for (int i = 0; i < steps.size(); i++) {
            b.append("  ").append(i + 1).append(". ").append(steps.get(i)).append('\n');
        }
        return b.toString();
    }
}

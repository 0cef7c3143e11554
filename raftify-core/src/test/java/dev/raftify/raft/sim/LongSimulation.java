package dev.raftify.raft.sim;

/**
 * The long run, outside JUnit and Maven so it holds no build lock: {@code java -cp <test classpath>
 * dev.raftify.raft.sim.LongSimulation [seeds] [firstSeed] [steps] [threads]} (defaults: 100,000 seeds from 1,
 * {@value SimulationSettings#DEFAULT_STEPS} steps, 2 threads). Prints progress, then the figures; exits 1 on a
 * failure, printing the failing seed's replay command. {@code LongSimulation replay <seed> [steps]} runs one seed
 * and prints every event.
 */
public final class LongSimulation {
    private LongSimulation() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("recovery")) {
            // recovery <seeds> [firstSeed]: the seeds whose liveness checks took longest, to tune the bound.
            long n = Long.parseLong(args[1]);
            long first = args.length > 2 ? Long.parseLong(args[2]) : 1;
            for (long seed = first; seed < first + n; seed++) {
                SimStats s = Simulation.run(seed, SimulationSettings.DEFAULT_STEPS, false);
                if (s.recoveryTimeoutsMax >= 10) {
                    System.out.printf("seed %d: %.1f election timeouts (%d ticks)%n", seed, s.recoveryTimeoutsMax,
                            s.recoveryTicksMax);
                }
            }
            return;
        }
        if (args.length > 0 && args[0].equals("replay")) {
            // replay <seed> [steps]: one seed on this thread, printing every event.
            long seed = Long.parseLong(args[1]);
            int steps = args.length > 2 ? Integer.parseInt(args[2]) : SimulationSettings.DEFAULT_STEPS;
            System.out.println(Simulation.run(seed, steps, true).summary());
            return;
        }
        long seeds = args.length > 0 ? Long.parseLong(args[0]) : 100_000;
        long first = args.length > 1 ? Long.parseLong(args[1]) : 1;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : SimulationSettings.DEFAULT_STEPS;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        System.out.printf("long simulation: %,d seeds from %d, %,d steps each, %d threads%n", seeds, first, steps,
                threads);
        SimulationRunner.Result r = SimulationRunner.run(first, seeds, steps, threads, Math.max(1, seeds / 50),
                line -> System.out.println("  " + line));
        System.out.println(r.summary());
        if (!r.failures().isEmpty()) {
            try {
                r.throwIfFailed();
            } catch (SimulationFailure f) {
                System.out.println("FAILED: " + f.getMessage());
            }
            System.exit(1);
        }
    }
}

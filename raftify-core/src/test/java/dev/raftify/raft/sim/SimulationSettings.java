package dev.raftify.raft.sim;

/**
 * Which seeds to run, from system properties, so CI, one-seed replays and long runs share one entry point:
 *
 * <ul>
 *   <li>{@code raftify.sim.seed}: run only this seed (a replay); implies one thread;
 *   <li>{@code raftify.sim.seeds}: how many seeds (default {@value #DEFAULT_SEEDS});
 *   <li>{@code raftify.sim.firstSeed}: the first seed of the batch (default 1), to split long runs;
 *   <li>{@code raftify.sim.steps}: steps per seed (default {@value #DEFAULT_STEPS});
 *   <li>{@code raftify.sim.threads}: worker threads (default: min(2, cores));
 *   <li>{@code raftify.sim.trace}: print every event of the run (meant for one seed).
 * </ul>
 */
public record SimulationSettings(long firstSeed, long seeds, int steps, int threads, boolean trace) {
    public static final long DEFAULT_SEEDS = 2_000;
    public static final int DEFAULT_STEPS = 2_000;

    public static SimulationSettings fromSystemProperties() {
        int steps = Integer.getInteger("raftify.sim.steps", DEFAULT_STEPS);
        boolean trace = Boolean.getBoolean("raftify.sim.trace");
        String one = System.getProperty("raftify.sim.seed");
        if (one != null && !one.isBlank()) {
            return new SimulationSettings(Long.parseLong(one.trim()), 1, steps, 1, trace);
        }
        long seeds = Long.getLong("raftify.sim.seeds", DEFAULT_SEEDS);
        long first = Long.getLong("raftify.sim.firstSeed", 1L);
        int threads = Integer.getInteger("raftify.sim.threads",
                Math.min(2, Runtime.getRuntime().availableProcessors()));
        return new SimulationSettings(first, seeds, steps, threads, trace);
    }
}

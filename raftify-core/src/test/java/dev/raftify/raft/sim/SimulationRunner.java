package dev.raftify.raft.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs many seeds, on a few threads. Each seed is one independent, single-threaded {@link Simulation}; threads
 * only share the queue of seeds, so a seed's run is the same whichever thread picks it. On the first failure the
 * remaining seeds are skipped.
 */
public final class SimulationRunner {

    /** What a batch of seeds did; {@code failures} is empty when every seed passed. */
    public record Result(SimStats stats, List<SimulationFailure> failures, long seedsRun, long millis) {

        /** Throws the failure of the lowest failing seed, if any. */
        public void throwIfFailed() {
            if (!failures.isEmpty()) {
                SimulationFailure first = failures.get(0);
                for (SimulationFailure f : failures) {
                    if (f.seed() < first.seed()) {
                        first = f;
                    }
                }
                throw first;
            }
        }

        public String summary() {
            return String.format("%,d seeds in %.1f s%n%s", seedsRun, millis / 1000.0, stats.summary());
        }
    }

    private SimulationRunner() {}

    /**
     * @param firstSeed the first seed; seeds {@code firstSeed .. firstSeed + count - 1} run
     * @param progress called (from a worker thread, serialized) every {@code progressEvery} seeds with a status
     *     line; may be null
     */
    public static Result run(long firstSeed, long count, int steps, int threads, long progressEvery,
            Consumer<String> progress) {
        long start = System.nanoTime();
        AtomicLong next = new AtomicLong(firstSeed);
        AtomicLong done = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        SimStats total = new SimStats();
        List<SimulationFailure> failures = new ArrayList<>();
        Runnable worker = () -> {
            SimStats mine = new SimStats();
            while (!stop.get()) {
                long seed = next.getAndIncrement();
                if (seed >= firstSeed + count) {
                    break;
                }
                try {
                    mine.add(Simulation.run(seed, steps, false));
                } catch (SimulationFailure f) {
                    synchronized (failures) {
                        failures.add(f);
                    }
                    stop.set(true);
                }
                long d = done.incrementAndGet();
                if (progress != null && progressEvery > 0 && d % progressEvery == 0) {
                    synchronized (progress) {
                        progress.accept(String.format("%,d/%,d seeds, %.0f s", d, count,
                                (System.nanoTime() - start) / 1e9));
                    }
                }
            }
            synchronized (total) {
                total.add(mine);
            }
        };
        List<Thread> pool = new ArrayList<>();
        for (int t = 0; t < Math.max(1, threads); t++) {
            Thread th = new Thread(worker, "simulation-" + t);
            pool.add(th);
            th.start();
        }
        for (Thread th : pool) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for simulation threads", e);
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Result(total, failures, done.get(), millis);
    }
}

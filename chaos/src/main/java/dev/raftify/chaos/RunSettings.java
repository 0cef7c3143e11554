package dev.raftify.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One fault-injection run.
 *
 * @param root the repository root (where {@code ./raftify-memstore} is)
 * @param out where the run's directory goes (node data and logs, history, violation report)
 * @param runFor fault time beyond the first pass over every fault kind (zero: that pass only)
 * @param keep whether to keep the nodes' data directories when the run passes (always kept when it fails)
 */
public record RunSettings(Path root, Path out, long seed, int nodes, int clients, int activeKeys, int opsPerKey,
        Duration runFor, boolean keep) {

    public RunSettings {
        if (nodes < 3) {
            throw new IllegalArgumentException("at least 3 nodes: faults need a majority to survive");
        }
        if (clients < 1 || activeKeys < 1 || opsPerKey < 1) {
            throw new IllegalArgumentException("clients, keys and operations per key must be positive");
        }
    }

    public static RunSettings defaults(Path root, Path out, long seed, int nodes) {
        return new RunSettings(root, out, seed, nodes, 12, 4, 120, Duration.ZERO, false);
    }

    public RunSettings withRunFor(Duration d) {
        return new RunSettings(root, out, seed, nodes, clients, activeKeys, opsPerKey, d, keep);
    }

    public RunSettings withClients(int c) {
        return new RunSettings(root, out, seed, nodes, c, activeKeys, opsPerKey, runFor, keep);
    }

    /** The command that runs this again (same seed, so the same fault plan and target choices). */
    public String replayCommand() {
        return "./mvnw -B -pl chaos -am verify -Dchaos.seeds=" + seed + " -Dchaos.nodes=" + nodes
                + " -Dchaos.clients=" + clients + (runFor.isZero() ? "" : " -Dchaos.run.duration=" + runFor.toSeconds() + "s");
    }
}

package dev.raftify.chaos.faults;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What the nemesis actually did, with times relative to the run's start, and how many faults of each kind. */
public final class FaultLog {
    private final long startNanos;
    private final List<String> lines = new ArrayList<>();
    private final Map<FaultKind, Integer> injected = new EnumMap<>(FaultKind.class);

    public FaultLog(long startNanos) {
        this.startNanos = startNanos;
    }

    public synchronized void note(String what) {
        lines.add(String.format("t+%8.3fs %s", (System.nanoTime() - startNanos) / 1e9, what));
    }

    synchronized void injected(FaultKind kind) {
        injected.merge(kind, 1, Integer::sum);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    public synchronized Map<FaultKind, Integer> injected() {
        return new EnumMap<>(injected.isEmpty() ? Map.of() : injected);
    }

    public synchronized int total() {
        return injected.values().stream().mapToInt(Integer::intValue).sum();
    }
}

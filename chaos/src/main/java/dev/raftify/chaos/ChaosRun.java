package dev.raftify.chaos;

import dev.raftify.chaos.check.DurabilityCheck;
import dev.raftify.chaos.check.LinearizabilityChecker;
import dev.raftify.chaos.check.Verdict;
import dev.raftify.chaos.check.ViolationWindow;
import dev.raftify.chaos.cluster.Cluster;
import dev.raftify.chaos.cluster.NodeProcess;
import dev.raftify.chaos.cluster.Polling;
import dev.raftify.chaos.cluster.StoreClient;
import dev.raftify.chaos.faults.FaultLog;
import dev.raftify.chaos.faults.FaultPlan;
import dev.raftify.chaos.faults.Nemesis;
import dev.raftify.chaos.history.History;
import dev.raftify.chaos.history.HistoryFile;
import dev.raftify.chaos.history.Op;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One fault-injection run, start to verdict: start a memstore cluster, drive the clients while the nemesis
 * works through the seed's fault plan, bring every node back, read every key's final value, and check the whole
 * history (linearizability per key, durability, replica agreement). A failing run leaves its directory with
 * {@code violation.txt}: the seed, the fault plan, what the nemesis did, the smallest failing window and the
 * commands to replay.
 */
public final class ChaosRun {
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    private static final int FINAL_CLIENT = -1;

    /** The engine settings of every node: frequent snapshots keep compaction happening under load. */
    static Map<String, String> engineSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("snapshot-interval", "300");
        s.put("proposal-timeout", "3s");
        s.put("conf-change-timeout", "8s");
        return s;
    }

    private final RunSettings settings;
    private final LinearizabilityChecker checker = new LinearizabilityChecker(5_000_000, 30_000);

    public ChaosRun(RunSettings settings) {
        this.settings = settings;
    }

    public RunResult run() throws IOException, InterruptedException {
        FaultPlan plan = FaultPlan.generate(settings.seed(), settings.runFor());
        Path dir = settings.out().resolve("seed-" + settings.seed() + "-n" + settings.nodes());
        deleteTree(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("plan.txt"), plan.toString());
        long start = System.nanoTime();
        History history = new History();
        FaultLog faults = new FaultLog(start);
        List<String> problems = new ArrayList<>();
        Map<Long, String> finals = new HashMap<>();
        Map<Long, Map<Long, String>> replicas = new HashMap<>();
        List<Long> keys;
        try (Cluster cluster = new Cluster(settings.root().resolve("raftify-memstore"), dir, settings.nodes(),
                "chaos-" + settings.seed(), engineSettings())) {
            cluster.bootstrap(Duration.ofSeconds(90));
            faults.note("cluster of " + settings.nodes() + " up, leader node " + cluster.leaderId());
            StoreClient client = new StoreClient(CLIENT_TIMEOUT);
            Workload load = new Workload(cluster, history, client, settings.clients(), settings.activeKeys(),
                    settings.opsPerKey(), settings.seed());
            Nemesis nemesis = new Nemesis(cluster, plan, faults);
            load.start();
            nemesis.start();
            long planMillis = plan.steps().stream()
                    .mapToLong(s -> s.gapBefore().toMillis() + s.hold().toMillis()).sum();
            try {
                // Each step may add recovery time (restarts, rejoins) on top of its planned durations.
                nemesis.awaitDone(planMillis + 90_000L * plan.steps().size());
            } catch (IllegalStateException e) {
                problems.add(e.getMessage());
            } finally {
                load.stop();
            }
            keys = load.keysUsed();
            faults.note("load stopped; " + history.size() + " operations");
            if (!cluster.awaitHealthy(Duration.ofSeconds(90))) {
                problems.add("the cluster did not recover a leader known to every node within 90 s after the faults");
            } else {
                finalReads(cluster, client, history, keys, finals, replicas, problems);
            }
            faults.note("final reads done");
        }
        Duration runTime = Duration.ofNanos(System.nanoTime() - start);

        long checkStart = System.nanoTime();
        List<Op> ops = history.ops();
        Map<Long, List<Op>> byKey = History.byKey(ops);
        int violations = 0;
        int undecided = 0;
        List<String> durability = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (Map.Entry<Long, List<Op>> e : byKey.entrySet()) {
            Verdict v = checker.check(e.getValue());
            if (v == Verdict.VIOLATION) {
                violations++;
                report.append(describeViolation(e.getKey(), e.getValue(), start));
            } else if (v == Verdict.UNKNOWN) {
                undecided++;
                report.append("key ").append(e.getKey()).append(": the checker could not decide within its budget (")
                        .append(e.getValue().size()).append(" operations)\n\n");
            }
            if (finals.containsKey(e.getKey())) {
                durability.addAll(DurabilityCheck.check(e.getKey(), e.getValue(), finals.get(e.getKey()),
                        replicas.getOrDefault(e.getKey(), Map.of())));
            }
        }
        Duration checkTime = Duration.ofNanos(System.nanoTime() - checkStart);

        HistoryFile.write(dir.resolve("history.txt"), List.of("seed " + settings.seed() + ", " + settings.nodes()
                + " nodes", "times are System.nanoTime() of the test JVM"), ops);
        Files.write(dir.resolve("faults.txt"), faults.lines());
        long ok = ops.stream().filter(o -> o.outcome() == Op.Outcome.OK).count();
        long failed = ops.stream().filter(o -> o.outcome() == Op.Outcome.FAIL).count();
        Path reportFile = null;
        boolean passed = violations == 0 && undecided == 0 && durability.isEmpty() && problems.isEmpty();
        if (!passed) {
            reportFile = dir.resolve("violation.txt");
            Files.writeString(reportFile, fullReport(plan, faults, report, durability, problems, dir));
        }
        RunResult result = new RunResult(settings, ops.size(), ok, failed, ops.size() - ok - failed,
                faults.injected(), byKey.size(), violations, undecided, durability, problems, reportFile, runTime,
                checkTime);
        if (passed && !settings.keep()) {
            // The nodes' data directories are large and of no use once the run passed; the plan, the fault log,
            // the history and the node logs stay.
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(p -> p.getFileName().toString().matches("slot-\\d+-gen-\\d+")).toList()) {
                    deleteTree(p);
                }
            }
        }
        return result;
    }

    /**
     * Reads every key linearizably (recorded in the history: durability is then part of linearizability), waits
     * until every node has applied what the leader committed, and reads each node's own copy.
     */
    private void finalReads(Cluster cluster, StoreClient client, History history, List<Long> keys,
            Map<Long, String> finals, Map<Long, Map<Long, String>> replicas, List<String> problems)
            throws InterruptedException {
        for (long key : keys) {
            boolean done = Polling.until(Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
                try {
                    NodeProcess p = cluster.slot(Math.max(0, cluster.leaderSlot()));
                    long t0 = System.nanoTime();
                    StoreClient.Response r = client.tryCall("GET", p.webAddr, "/store/" + key, CLIENT_TIMEOUT);
                    long t1 = System.nanoTime();
                    if (r == null || (r.status() != 200 && r.status() != 404)) {
                        return false;
                    }
                    String v = r.status() == 200 ? r.body() : null;
                    history.add(Op.read(history.nextId(), FINAL_CLIENT, (int) p.nodeId(), key, Op.Outcome.OK, v,
                            t0, t1));
                    finals.put(key, v);
                    return true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            });
            if (!done) {
                problems.add("no linearizable read of key " + key + " succeeded within 30 s after recovery");
            }
        }
        int leader = cluster.leaderSlot();
        long commit = leader < 0 ? 0 : cluster.status(cluster.slot(leader)).getOrDefault("commitIndex", 0L);
        for (NodeProcess p : cluster.running()) {
            boolean caughtUp = Polling.until(Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
                try {
                    return cluster.status(p).getOrDefault("appliedIndex", -1L) >= commit;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            });
            if (!caughtUp) {
                problems.add("node " + p.nodeId() + " did not apply up to the leader's commit index " + commit
                        + " within 30 s");
                continue;
            }
            for (long key : keys) {
                StoreClient.Response r = client.tryCall("GET", p.webAddr, "/store/" + key + "?consistency=stale",
                        CLIENT_TIMEOUT);
                if (r == null || (r.status() != 200 && r.status() != 404)) {
                    problems.add("node " + p.nodeId() + " did not answer a local read of key " + key);
                    continue;
                }
                replicas.computeIfAbsent(key, k -> new HashMap<>()).put(p.nodeId(), r.status() == 200 ? r.body()
                        : null);
            }
        }
    }

    private String describeViolation(long key, List<Op> ops, long runStart) {
        ViolationWindow.Window w = new ViolationWindow(checker).find(ops);
        StringBuilder b = new StringBuilder();
        b.append("key ").append(key).append(": NOT LINEARIZABLE (").append(ops.size())
                .append(" operations on the key). Smallest failing window, ").append(w.ops().size())
                .append(" operations, ")
                .append(w.fromAnyState() ? "from an unknown value" : "from the absent key at the start")
                .append(" (times in ms since the run started; '...' = no answer):\n");
        List<Op> sorted = new ArrayList<>(w.ops());
        sorted.sort(Comparator.comparingLong(Op::invokeNanos));
        for (Op op : sorted) {
            String end = op.completeNanos() == Long.MAX_VALUE ? "..."
                    : String.format("%.1f", (op.completeNanos() - runStart) / 1e6);
            b.append(String.format("  [%10.1f, %10s] %s%n", (op.invokeNanos() - runStart) / 1e6, end, op));
        }
        return b.append('\n').toString();
    }

    private String fullReport(FaultPlan plan, FaultLog faults, StringBuilder violations, List<String> durability,
            List<String> problems, Path dir) {
        StringBuilder b = new StringBuilder();
        b.append("Raftify chaos run FAILED\nseed ").append(settings.seed()).append(", ").append(settings.nodes())
                .append(" nodes, ").append(settings.clients()).append(" clients\n\n");
        b.append(violations);
        if (!durability.isEmpty()) {
            b.append("durability:\n");
            durability.forEach(d -> b.append("  ").append(d).append('\n'));
            b.append('\n');
        }
        if (!problems.isEmpty()) {
            b.append("problems:\n");
            problems.forEach(p -> b.append("  ").append(p).append('\n'));
            b.append('\n');
        }
        b.append(plan).append('\n');
        b.append("what the nemesis did:\n");
        faults.lines().forEach(l -> b.append("  ").append(l).append('\n'));
        b.append("\nreplay the run (same seed: same fault plan and targets; timing differs):\n  ")
                .append(settings.replayCommand()).append('\n');
        b.append("or outside Maven:\n  java -cp chaos/target/classes dev.raftify.chaos.ChaosMain run --seeds ")
                .append(settings.seed()).append(" --nodes ").append(settings.nodes()).append(" --clients ")
                .append(settings.clients()).append(settings.runFor().isZero() ? ""
                        : " --duration 1s --run-duration " + settings.runFor().toSeconds() + "s").append('\n');
        b.append("check this run's recorded history again:\n  java -cp chaos/target/classes dev.raftify.chaos.ChaosMain "
                + "check ").append(dir.resolve("history.txt")).append('\n');
        b.append("node logs: ").append(dir).append("/slot-*.log\n");
        return b.toString();
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

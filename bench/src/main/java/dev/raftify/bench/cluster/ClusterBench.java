package dev.raftify.bench.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The cluster benchmark: for each repetition, for each engine (the order reversed every other repetition, so that
 * a drift in the machine's load hits all alike), start three members on loopback with fresh data directories, time
 * the first election, run each workload (N writes of 1 KB in flight, closed loop) with a warm-up and a measured
 * window, then SIGKILL the leader a few times and time each next election. Prints every round as it ends and a
 * table of medians at the end.
 */
public final class ClusterBench {
    private final BenchOptions opts;
    private final List<String> jvm;
    private final byte[][] commands;
    private final Path work;

    private ClusterBench(BenchOptions opts) throws IOException {
        this.opts = opts;
        this.jvm = memberJvm(opts);
        this.commands = KvCommand.pregenerate(opts.keys, opts.valueSize, 42);
        Files.createDirectories(opts.dir);
        this.work = Files.createTempDirectory(opts.dir, "raftify-cluster-bench-");
    }

    public static void main(String[] args) throws Exception {
        BenchOptions opts = BenchOptions.parse(args);
        ClusterBench bench = new ClusterBench(opts);
        // A BenchNode exits when the driver's end of its standard input closes; etcd would run on, holding its
        // ports, after a driver stopped by a signal.
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> ProcessHandle.current().children().forEach(ProcessHandle::destroyForcibly)));
        try {
            bench.run();
        } finally {
            deleteTree(bench.work);
        }
    }

    private void run() throws Exception {
        Report report = new Report(opts, jvm, work);
        report.printConditions();
        List<Results.Round> rounds = new ArrayList<>();
        for (int rep = 0; rep < opts.reps; rep++) {
            // R, Ra, JR, E, then E, JR, Ra, R: over two repetitions every engine has the same mean position.
            List<Engine> order = new ArrayList<>(opts.engines);
            if (rep % 2 == 1) {
                Collections.reverse(order);
            }
            for (Engine engine : order) {
                Results.Round r = round(engine, rep);
                report.printRound(r);
                rounds.add(r);
            }
        }
        report.printTable(rounds);
    }

    private Results.Round round(Engine engine, int rep) throws Exception {
        double load = Report.loadAverage();
        Path root = work.resolve(engine.name().toLowerCase(Locale.ROOT) + "-" + rep);
        Path jfrPrefix = null;
        if (opts.jfrDir != null) {
            Files.createDirectories(opts.jfrDir);
            jfrPrefix = opts.jfrDir.toAbsolutePath().resolve(engine.name().toLowerCase(Locale.ROOT) + "-rep" + rep);
        }
        try (Cluster cluster = Cluster.launch(engine, opts, jvm, root, jfrPrefix)) {
            if (!cluster.awaitStarted(120_000)) {
                throw new IllegalStateException(engine.label() + " members did not start; see " + root + "/*.log");
            }
            long elected = cluster.awaitNewLeader(MemberProcess.NONE, 60_000);
            if (elected == MemberProcess.NONE) {
                throw new IllegalStateException(engine.label() + " elected no leader within 60 s");
            }
            double electAfterStart = (elected - cluster.quorumStartedNanos()) / 1e6;
            List<Results.Workload> workloads = new ArrayList<>();
            boolean first = true;
            for (int inFlight : opts.workloads) {
                // Fresh JVMs spend their first seconds compiling (C2 took ~40% of a member's CPU in a 20 s run
                // on this machine): the first workload warms up longer so that no engine is measured cold.
                workloads.add(workload(cluster, inFlight, first ? opts.firstWarmupSeconds : opts.warmupSeconds));
                first = false;
            }
            List<Double> kills = new ArrayList<>();
            for (int k = 0; k < opts.kills; k++) {
                kills.add(killLeader(cluster, k < opts.kills - 1));
            }
            return new Results.Round(engine, rep, load, workloads, electAfterStart, kills);
        } finally {
            deleteTree(root);
        }
    }

    private Results.Workload workload(Cluster cluster, int inFlight, int warmupSeconds) throws Exception {
        MemberProcess leader = cluster.awaitLeader(30_000);
        if (leader == null) {
            throw new IllegalStateException(cluster.engine().label() + " has no leader before the workload");
        }
        try (WriteClient client = cluster.engine().client(cluster.ports(), leader.id, inFlight)) {
            ClosedLoopLoad load = new ClosedLoopLoad(client, inFlight, commands);
            long started = System.nanoTime();
            load.start();
            Thread.sleep(warmupSeconds * 1000L);
            load.interval();
            long errors0 = load.errors();
            long cpu0 = cluster.cpuNanos();
            long client0 = selfCpuNanos();
            long t0 = System.nanoTime();
            Thread.sleep(opts.measureSeconds * 1000L);
            Histogram h = load.interval();
            long t1 = System.nanoTime();
            long cpu1 = cluster.cpuNanos();
            long client1 = selfCpuNanos();
            long errors = load.errors() - errors0;
            if (!load.stop(30_000)) {
                System.out.println("  (some writes were still in flight 30 s after the load stopped)");
            }
            long n = h.getTotalCount();
            double per1000 = n == 0 ? Double.NaN : 1000.0 / n;
            return new Results.Workload(inFlight, n, (t1 - t0) / 1e9,
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                    h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6,
                    (cpu1 - cpu0) / 1e9 * per1000, (client1 - client0) / 1e9 * per1000, errors,
                    cluster.leaderChangesAfter(started));
        } finally {
            // Let the followers and the apply threads drain before the next workload.
            Thread.sleep(500);
        }
    }

    /**
     * SIGKILLs the leader and returns the milliseconds until another member became leader. With
     * {@code restart}, the killed member is started again on its data directory and given time to catch up,
     * so the next kill again leaves two up-to-date members.
     */
    private double killLeader(Cluster cluster, boolean restart) throws Exception {
        MemberProcess leader = cluster.awaitLeader(30_000);
        if (leader == null) {
            return Double.NaN;
        }
        long killed = System.nanoTime();
        leader.kill();
        long elected = cluster.awaitNewLeader(killed, 30_000);
        double ms = elected == MemberProcess.NONE ? Double.NaN : (elected - killed) / 1e6;
        if (restart) {
            cluster.start(leader.id);
            long deadline = System.currentTimeMillis() + 60_000;
            while (cluster.member(leader.id).startedNanos() == MemberProcess.NONE
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(3000);
        }
        return ms;
    }

    private static long selfCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** {@code java <flags> -cp <this jar>}: the same flags for every member of every engine. */
    private static List<String> memberJvm(BenchOptions opts) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms" + opts.heap);
        cmd.add("-Xmx" + opts.heap);
        cmd.add("-XX:+UseG1GC");
        // LMDB (lmdbjava) on Java 17; harmless for Ratis, so both engines run with identical flags.
        cmd.add("--add-opens");
        cmd.add("java.base/java.nio=ALL-UNNAMED");
        cmd.add("--add-opens");
        cmd.add("java.base/sun.nio.ch=ALL-UNNAMED");
        cmd.addAll(opts.extraJvmArgs);
        // The driver's own class path: the bench jar (java -jar), or whatever -cp gave it.
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        return cmd;
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.raftify.bench.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;

/** Prints the conditions of a run, each round as it ends, and the final table of medians with the targets. */
final class Report {
    private final BenchOptions opts;
    private final List<String> jvm;
    private final Path work;
    private FsyncProbe.Latency fsync;

    Report(BenchOptions opts, List<String> jvm, Path work) {
        this.opts = opts;
        this.jvm = jvm;
        this.work = work;
    }

    void printConditions() throws IOException {
        fsync = FsyncProbe.measure(work, 300, true);
        FsyncProbe.Latency fdatasync = FsyncProbe.measure(work, 300, false);
        out("Cluster benchmark: 3 members on loopback, one process each; %d-byte values; durable logs",
                opts.valueSize);
        out("machine   %d CPUs (%s), %s %s", Runtime.getRuntime().availableProcessors(), cpuModel(),
                System.getProperty("os.name"), System.getProperty("os.version"));
        out("disk      %s: write 4 KB + fsync median %.3f ms (p99 %.3f), + fdatasync median %.3f ms (p99 %.3f)",
                work.getParent(), fsync.median(), fsync.p99(), fdatasync.median(), fdatasync.p99());
        out("JDK       %s %s (%s)", System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                System.getProperty("java.vendor"));
        out("members   %s", String.join(" ", jvm.subList(1, jvm.size() - 2)));
        out("Raftify   defaults: LMDB, one durable commit per Ready; election timeout %d ms (randomized up to 2x)",
                RaftifyMember.config().electionTimeout().toMillis());
        RaftProperties ratis = new RaftProperties();
        out("Ratis     3.1.3 defaults: segmented log, flush + fsync per batch; election timeout %s..%s",
                RaftServerConfigKeys.Rpc.timeoutMin(ratis, s -> { }), RaftServerConfigKeys.Rpc.timeoutMax(ratis, s -> { }));
        if (opts.engines.contains(Engine.JRAFT)) {
            out("JRaft     %s defaults: RocksDB log, sync (fsync per batch); election timeout %d ms (randomized up "
                    + "to +1000 ms); writes on its RPC (bolt) via Node.apply; members also get %s",
                    JRaftMember.version(), JRaftMember.ELECTION_TIMEOUT_MS, String.join(" ", JRaftMember.JVM_FLAGS));
        }
        if (opts.engines.contains(Engine.ETCD)) {
            out("etcd      %s (%s): defaults: WAL fdatasync per batch; heartbeat %d ms, election timeout %d ms "
                    + "(randomized up to 2x); client: KV/Put over gRPC", EtcdMember.version(opts.etcd), opts.etcd,
                    EtcdMember.HEARTBEAT_MILLIS, EtcdMember.ELECTION_TIMEOUT_MILLIS);
        }
        out("load      writes in flight %s (closed loop, one client in the driver JVM, to the leader); warm-up %d s "
                + "(first workload of a round %d s) and %d s measured per workload; %d repetitions, engines "
                + "alternating; %d leader kills per round", opts.workloads, opts.warmupSeconds,
                opts.firstWarmupSeconds, opts.measureSeconds, opts.reps, opts.kills);
        out("load avg  %.2f at start", loadAverage());
        out("");
    }

    void printRound(Results.Round r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "rep %d %-8s load %.2f  elect %5.0f ms",
                r.rep(), r.engine().label(), r.loadAverage(), r.electAfterStart()));
        for (Results.Workload w : r.workloads()) {
            b.append(String.format(Locale.ROOT, " | %d: %,.0f/s p50 %.2f p99 %.2f ms cpu %.3f s/1k%s", w.inFlight(),
                    w.writesPerSecond(), w.p50(), w.p99(), w.memberCpuPer1000(),
                    (w.errors() > 0 ? " errors " + w.errors() : "")
                            + (w.leaderChanges() > 0 ? " LEADER CHANGES " + w.leaderChanges() : "")));
        }
        if (!r.electAfterKill().isEmpty()) {
            b.append(" | after kill");
            for (double d : r.electAfterKill()) {
                b.append(String.format(Locale.ROOT, " %.0f", d));
            }
            b.append(" ms");
        }
        out("%s", b);
    }

    void printTable(List<Results.Round> rounds) {
        out("");
        out("Medians over %d repetitions (latency in ms; CPU: seconds per 1,000 writes, 3 members summed; "
                + "client: the driver's own)", opts.reps);
        out("%-14s %-8s %10s %8s %8s %9s %8s %9s %8s", "in flight", "engine", "writes/s", "p50", "p99", "p99.9",
                "max", "CPU/1k", "client");
        for (int inFlight : opts.workloads) {
            String label = inFlight == 1 ? "1 (sequential)" : Integer.toString(inFlight);
            for (Engine e : opts.engines) {
                List<Results.Workload> ws = workloads(rounds, e, inFlight);
                out("%-14s %-8s %,10.0f %8.2f %8.2f %9.2f %8.2f %9.3f %8.3f", label, e.label(),
                        med(ws, Results.Workload::writesPerSecond), med(ws, Results.Workload::p50),
                        med(ws, Results.Workload::p99), med(ws, Results.Workload::p999),
                        med(ws, Results.Workload::max), med(ws, Results.Workload::memberCpuPer1000),
                        med(ws, Results.Workload::clientCpuPer1000));
                label = "";
            }
            if (opts.engines.contains(Engine.RAFTIFY)) {
                for (Engine other : opts.engines) {
                    if (other != Engine.RAFTIFY) {
                        out("%-14s %-8s %9.2fx %8.2fx %44s", "", "R/" + ratioLabel(other),
                                throughputRatio(rounds, inFlight, other),
                                ratio(rounds, inFlight, other, Results.Workload::p50),
                                "(writes/s and p50: median of per-rep ratios)");
                    }
                }
            }
        }
        out("");
        out("%-8s %22s %28s %9s", "engine", "elect after start (ms)", "after leader SIGKILL: median", "max");
        for (Engine e : opts.engines) {
            List<Double> start = new ArrayList<>();
            List<Double> kill = new ArrayList<>();
            for (Results.Round r : rounds) {
                if (r.engine() == e) {
                    start.add(r.electAfterStart());
                    kill.addAll(r.electAfterKill());
                }
            }
            out("%-8s %22.0f %28.0f %9.0f   (%d kills)", e.label(), Results.median(start), Results.median(kill),
                    Results.max(kill), kill.size());
        }
        printTargets(rounds);
    }

    private void printTargets(List<Results.Round> rounds) {
        out("");
        out("Targets");
        if (opts.engines.contains(Engine.RAFTIFY) && opts.engines.contains(Engine.RATIS)
                && opts.workloads.contains(32)) {
            double r = throughputRatio(rounds, 32, Engine.RATIS);
            out("  32 in flight: Raftify/Ratis throughput %.2fx (target >= 1.5x): %s", r, r >= 1.5 ? "met" : "MISSED");
        }
        if (opts.engines.contains(Engine.RAFTIFY) && opts.workloads.contains(1)) {
            double p50 = med(workloads(rounds, Engine.RAFTIFY, 1), Results.Workload::p50);
            double x = p50 / fsync.median();
            out("  1 client: Raftify p50 %.2f ms = %.1fx the fsync median %.3f ms (target <= 3x): %s", p50, x,
                    fsync.median(), x <= 3 ? "met" : "MISSED");
        }
        if (opts.engines.contains(Engine.RAFTIFY) && opts.kills > 0) {
            List<Double> kill = new ArrayList<>();
            rounds.stream().filter(r -> r.engine() == Engine.RAFTIFY).forEach(r -> kill.addAll(r.electAfterKill()));
            double limit = 2 * RaftifyMember.config().electionTimeout().toMillis();
            boolean all = kill.stream().allMatch(d -> !d.isNaN() && d < limit);
            out("  election after leader SIGKILL: Raftify max %.0f ms of %d (target < %.0f ms every time): %s",
                    Results.max(kill), kill.size(), limit, all ? "met" : "MISSED");
        }
    }

    private static List<Results.Workload> workloads(List<Results.Round> rounds, Engine e, int inFlight) {
        List<Results.Workload> ws = new ArrayList<>();
        for (Results.Round r : rounds) {
            if (r.engine() == e && r.workload(inFlight) != null) {
                ws.add(r.workload(inFlight));
            }
        }
        return ws;
    }

    private static double med(List<Results.Workload> ws, ToDoubleFunction<Results.Workload> f) {
        List<Double> v = new ArrayList<>();
        ws.forEach(w -> v.add(f.applyAsDouble(w)));
        return Results.median(v);
    }

    /** How the ratio rows name the engine Raftify is divided by: R/Ra, R/JR. */
    private static String ratioLabel(Engine e) {
        return switch (e) {
            case RATIS -> "Ra";
            case JRAFT -> "JR";
            default -> e.label();
        };
    }

    private static double throughputRatio(List<Results.Round> rounds, int inFlight, Engine other) {
        return ratio(rounds, inFlight, other, Results.Workload::writesPerSecond);
    }

    /** Raftify's value over {@code other}'s, per repetition (they ran in the same one), then the median. */
    private static double ratio(List<Results.Round> rounds, int inFlight, Engine other,
            ToDoubleFunction<Results.Workload> f) {
        List<Double> ratios = new ArrayList<>();
        Function<Results.Round, Results.Workload> w = r -> r.workload(inFlight);
        for (Results.Round a : rounds) {
            if (a.engine() != Engine.RAFTIFY) {
                continue;
            }
            for (Results.Round b : rounds) {
                if (b.engine() == other && b.rep() == a.rep() && w.apply(a) != null && w.apply(b) != null) {
                    ratios.add(f.applyAsDouble(w.apply(a)) / f.applyAsDouble(w.apply(b)));
                }
            }
        }
        return Results.median(ratios);
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // Not Linux: the count alone will do.
        }
        return "unknown model";
    }

    private static void out(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}

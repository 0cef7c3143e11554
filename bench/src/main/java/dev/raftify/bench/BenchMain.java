package dev.raftify.bench;

import dev.raftify.bench.cluster.ClusterBench;
import dev.raftify.bench.cluster.JfrTop;
import java.util.Arrays;
import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The bench jar's entry point. {@code cluster ...} runs the cluster benchmark ({@link ClusterBench}),
 * {@code jfr-top FILE...} summarizes JFR recordings ({@link JfrTop}); anything else runs the JMH benchmarks and
 * prints appends per second for each batch size next to the disk's raw fsync latency. Any JMH command-line
 * option overrides the defaults (e.g. {@code -i 5 -r 5s}, or a regular expression selecting benchmarks).
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("cluster")) {
            ClusterBench.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("jfr-top")) {
            JfrTop.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        runJmh(args);
    }

    private static void runJmh(String[] args) throws RunnerException, CommandLineOptionException {
        String dir = System.getProperty("raftify.bench.dir", ".");
        CommandLineOptions cli = new CommandLineOptions(args);
        // Options set on a builder win over its parent's, so the defaults are set only where the command line
        // left a value unset.
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli)
                .jvmArgsAppend("--add-opens", "java.base/java.nio=ALL-UNNAMED",
                        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "-Draftify.bench.dir=" + dir);
        if (cli.getIncludes().isEmpty()) {
            options.include(LmdbAppendBenchmark.class.getSimpleName()).include(FsyncBenchmark.class.getSimpleName())
                    .include(CoreStepBenchmark.class.getSimpleName())
                    .include(MessageBatchCodecBenchmark.class.getSimpleName());
        }
        if (!cli.getForkCount().hasValue()) {
            options.forks(1);
        }
        if (!cli.getWarmupIterations().hasValue()) {
            options.warmupIterations(2);
        }
        if (!cli.getWarmupTime().hasValue()) {
            options.warmupTime(TimeValue.seconds(2));
        }
        if (!cli.getMeasurementIterations().hasValue()) {
            options.measurementIterations(3);
        }
        if (!cli.getMeasurementTime().hasValue()) {
            options.measurementTime(TimeValue.seconds(3));
        }
        print(new Runner(options.build()).run());
    }

    private static void print(Collection<RunResult> results) {
        double fsyncPerSec = score(results, "write4kAndFsync");
        double fdatasyncPerSec = score(results, "write4kAndFdatasync");
        System.out.println();
        if (!Double.isNaN(fsyncPerSec)) {
            printDisk(results, fsyncPerSec, fdatasyncPerSec);
        }
        printInMemory(results);
    }

    private static void printDisk(Collection<RunResult> results, double fsyncPerSec, double fdatasyncPerSec) {
        System.out.println("Raw disk: write 4 KB + fsync     " + latency(fsyncPerSec) + " ("
                + String.format("%,.0f", fsyncPerSec) + "/s)");
        System.out.println("Raw disk: write 4 KB + fdatasync " + latency(fdatasyncPerSec) + " ("
                + String.format("%,.0f", fdatasyncPerSec) + "/s)");
        System.out.println();
        System.out.printf("%-7s %14s %12s %12s %22s%n", "batch", "entries/s", "Readys/s", "per Ready",
                "Ready time / fsync");
        results.stream()
                .filter(r -> r.getParams().getBenchmark().endsWith("appendOneReady"))
                .sorted((a, b) -> Integer.compare(batch(a), batch(b)))
                .forEach(r -> {
                    double readys = r.getPrimaryResult().getScore();
                    System.out.printf("%-7d %,14.0f %,12.0f %12s %21.1fx%n", batch(r), readys * batch(r), readys,
                            latency(readys), fsyncPerSec / readys);
                });
        System.out.println();
    }

    /** The core and codec benchmarks: per batch, and per entry (batches times batch size). */
    private static void printInMemory(Collection<RunResult> results) {
        System.out.printf("%-34s %7s %16s %16s%n", "per batch of N 1 KB entries", "N", "batches/s", "entries/s");
        results.stream()
                .filter(r -> r.getParams().getBenchmark().contains("CoreStep")
                        || r.getParams().getBenchmark().contains("MessageBatchCodec"))
                .sorted((a, b) -> a.getParams().getBenchmark().equals(b.getParams().getBenchmark())
                        ? Integer.compare(size(a), size(b))
                        : a.getParams().getBenchmark().compareTo(b.getParams().getBenchmark()))
                .forEach(r -> {
                    String name = r.getParams().getBenchmark();
                    name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
                    double score = r.getPrimaryResult().getScore();
                    System.out.printf("%-34s %7d %,16.0f %,16.0f%n", name, size(r), score, score * size(r));
                });
    }

    /** The batch size of a core or codec result (its only parameter). */
    private static int size(RunResult r) {
        String v = r.getParams().getParam("batch");
        return Integer.parseInt(v != null ? v : r.getParams().getParam("entries"));
    }

    private static int batch(RunResult r) {
        return Integer.parseInt(r.getParams().getParam("batchSize"));
    }

    private static double score(Collection<RunResult> results, String method) {
        return results.stream().filter(r -> r.getParams().getBenchmark().endsWith(method))
                .mapToDouble(r -> r.getPrimaryResult().getScore()).findFirst().orElse(Double.NaN);
    }

    private static String latency(double perSecond) {
        return String.format("%8.3f ms", 1000.0 / perSecond);
    }
}

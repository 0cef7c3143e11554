package dev.raftify.bench.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The cluster benchmark's command line. */
final class BenchOptions {
    int reps = 3;
    int warmupSeconds = 5;
    int firstWarmupSeconds = 15;
    int measureSeconds = 10;
    List<Integer> workloads = List.of(1, 32, 256);
    List<Engine> engines = List.of(Engine.values());
    int kills = 3;
    int valueSize = 1024;
    int keys = 1024;
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    String heap = "1g";
    List<String> extraJvmArgs = new ArrayList<>();
    Path jfrDir;
    Path etcd = EtcdMember.DEFAULT_BINARY;

    static final String USAGE = """
            usage: cluster [options]
              --reps N            repetitions; engines in --engines order, reversed every other repetition
                                  (default 3)
              --warmup S          seconds of load before each measured window, not measured (default 5)
              --first-warmup S    the same before a round's first workload, while the fresh member JVMs
                                  compile their hot code (default 15)
              --measure S         measured seconds per workload (default 10)
              --workloads LIST    writes in flight, comma-separated (default 1,32,256)
              --engines LIST      raftify,ratis,jraft,etcd (default: every one this machine can run)
              --etcd PATH         the etcd 3.4 binary (default /usr/bin/etcd; without it, etcd is skipped)
              --kills N           leader SIGKILLs per round, each timed to the next election (default 3)
              --value-size B      bytes per value (default 1024)
              --keys N            distinct keys written in a cycle (default 1024)
              --dir PATH          where the members' temporary data directories go: the disk measured
                                  (default java.io.tmpdir; must not be a tmpfs)
              --heap SIZE         -Xms and -Xmx of every member JVM (default 1g)
              --jvm-arg ARG       one more JVM argument for every member (repeatable)
              --jfr DIR           record each member JVM with JFR (profile settings) into DIR; implies --kills 0,
                                  since a SIGKILLed JVM writes no recording
            """;

    static BenchOptions parse(String[] args) {
        BenchOptions o = new BenchOptions();
        boolean killsSet = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--reps" -> o.reps = Integer.parseInt(v);
                case "--warmup" -> o.warmupSeconds = Integer.parseInt(v);
                case "--first-warmup" -> o.firstWarmupSeconds = Integer.parseInt(v);
                case "--measure" -> o.measureSeconds = Integer.parseInt(v);
                case "--workloads" -> o.workloads = ints(v);
                case "--engines" -> {
                    List<Engine> e = new ArrayList<>();
                    for (String s : v.split(",")) {
                        e.add(Engine.parse(s.trim()));
                    }
                    o.engines = e;
                }
                case "--kills" -> {
                    o.kills = Integer.parseInt(v);
                    killsSet = true;
                }
                case "--value-size" -> o.valueSize = Integer.parseInt(v);
                case "--keys" -> o.keys = Integer.parseInt(v);
                case "--dir" -> o.dir = Path.of(v);
                case "--heap" -> o.heap = v;
                case "--jvm-arg" -> o.extraJvmArgs.add(v);
                case "--jfr" -> o.jfrDir = Path.of(v);
                case "--etcd" -> o.etcd = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        if (o.jfrDir != null && !killsSet) {
            o.kills = 0;
        }
        o.engines = runnable(o);
        return o;
    }

    /** The engines asked for that can run here; says in one line why each other one is skipped. */
    private static List<Engine> runnable(BenchOptions o) {
        List<Engine> run = new ArrayList<>();
        for (Engine e : o.engines) {
            String why = e.unavailable(o);
            if (why == null) {
                run.add(e);
            } else {
                System.out.println(why);
            }
        }
        if (run.isEmpty()) {
            throw new IllegalArgumentException("no engine to run");
        }
        return run;
    }

    private static List<Integer> ints(String v) {
        List<Integer> l = new ArrayList<>();
        for (String s : v.split(",")) {
            l.add(Integer.parseInt(s.trim()));
        }
        return l;
    }
}

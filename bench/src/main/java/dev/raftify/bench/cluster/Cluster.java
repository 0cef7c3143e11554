package dev.raftify.bench.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Three member processes of one engine on loopback, each with its own data directory under {@code root}. */
final class Cluster implements AutoCloseable {
    static final int SIZE = 3;

    private final Engine engine;
    private final BenchOptions opts;
    private final List<String> jvm;
    private final Path root;
    private final List<Integer> ports;
    private final Path jfrPrefix;
    private final MemberProcess[] members = new MemberProcess[SIZE];

    private Cluster(Engine engine, BenchOptions opts, List<String> jvm, Path root, List<Integer> ports,
            Path jfrPrefix) {
        this.engine = engine;
        this.opts = opts;
        this.jvm = jvm;
        this.root = root;
        this.ports = ports;
        this.jfrPrefix = jfrPrefix;
    }

    /**
     * @param jvm {@code java} and its flags, up to and including the class path
     * @param jfrPrefix when not null, each member records JFR (profile settings) to
     *     {@code <jfrPrefix>-member<id>.jfr}, written when it exits
     */
    static Cluster launch(Engine engine, BenchOptions opts, List<String> jvm, Path root, Path jfrPrefix)
            throws IOException {
        Files.createDirectories(root);
        Cluster c = new Cluster(engine, opts, jvm, root, freePorts(SIZE * engine.portsPerMember()), jfrPrefix);
        for (int id = 1; id <= SIZE; id++) {
            c.start(id);
        }
        return c;
    }

    private static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                sockets.add(s);
                ports.add(s.getLocalPort());
            }
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
        return ports;
    }

    /** Starts member {@code id}; on an existing data directory it restarts from what it stored. */
    void start(int id) throws IOException {
        members[id - 1] = engine.launch(this, id);
    }

    /** Member {@code id} as a {@link BenchNode} JVM running this cluster's engine. */
    MemberProcess launchBenchNode(int id) throws IOException {
        List<String> cmd = new ArrayList<>(jvm);
        cmd.addAll(1, engine.memberJvmFlags());
        if (jfrPrefix != null) {
            // JVM flags go right after the java executable.
            cmd.add(1, "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + jfrPrefix
                    + "-member" + id + ".jfr");
        }
        return MemberProcess.launch(cmd, engine, id, dataDir(id), ports, log(id));
    }

    Engine engine() {
        return engine;
    }

    BenchOptions options() {
        return opts;
    }

    Path root() {
        return root;
    }

    Path dataDir(int id) {
        return root.resolve("member-" + id);
    }

    Path log(int id) {
        return root.resolve("member-" + id + ".log");
    }

    /**
     * {@code SIZE * engine.portsPerMember()} free ports: the first {@code SIZE} are the ones clients use, member
     * {@code id} at index {@code id - 1}.
     */
    List<Integer> ports() {
        return ports;
    }

    MemberProcess member(int id) {
        return members[id - 1];
    }

    /** Waits until every member has started serving; false on timeout. */
    boolean awaitStarted(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (Arrays.stream(members).allMatch(m -> m.startedNanos() != MemberProcess.NONE)) {
                return true;
            }
            if (Arrays.stream(members).anyMatch(m -> !m.isAlive())) {
                return false;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** When a quorum (two of three) had started: from then on an election can succeed. */
    long quorumStartedNanos() {
        long[] s = Arrays.stream(members).mapToLong(MemberProcess::startedNanos).sorted().toArray();
        return s[SIZE / 2];
    }

    /** The member that leads now (the most recent to have become leader, among live ones), or null. */
    MemberProcess leader() {
        MemberProcess best = null;
        for (MemberProcess m : members) {
            if (m.isAlive() && m.leaderSinceNanos() != MemberProcess.NONE
                    && (best == null || m.leaderSinceNanos() > best.leaderSinceNanos())) {
                best = m;
            }
        }
        return best;
    }

    /** The leader, waiting up to {@code timeoutMillis} for one; null if there is none by then. */
    MemberProcess awaitLeader(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        MemberProcess leader = leader();
        while (leader == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
            leader = leader();
        }
        return leader;
    }

    /**
     * Waits for a live member to become leader after {@code afterNanos} (MemberProcess.NONE: at any time);
     * returns when it did (System.nanoTime), or MemberProcess.NONE on timeout.
     */
    long awaitNewLeader(long afterNanos, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() - deadline < 0) {
            long first = MemberProcess.NONE;
            for (MemberProcess m : members) {
                long s = m.isAlive() ? m.becameLeaderAfter(afterNanos) : MemberProcess.NONE;
                if (s != MemberProcess.NONE && (first == MemberProcess.NONE || s < first)) {
                    first = s;
                }
            }
            if (first != MemberProcess.NONE) {
                return first;
            }
            Thread.sleep(1);
        }
        return MemberProcess.NONE;
    }

    /** Elections won since {@code afterNanos}: a workload should see none (a leader change stalls its writes). */
    int leaderChangesAfter(long afterNanos) {
        int n = 0;
        for (MemberProcess m : members) {
            n += m.leaderChangesAfter(afterNanos);
        }
        return n;
    }

    /** CPU time used so far by all live members, in nanoseconds. */
    long cpuNanos() {
        long sum = 0;
        for (MemberProcess m : members) {
            sum += m.cpuNanos();
        }
        return sum;
    }

    @Override
    public void close() {
        try {
            for (MemberProcess m : members) {
                if (m != null && m.isAlive()) {
                    m.stop();
                }
            }
        } catch (InterruptedException e) {
            // Interrupted while stopping: kill what is left rather than leave member JVMs behind.
            for (MemberProcess m : members) {
                if (m != null) {
                    m.destroyNow();
                }
            }
            Thread.currentThread().interrupt();
        }
    }
}

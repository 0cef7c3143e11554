package dev.raftify.bench.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One member's process: records when it started serving and when it gained or lost leadership, reads its CPU
 * time, stops or kills it. For a {@link BenchNode} JVM the stamps come from the lines it prints; an engine whose
 * member is some other program (etcd) records them itself through {@link #started}, {@link #becameLeader} and
 * {@link #becameFollower}. Its standard error goes to {@code <log>}, so a member that fails says why there.
 */
final class MemberProcess {
    final int id;
    private final Process process;
    /** A BenchNode stops when its standard input closes; any other program is sent SIGTERM. */
    private final boolean stopsOnEof;
    /** Stamps are System.nanoTime readings, whose origin is arbitrary: "none" is Long.MIN_VALUE, not -1. */
    static final long NONE = Long.MIN_VALUE;

    private volatile long startedNanos = NONE;
    /** When it last became leader, or NONE while it does not lead. */
    private volatile long leaderSinceNanos = NONE;
    private final List<Long> leaderStamps = new ArrayList<>();

    /** A member whose role changes the caller observes and records (see the class comment). */
    MemberProcess(int id, Process process, boolean stopsOnEof) {
        this.id = id;
        this.process = process;
        this.stopsOnEof = stopsOnEof;
    }

    static MemberProcess launch(List<String> jvm, Engine engine, int id, Path dir, List<Integer> ports, Path log)
            throws IOException {
        List<String> cmd = new ArrayList<>(jvm);
        cmd.add(BenchNode.class.getName());
        cmd.add(engine.name().toLowerCase(Locale.ROOT));
        cmd.add(Integer.toString(id));
        cmd.add(dir.toString());
        StringBuilder p = new StringBuilder();
        for (int port : ports) {
            p.append(p.length() == 0 ? "" : ",").append(port);
        }
        cmd.add(p.toString());
        Process proc = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        MemberProcess m = new MemberProcess(id, proc, true);
        Thread reader = new Thread(m::follow, "bench-member-" + id + "-out");
        reader.setDaemon(true);
        reader.start();
        return m;
    }

    private void follow() {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(" ");
                if (f.length != 2) {
                    continue;
                }
                long nanos = Long.parseLong(f[1]);
                switch (f[0]) {
                    case "STARTED" -> started(nanos);
                    case "LEADER" -> becameLeader(nanos);
                    case "FOLLOWER" -> becameFollower();
                    default -> { }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // The process ended (killed, or stopped): nothing more to follow.
        }
        becameFollower();
    }

    /** It serves from {@code nanos} (System.nanoTime) on. */
    void started(long nanos) {
        startedNanos = nanos;
    }

    void becameLeader(long nanos) {
        synchronized (leaderStamps) {
            leaderStamps.add(nanos);
        }
        leaderSinceNanos = nanos;
    }

    void becameFollower() {
        leaderSinceNanos = NONE;
    }

    long startedNanos() {
        return startedNanos;
    }

    long leaderSinceNanos() {
        return leaderSinceNanos;
    }

    /** How many times this member became leader after {@code afterNanos}. */
    int leaderChangesAfter(long afterNanos) {
        synchronized (leaderStamps) {
            return (int) leaderStamps.stream().filter(s -> s > afterNanos).count();
        }
    }

    /** The first time this member became leader after {@code afterNanos}, or NONE. */
    long becameLeaderAfter(long afterNanos) {
        synchronized (leaderStamps) {
            for (long s : leaderStamps) {
                if (s > afterNanos) {
                    return s;
                }
            }
        }
        return NONE;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** User plus system CPU time the process has used so far, in nanoseconds (from /proc on Linux). */
    long cpuNanos() {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGKILL without waiting. */
    void destroyNow() {
        process.destroyForcibly();
    }

    /**
     * Closes its standard input (a BenchNode then closes its member and exits) or sends SIGTERM (etcd's graceful
     * stop); kills it if it has not exited in time.
     */
    void stop() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Already gone.
        }
        if (!stopsOnEof) {
            process.destroy();
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
    }
}

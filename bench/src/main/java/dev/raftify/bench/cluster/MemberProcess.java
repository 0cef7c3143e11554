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
 * A {@link BenchNode} JVM: launches it, follows the events it prints, reads its CPU time, stops or kills it.
 * Its standard error goes to {@code <log>}, so a member that fails says why there.
 */
final class MemberProcess {
    final int id;
    private final Process process;
    /** Stamps are System.nanoTime readings, whose origin is arbitrary: "none" is Long.MIN_VALUE, not -1. */
    static final long NONE = Long.MIN_VALUE;

    private volatile long startedNanos = NONE;
    /** When it last became leader, or NONE while it does not lead. */
    private volatile long leaderSinceNanos = NONE;
    private final List<Long> leaderStamps = new ArrayList<>();

    private MemberProcess(int id, Process process) {
        this.id = id;
        this.process = process;
        Thread reader = new Thread(this::follow, "bench-member-" + id + "-out");
        reader.setDaemon(true);
        reader.start();
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
        return new MemberProcess(id, proc);
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
                    case "STARTED" -> startedNanos = nanos;
                    case "LEADER" -> {
                        synchronized (leaderStamps) {
                            leaderStamps.add(nanos);
                        }
                        leaderSinceNanos = nanos;
                    }
                    case "FOLLOWER" -> leaderSinceNanos = NONE;
                    default -> { }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // The process ended (killed, or stopped): nothing more to follow.
        }
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

    /** Closes its standard input (it then closes its member and exits); kills it if it has not exited in time. */
    void stop() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Already gone.
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
    }
}

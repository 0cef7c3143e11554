package dev.raftify.bench.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One cluster member process, started by {@link ClusterBench}:
 * {@code BenchNode <engine> <id> <data-dir> <port1,port2,port3>} ({@link Engine}, lower case).
 *
 * <p>It talks to the driver through standard output, one line per event, stamped with {@link System#nanoTime()}
 * (on Linux the JVM reads CLOCK_MONOTONIC, which every process on the machine shares, so the driver can subtract
 * its own readings): {@code STARTED <nanos>} once the member serves, then {@code LEADER <nanos>} and
 * {@code FOLLOWER <nanos>} whenever it gains or loses leadership. It stops gracefully when its standard input
 * closes.
 */
public final class BenchNode {
    static final int POLL_MILLIS = 5;

    private BenchNode() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: BenchNode <engine> <id> <data-dir> <port1,port2,port3>");
            System.exit(2);
        }
        Engine engine = Engine.parse(args[0]);
        if (!engine.runsInBenchNode()) {
            System.err.println("BenchNode: " + engine.label() + " members are its own processes, which the driver "
                    + "launches; BenchNode runs only the JVM engines");
            System.exit(2);
        }
        int id = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        List<Integer> ports = new ArrayList<>();
        for (String p : args[3].split(",")) {
            ports.add(Integer.parseInt(p));
        }
        Member member = engine.member(id, dir, ports);
        say("STARTED " + System.nanoTime());
        Thread watcher = new Thread(() -> watchRole(member), "bench-role-watcher");
        watcher.setDaemon(true);
        watcher.start();
        waitForEof(System.in);
        member.close();
        System.exit(0);
    }

    /**
     * Reports role changes within {@link #POLL_MILLIS}; the election time after a leader is killed is read from
     * these stamps, so the poll period bounds its error (a few ms against elections of hundreds). Polling
     * faster costs each member a measurable share of a core in wake-ups, which the CPU figures would include.
     */
    private static void watchRole(Member member) {
        boolean leader = false;
        while (true) {
            boolean now = member.isLeader();
            if (now != leader) {
                leader = now;
                say((leader ? "LEADER " : "FOLLOWER ") + System.nanoTime());
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void waitForEof(InputStream in) throws IOException {
        byte[] buf = new byte[64];
        while (in.read(buf) >= 0) {
            // The driver never writes; it only closes the stream to stop us.
        }
    }
}

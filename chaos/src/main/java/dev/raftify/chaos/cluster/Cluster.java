package dev.raftify.chaos.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster of memstore node processes on loopback, in a directory of its own: one slot per member, each with
 * its addresses, data directory and log. Every node runs with {@code -Draftify.faults.enabled=true}, which makes
 * it serve {@code POST /faults/drop/{ids}} and {@code POST /faults/heal}: the partitions are made by the nodes'
 * own transports (see docs/testing.md for why not network namespaces).
 */
public final class Cluster implements AutoCloseable {
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(3);
    private static final Pattern NODE_ID = Pattern.compile("\"nodeId\"\\s*:\\s*\"?(\\d+)");
    private static final Pattern LONG_FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*\"?(\\d+)");

    private final Path dir;
    private final String clusterId;
    private final List<NodeProcess> slots = new ArrayList<>();
    private final StoreClient admin = new StoreClient(ADMIN_TIMEOUT);
    /** The peers each slot's node must not hear from or talk to, while a partition is on. */
    private final Map<Integer, Set<Integer>> cutOff = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> generation = new HashMap<>();
    private final Path configFile;

    /**
     * @param launcher the {@code raftify-memstore} script
     * @param dir an empty directory for data, logs and the engine's settings
     * @param clusterId unique per run, so that a node of another cluster on a recycled port is refused
     */
    public Cluster(Path launcher, Path dir, int size, String clusterId, Map<String, String> engineSettings)
            throws IOException {
        this.dir = dir;
        this.clusterId = clusterId;
        Files.createDirectories(dir);
        StringBuilder props = new StringBuilder();
        engineSettings.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        Path config = dir.resolve("engine.properties");
        Files.writeString(config, props);
        List<String> jvm = List.of("-Draftify.faults.enabled=true", "-Xmx160m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xss512k");
        for (int i = 0; i < size; i++) {
            NodeProcess p = new NodeProcess(i, "127.0.0.1:" + freePort(), "127.0.0.1:" + freePort(),
                    launcher, dir.resolve("slot-" + i + "-gen-0"), dir.resolve("slot-" + i + ".log"), jvm);
            slots.add(p);
            generation.put(i, 0);
        }
        this.configFile = config;
    }

    /**
     * A free port below the kernel's ephemeral range (which starts at 32768 on Linux): outgoing connections draw
     * from that range and could take a stopped node's port before it restarts on it.
     */
    private static int freePort() {
        java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
        IOException last = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + rnd.nextInt(12_000);
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("no free port between 20000 and 32000", last);
    }

    private List<String> common() {
        return List.of("--cluster-id", clusterId, "--config", configFile.toString());
    }

    /** Starts every slot as an initial member (ids 1..n) and waits until they agree on a leader. */
    public void bootstrap(Duration within) throws IOException, InterruptedException {
        StringJoiner peers = new StringJoiner(",");
        for (NodeProcess p : slots) {
            peers.add((p.slot + 1) + "=" + p.raftAddr);
        }
        for (NodeProcess p : slots) {
            List<String> args = new ArrayList<>(List.of("--id", Integer.toString(p.slot + 1), "--peers",
                    peers.toString()));
            args.addAll(common());
            p.nodeId(p.slot + 1);
            p.start(args);
        }
        if (!awaitHealthy(within)) {
            throw new IllegalStateException("the cluster did not elect a leader within " + within + " (logs in "
                    + dir + ")");
        }
    }

    public List<NodeProcess> slots() {
        return slots;
    }

    public NodeProcess slot(int i) {
        return slots.get(i);
    }

    /** Slots whose process runs (paused ones included: a client cannot tell them from slow ones). */
    public List<NodeProcess> running() {
        return slots.stream().filter(NodeProcess::alive).toList();
    }

    // ---------------------------------------------------------------- inspection

    /** The leader's id as most running, unpaused nodes see it; 0 if none. */
    public long leaderId() throws InterruptedException {
        Map<Long, Integer> votes = new HashMap<>();
        for (NodeProcess p : running()) {
            if (p.paused()) {
                continue;
            }
            StoreClient.Response r = admin.tryCall("GET", p.webAddr, "/leader", ADMIN_TIMEOUT);
            if (r != null && r.ok()) {
                votes.merge(Long.parseLong(r.body().trim()), 1, Integer::sum);
            }
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(0L);
    }

    /** The slot whose node leads now, or -1. */
    public int leaderSlot() throws InterruptedException {
        long id = leaderId();
        for (NodeProcess p : slots) {
            if (p.nodeId() == id && p.alive()) {
                return p.slot;
            }
        }
        return -1;
    }

    /** The node's status fields (numbers only) from {@code GET /debug}, or an empty map if it did not answer. */
    public Map<String, Long> status(NodeProcess p) throws InterruptedException {
        StoreClient.Response r = admin.tryCall("GET", p.webAddr, "/debug", ADMIN_TIMEOUT);
        Map<String, Long> out = new HashMap<>();
        if (r == null || !r.ok()) {
            return out;
        }
        // The first occurrence of each name is the node's own field (progress entries come later).
        Matcher m = LONG_FIELD.matcher(r.body());
        while (m.find()) {
            out.putIfAbsent(m.group(1), Long.parseLong(m.group(2)));
        }
        return out;
    }

    /**
     * Whether every running node is unpaused and knows the same leader, which is one of them. (A slot whose
     * node could not rejoin after a removal does not run and is not waited for.)
     */
    public boolean healthy() throws InterruptedException {
        long leader = 0;
        for (NodeProcess p : running()) {
            if (p.paused()) {
                return false;
            }
            StoreClient.Response r = admin.tryCall("GET", p.webAddr, "/leader", ADMIN_TIMEOUT);
            if (r == null || !r.ok()) {
                return false;
            }
            long l = Long.parseLong(r.body().trim());
            if (leader != 0 && l != leader) {
                return false;
            }
            leader = l;
        }
        final long found = leader;
        return running().stream().anyMatch(p -> p.nodeId() == found);
    }

    public boolean awaitHealthy(Duration within) throws InterruptedException {
        return Polling.until(within, Duration.ofMillis(200), () -> {
            try {
                return healthy();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    // ---------------------------------------------------------------- faults

    public void kill(NodeProcess p) throws InterruptedException {
        p.kill();
    }

    /** Starts a killed node again on the same data directory (it needs neither --peers nor --join). */
    public void restart(NodeProcess p) throws IOException, InterruptedException {
        p.start(common());
        reapplyCut(p);
    }

    public void pause(NodeProcess p) throws IOException, InterruptedException {
        p.pause();
    }

    public void resume(NodeProcess p) throws IOException, InterruptedException {
        p.resume();
    }

    /**
     * Cuts links: {@code reachable.test(a, b)} says whether slots a and b can talk. Each node is told which
     * peers to drop; both ends of every cut link drop it, so a node that misses the message (paused) is cut off
     * all the same.
     */
    public void partition(BiPredicate<Integer, Integer> reachable) throws InterruptedException {
        for (NodeProcess a : slots) {
            Set<Integer> cut = new TreeSet<>();
            for (NodeProcess b : slots) {
                if (a != b && !reachable.test(a.slot, b.slot)) {
                    cut.add(b.slot);
                }
            }
            cutOff.put(a.slot, cut);
        }
        for (NodeProcess p : slots) {
            reapplyCut(p);
        }
    }

    public void heal() throws InterruptedException {
        cutOff.clear();
        for (NodeProcess p : slots) {
            if (p.alive() && !p.paused()) {
                admin.tryCall("POST", p.webAddr, "/faults/heal", ADMIN_TIMEOUT);
            }
        }
    }

    private void reapplyCut(NodeProcess p) throws InterruptedException {
        Set<Integer> cut = cutOff.getOrDefault(p.slot, Set.of());
        if (cut.isEmpty() || !p.alive() || p.paused()) {
            return;
        }
        StringJoiner ids = new StringJoiner(",");
        for (int s : cut) {
            ids.add(Long.toString(slots.get(s).nodeId()));
        }
        // A node just started may not serve HTTP yet: retry for a while.
        Polling.until(Duration.ofSeconds(20), Duration.ofMillis(200), () -> {
            try {
                StoreClient.Response r = admin.tryCall("POST", p.webAddr, "/faults/drop/" + ids, ADMIN_TIMEOUT);
                return r != null && r.ok() || !p.alive();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        });
    }

    public StoreClient.Response transferLeader(NodeProcess leader, long targetId) throws InterruptedException {
        return admin.tryCall("POST", leader.webAddr, "/transfer_leader/" + targetId, Duration.ofSeconds(10));
    }

    public StoreClient.Response snapshot(NodeProcess p) throws InterruptedException {
        return admin.tryCall("POST", p.webAddr, "/snapshot", Duration.ofSeconds(15));
    }

    /** What became of a removal: whether the node is out of the cluster (and its process gone), and how. */
    public record Removal(boolean removed, String detail) {}

    /**
     * Removes the slot's node from the cluster ({@code POST /leave}; the node exits by itself). A refusal that
     * may pass (another membership change under way, no leader for the moment) is retried a few times.
     */
    public Removal leave(NodeProcess p) throws InterruptedException {
        String why = "";
        for (int attempt = 1; attempt <= 5; attempt++) {
            StoreClient.Response r = admin.tryCall("POST", p.webAddr, "/leave", Duration.ofSeconds(15));
            if (r != null && r.ok()) {
                if (!p.awaitExit(20)) {
                    p.kill();
                    return new Removal(true, "left; did not exit within 20 s, killed");
                }
                return new Removal(true, "left and exited" + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
            }
            why = r == null ? "no answer" : r.status() + " " + r.body().trim();
            // The outcome may be unknown (a timeout): ask the others whether it is still a member.
            if (!isMember(p.nodeId())) {
                p.kill();
                return new Removal(true, "leave answered " + why + " but the node is no longer a member; killed");
            }
            if (r != null && r.status() != 409 && r.status() != 503) {
                break;
            }
            Thread.sleep(1000); // back off before asking again: the refusal said "not now"
        }
        return new Removal(false, why);
    }

    private boolean isMember(long id) throws InterruptedException {
        for (NodeProcess o : running()) {
            if (o.nodeId() == id || o.paused()) {
                continue;
            }
            StoreClient.Response r = admin.tryCall("GET", o.webAddr, "/peers", ADMIN_TIMEOUT);
            if (r != null && r.ok()) {
                return r.body().contains("\"" + id + "\"");
            }
        }
        return true;
    }

    /**
     * Adds a new node in the slot of a removed one: a fresh data directory, {@code --join} through a running
     * member. Answers the new node's id, or 0 if it could not join.
     */
    public long rejoin(NodeProcess p, int attempts) throws IOException, InterruptedException {
        for (int a = 0; a < attempts; a++) {
            NodeProcess via = running().stream().filter(o -> o != p && !o.paused()).findAny().orElse(null);
            if (via == null) {
                return 0;
            }
            int gen = generation.merge(p.slot, 1, Integer::sum);
            p.dataDir(dir.resolve("slot-" + p.slot + "-gen-" + gen));
            List<String> args = new ArrayList<>(List.of("--join", via.raftAddr));
            args.addAll(common());
            p.start(args);
            boolean up = Polling.until(Duration.ofSeconds(40), Duration.ofMillis(250), () -> {
                try {
                    if (!p.alive()) {
                        return true;
                    }
                    StoreClient.Response r = admin.tryCall("GET", p.webAddr, "/debug", ADMIN_TIMEOUT);
                    return r != null && r.ok();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return true;
                }
            });
            if (up && p.alive()) {
                StoreClient.Response r = admin.tryCall("GET", p.webAddr, "/debug", ADMIN_TIMEOUT);
                Matcher m = NODE_ID.matcher(r == null ? "" : r.body());
                if (m.find()) {
                    p.nodeId(Long.parseLong(m.group(1)));
                    reapplyCut(p);
                    return p.nodeId();
                }
            }
            p.kill();
        }
        return 0;
    }

    public Path dir() {
        return dir;
    }

    /** Kills every process (kill -9: nothing of the run is needed after it). */
    @Override
    public void close() {
        for (NodeProcess p : slots) {
            try {
                p.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

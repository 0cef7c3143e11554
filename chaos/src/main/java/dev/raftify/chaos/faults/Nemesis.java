package dev.raftify.chaos.faults;

import dev.raftify.chaos.cluster.Cluster;
import dev.raftify.chaos.cluster.NodeProcess;
import dev.raftify.chaos.cluster.StoreClient;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Runs a {@link FaultPlan} against a cluster on its own thread: for each step, waits the quiet gap, injects the
 * step's faults, holds them, and undoes them in reverse order. Every action goes to the {@link FaultLog}.
 * Each step leaves the cluster whole again (healed, resumed, restarted) before the next one starts, so when the
 * plan is done nothing is left injected.
 */
public final class Nemesis {
    /** Undoes one injected fault. */
    private interface Recovery {
        void run() throws IOException, InterruptedException;
    }

    private final Cluster cluster;
    private final FaultPlan plan;
    private final FaultLog log;
    private final Random rnd;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;

    public Nemesis(Cluster cluster, FaultPlan plan, FaultLog log) {
        this.cluster = cluster;
        this.plan = plan;
        this.log = log;
        this.rnd = plan.targetRandom();
        this.thread = new Thread(this::runPlan, "nemesis");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Waits for the plan to finish.
     *
     * @throws IllegalStateException if it did not finish in time, or an injection or recovery failed
     */
    public void awaitDone(long millis) throws InterruptedException {
        thread.join(millis);
        if (thread.isAlive()) {
            abort();
            throw new IllegalStateException("the fault plan did not finish within " + millis + " ms");
        }
        if (failure != null) {
            throw new IllegalStateException("the nemesis failed: " + failure, failure);
        }
    }

    /** Stops after the current step, whose faults are undone (used when the run fails for another reason). */
    public void abort() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join(120_000);
    }

    private void runPlan() {
        int n = 0;
        for (FaultPlan.Step step : plan.steps()) {
            n++;
            if (stopping) {
                return;
            }
            try {
                Thread.sleep(step.gapBefore().toMillis()); // fault-injection delay from the seeded plan
            } catch (InterruptedException e) {
                return;
            }
            Deque<Recovery> undo = new ArrayDeque<>();
            try {
                log.note("step " + n + ": " + step.kinds());
                for (FaultKind k : step.kinds()) {
                    Recovery r = inject(k);
                    if (r != null) {
                        log.injected(k);
                        undo.push(r);
                    }
                }
                try {
                    Thread.sleep(step.hold().toMillis()); // fault-injection duration from the seeded plan
                } catch (InterruptedException e) {
                    // finish() asked us to stop: undo this step's faults now.
                }
            } catch (Throwable t) {
                failure = t;
                log.note("nemesis error: " + t);
            } finally {
                undoAll(undo);
            }
        }
        log.note("fault plan done");
    }

    private void undoAll(Deque<Recovery> undo) {
        boolean interrupted = Thread.interrupted();
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
                log.note("recovery error: " + t);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private Recovery inject(FaultKind kind) throws IOException, InterruptedException {
        switch (kind) {
            case KILL_LEADER: {
                NodeProcess p = leaderOrRandom(true);
                return p == null ? skipped(kind) : kill(p, "leader");
            }
            case KILL_RANDOM: {
                NodeProcess p = randomRunning(null);
                return p == null ? skipped(kind) : kill(p, "random member");
            }
            case PAUSE: {
                NodeProcess p = leaderOrRandom(rnd.nextBoolean());
                if (p == null) {
                    return skipped(kind);
                }
                cluster.pause(p);
                log.note("SIGSTOP slot " + p.slot + " (node " + p.nodeId() + ", pid " + p.pid() + ")");
                return () -> {
                    cluster.resume(p);
                    log.note("SIGCONT slot " + p.slot);
                };
            }
            case PARTITION_ISOLATE: {
                NodeProcess p = leaderOrRandom(rnd.nextBoolean());
                if (p == null) {
                    return skipped(kind);
                }
                int t = p.slot;
                cluster.partition((a, b) -> a != t && b != t);
                log.note("partition: slot " + t + " (node " + p.nodeId() + ") isolated");
                return heal();
            }
            case PARTITION_SPLIT: {
                List<Integer> order = shuffledSlots();
                int minority = (order.size() - 1) / 2;
                Set<Integer> small = new HashSet<>(order.subList(0, minority));
                cluster.partition((a, b) -> small.contains(a) == small.contains(b));
                log.note("partition: minority slots " + small + " | majority slots "
                        + order.subList(minority, order.size()));
                return heal();
            }
            case PARTITION_BRIDGE: {
                List<Integer> order = shuffledSlots();
                int bridge = order.get(0);
                int half = (order.size() - 1) / 2;
                Set<Integer> left = new HashSet<>(order.subList(1, 1 + half));
                cluster.partition((a, b) -> a == bridge || b == bridge || left.contains(a) == left.contains(b));
                log.note("partition: slots " + left + " | slots " + order.subList(1 + half, order.size())
                        + ", bridged by slot " + bridge);
                return heal();
            }
            case MEMBERSHIP: {
                NodeProcess p = randomRunning(null);
                if (p == null) {
                    return skipped(kind);
                }
                long old = p.nodeId();
                Cluster.Removal removal = cluster.leave(p);
                if (!removal.removed()) {
                    log.note("membership: removing node " + old + " (slot " + p.slot + ") failed: "
                            + removal.detail() + "; left as is");
                    return null;
                }
                log.note("membership: node " + old + " (slot " + p.slot + ") removed: " + removal.detail());
                return () -> {
                    long id = cluster.rejoin(p, 3);
                    log.note(id == 0 ? "membership: slot " + p.slot + " could not join again"
                            : "membership: slot " + p.slot + " joined again as new node " + id);
                };
            }
            case TRANSFER_LEADER: {
                int l = cluster.leaderSlot();
                NodeProcess target = randomRunning(l < 0 ? null : cluster.slot(l));
                if (l < 0 || target == null) {
                    return skipped(kind);
                }
                StoreClient.Response r = cluster.transferLeader(cluster.slot(l), target.nodeId());
                log.note("transfer leader from node " + cluster.slot(l).nodeId() + " to node " + target.nodeId()
                        + ": " + (r == null ? "no answer" : r.status() + " " + r.body().trim()));
                return () -> { };
            }
            case SNAPSHOT_CATCHUP: {
                int l = cluster.leaderSlot();
                NodeProcess p = randomRunning(l < 0 ? null : cluster.slot(l));
                if (p == null) {
                    return skipped(kind);
                }
                cluster.kill(p);
                log.note("kill -9 slot " + p.slot + " (node " + p.nodeId() + ", follower) for snapshot catch-up");
                return () -> {
                    List<String> taken = new ArrayList<>();
                    for (NodeProcess o : cluster.running()) {
                        if (!o.paused()) {
                            StoreClient.Response r = cluster.snapshot(o);
                            taken.add("node " + o.nodeId() + ": " + (r == null ? "no answer" : r.body().trim()));
                        }
                    }
                    log.note("forced snapshots (log compacted) " + taken);
                    cluster.restart(p);
                    log.note("restarted slot " + p.slot + " (node " + p.nodeId() + "): it must install a snapshot");
                };
            }
            default:
                throw new IllegalArgumentException(kind.name());
        }
    }

    private Recovery kill(NodeProcess p, String what) throws InterruptedException {
        cluster.kill(p);
        log.note("kill -9 slot " + p.slot + " (node " + p.nodeId() + ", " + what + ")");
        return () -> {
            cluster.restart(p);
            log.note("restarted slot " + p.slot + " (node " + p.nodeId() + ") on its data directory");
        };
    }

    private Recovery heal() {
        return () -> {
            cluster.heal();
            log.note("partition healed");
        };
    }

    private Recovery skipped(FaultKind kind) {
        log.note(kind + " skipped: no suitable target");
        return null;
    }

    private NodeProcess leaderOrRandom(boolean leader) throws InterruptedException {
        if (leader) {
            int l = cluster.leaderSlot();
            if (l >= 0 && !cluster.slot(l).paused()) {
                return cluster.slot(l);
            }
        }
        return randomRunning(null);
    }

    /** A random running, unpaused node other than {@code except}, or null. */
    private NodeProcess randomRunning(NodeProcess except) {
        List<NodeProcess> c = new ArrayList<>();
        for (NodeProcess p : cluster.running()) {
            if (p != except && !p.paused()) {
                c.add(p);
            }
        }
        return c.isEmpty() ? null : c.get(rnd.nextInt(c.size()));
    }

    private List<Integer> shuffledSlots() {
        List<Integer> order = new ArrayList<>();
        for (NodeProcess p : cluster.slots()) {
            order.add(p.slot);
        }
        Collections.shuffle(order, rnd);
        return order;
    }
}

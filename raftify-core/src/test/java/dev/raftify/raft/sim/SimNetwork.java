package dev.raftify.raft.sim;

import dev.raftify.proto.eraftpb.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;

/**
 * The simulated network: a pool of messages in flight, each with a delivery time. It loses, duplicates, delays
 * (and so reorders) messages and partitions the nodes, all decided by the simulation's one {@link Random}.
 * Ties in delivery time are broken by send order, so delivery is a pure function of the seed.
 */
final class SimNetwork {

    /**
     * A message on its way. {@code senderIncarnation} lets a snapshot's fate be reported to the RawNode that sent
     * it; a {@code lost} message is never delivered, but its loss is noticed at {@code deliverAt} (a transport
     * learns of a failed send, and the leader of a failed snapshot).
     */
    record InFlight(long deliverAt, long seq, Message msg, int senderIncarnation, boolean lost) {}

    private final Random random;
    private final SimOptions opts;
    private final SimStats stats;
    private final PriorityQueue<InFlight> pool = new PriorityQueue<>(
            (a, b) -> a.deliverAt != b.deliverAt ? Long.compare(a.deliverAt, b.deliverAt) : Long.compare(a.seq, b.seq));
    private long seq;
    /** Node id to partition group; nodes in different groups cannot talk. Absent nodes are in group 0. */
    private final TreeMap<Long, Integer> group = new TreeMap<>();
    /** While faults are suspended (liveness checks) nothing is lost or duplicated and delays stay short. */
    private boolean reliable;

    SimNetwork(Random random, SimOptions opts, SimStats stats) {
        this.random = random;
        this.opts = opts;
        this.stats = stats;
    }

    void setReliable(boolean reliable) {
        this.reliable = reliable;
    }

    /** Sends {@code m} at time {@code now}: it may be lost, duplicated or delayed. */
    void send(long now, Message m, int senderIncarnation) {
        stats.messagesSent++;
        if (!reliable && random.nextDouble() < opts.dropRate) {
            stats.faultDrops++;
            pool.add(new InFlight(now + 1, seq++, m, senderIncarnation, true));
            return;
        }
        pool.add(new InFlight(now + latency(), seq++, m, senderIncarnation, false));
        if (!reliable && random.nextDouble() < opts.duplicateRate) {
            stats.faultDuplicates++;
            pool.add(new InFlight(now + latency(), seq++, m, senderIncarnation, false));
        }
    }

    private long latency() {
        if (!reliable && random.nextDouble() < opts.delayRate) {
            stats.faultDelays++;
            return 1 + opts.minLatency + random.nextInt(opts.maxDelay);
        }
        return opts.minLatency + random.nextInt(opts.latencySpread + 1);
    }

    /** Removes and returns the messages due at {@code now}, in delivery order. */
    List<InFlight> due(long now) {
        List<InFlight> out = new ArrayList<>();
        while (!pool.isEmpty() && pool.peek().deliverAt <= now) {
            out.add(pool.poll());
        }
        return out;
    }

    /** Whether the current partitions let {@code from} reach {@code to}. */
    boolean connected(long from, long to) {
        return group.getOrDefault(from, 0).equals(group.getOrDefault(to, 0));
    }

    boolean partitioned() {
        return !group.isEmpty();
    }

    /** Splits {@code ids} into two random non-empty sides (if there are two or more). */
    void randomSplit(List<Long> ids) {
        group.clear();
        if (ids.size() < 2) {
            return;
        }
        int side1 = 0;
        for (long id : ids) {
            int g = random.nextInt(2);
            side1 += g;
            if (g == 1) {
                group.put(id, 1);
            }
        }
        if (side1 == 0 || side1 == ids.size()) {
            // Everyone landed on one side: cut the first node off instead.
            group.clear();
            group.put(ids.get(0), 1);
        }
    }

    /** Cuts {@code id} off from everyone else. */
    void isolate(long id) {
        group.clear();
        group.put(id, 1);
    }

    /** The nodes cut off from group 0, for traces. */
    String describePartition() {
        return "cut off: " + group.keySet();
    }

    /** Ends every partition. */
    void heal() {
        group.clear();
    }
}

package dev.raftify.chaos;

import dev.raftify.chaos.cluster.Cluster;
import dev.raftify.chaos.cluster.NodeProcess;
import dev.raftify.chaos.cluster.StoreClient;
import dev.raftify.chaos.history.History;
import dev.raftify.chaos.history.Op;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * Concurrent clients issuing writes, linearizable reads and compare-and-sets on a few keys, each through a random
 * running node, recording every operation in the {@link History}.
 *
 * <p>Keys: a small set is active at a time; a key retires after a fixed number of operations and a fresh one
 * takes its place (as Jepsen's independent keys do), which keeps every key's history short enough to check
 * exhaustively however long the run. Values are unique ({@code c<client>-<n>}), which is what lets the checker
 * prune unobserved writes.
 *
 * <p>Outcomes: an answer is OK; a read that failed is FAIL (reads change nothing); a write or compare-and-set is
 * FAIL only when the node says the engine refused it before logging it (503 with reason NO_LEADER,
 * LEADER_TRANSFER_IN_PROGRESS, OVERLOADED, NOT_A_MEMBER or OVERWRITTEN: documented as never applied), or 400;
 * everything else (timeouts, 504, lost connections, other errors) is UNKNOWN.
 */
final class Workload {
    private static final Pattern NEVER_APPLIED = Pattern.compile(
            "\"error\"\\s*:\\s*\"(NO_LEADER|LEADER_TRANSFER_IN_PROGRESS|OVERLOADED|NOT_A_MEMBER|OVERWRITTEN):");

    private final Cluster cluster;
    private final History history;
    private final StoreClient client;
    private final int clients;
    private final long seed;
    private final int opsPerKey;
    private final long[] activeKeys;
    private final int[] opsOnKey;
    private long nextKey;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    Workload(Cluster cluster, History history, StoreClient client, int clients, int activeKeys, int opsPerKey,
            long seed) {
        this.cluster = cluster;
        this.history = history;
        this.client = client;
        this.clients = clients;
        this.seed = seed;
        this.opsPerKey = opsPerKey;
        this.activeKeys = new long[activeKeys];
        this.opsOnKey = new int[activeKeys];
        for (int i = 0; i < activeKeys; i++) {
            this.activeKeys[i] = nextKey++;
        }
    }

    void start() {
        for (int c = 0; c < clients; c++) {
            int id = c;
            Thread t = new Thread(() -> runClient(id), "client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Stops issuing operations and waits for those in flight (each bounded by the client's timeout). */
    void stop() throws InterruptedException {
        stopping = true;
        for (Thread t : threads) {
            t.join(60_000);
        }
    }

    /** Every key the workload used. */
    synchronized List<Long> keysUsed() {
        List<Long> keys = new ArrayList<>();
        for (long k = 0; k < nextKey; k++) {
            keys.add(k);
        }
        return keys;
    }

    /** A key for the next operation: a random active one, retired once it has had its share of operations. */
    private synchronized long pickKey(Random rnd) {
        int i = rnd.nextInt(activeKeys.length);
        if (++opsOnKey[i] > opsPerKey) {
            activeKeys[i] = nextKey++;
            opsOnKey[i] = 1;
        }
        return activeKeys[i];
    }

    private void runClient(int id) {
        Random rnd = new Random(seed * 1_000_003L + id);
        // The last value this client saw per key: compare-and-set expects it (a likely hit, sometimes stale).
        Map<Long, String> seen = new HashMap<>();
        int n = 0;
        while (!stopping) {
            List<NodeProcess> nodes = cluster.running();
            if (nodes.isEmpty()) {
                try {
                    Thread.sleep(50); // back off while every node is down (a fault); the nemesis restarts them
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            NodeProcess node = nodes.get(rnd.nextInt(nodes.size()));
            long key = pickKey(rnd);
            int dice = rnd.nextInt(100);
            try {
                if (dice < 40) {
                    read(id, node, key, seen);
                } else if (dice < 75) {
                    write(id, node, key, "c" + id + "-" + (++n), seen);
                } else {
                    String expected = seen.getOrDefault(key, "c" + id + "-none");
                    cas(id, node, key, expected, "c" + id + "-" + (++n), seen);
                }
                // A short think time: keeps a 2-core machine responsive enough for heartbeats.
                Thread.sleep(2 + rnd.nextInt(8));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void read(int client, NodeProcess node, long key, Map<Long, String> seen) throws InterruptedException {
        int opId = history.nextId();
        long t0 = System.nanoTime();
        StoreClient.Response r = send("GET", node, "/store/" + key);
        long t1 = System.nanoTime();
        if (r != null && (r.status() == 200 || r.status() == 404)) {
            String v = r.status() == 200 ? r.body() : null;
            history.add(Op.read(opId, client, nodeNo(node), key, Op.Outcome.OK, v, t0, t1));
            if (v != null) {
                seen.put(key, v);
            }
        } else {
            history.add(Op.read(opId, client, nodeNo(node), key, Op.Outcome.FAIL, null, t0, t1));
        }
    }

    private void write(int client, NodeProcess node, long key, String value, Map<Long, String> seen)
            throws InterruptedException {
        int opId = history.nextId();
        long t0 = System.nanoTime();
        StoreClient.Response r = send("PUT", node, "/store/" + key + "/" + value);
        long t1 = System.nanoTime();
        Op.Outcome o = r != null && r.status() == 200 ? Op.Outcome.OK : failOrUnknown(r);
        history.add(Op.write(opId, client, nodeNo(node), key, value, o, t0, o == Op.Outcome.UNKNOWN
                ? Long.MAX_VALUE : t1));
        if (o == Op.Outcome.OK) {
            seen.put(key, value);
        }
    }

    private void cas(int client, NodeProcess node, long key, String expected, String value, Map<Long, String> seen)
            throws InterruptedException {
        int opId = history.nextId();
        long t0 = System.nanoTime();
        StoreClient.Response r = send("POST", node, "/cas/" + key + "/" + expected + "/" + value);
        long t1 = System.nanoTime();
        Op op;
        if (r != null && r.status() == 200) {
            op = Op.cas(opId, client, nodeNo(node), key, expected, value, Op.Outcome.OK, true, null, t0, t1);
            seen.put(key, value);
        } else if (r != null && (r.status() == 409 || r.status() == 404)) {
            String current = r.status() == 409 ? r.body() : null;
            op = Op.cas(opId, client, nodeNo(node), key, expected, value, Op.Outcome.OK, false, current, t0, t1);
            if (current != null) {
                seen.put(key, current);
            }
        } else {
            Op.Outcome o = failOrUnknown(r);
            op = Op.cas(opId, client, nodeNo(node), key, expected, value, o, false, null, t0,
                    o == Op.Outcome.UNKNOWN ? Long.MAX_VALUE : t1);
        }
        history.add(op);
    }

    private static Op.Outcome failOrUnknown(StoreClient.Response r) {
        if (r != null && (r.status() == 400 || (r.status() == 503 && NEVER_APPLIED.matcher(r.body()).find()))) {
            return Op.Outcome.FAIL;
        }
        return Op.Outcome.UNKNOWN;
    }

    private StoreClient.Response send(String method, NodeProcess node, String path) throws InterruptedException {
        try {
            return client.call(method, node.webAddr, path);
        } catch (IOException e) {
            return null;
        }
    }

    private static int nodeNo(NodeProcess node) {
        return (int) node.nodeId();
    }
}

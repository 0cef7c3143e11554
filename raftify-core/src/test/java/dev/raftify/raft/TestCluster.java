package dev.raftify.raft;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.WriteBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A deterministic in-memory cluster of {@link RawNode}s for tests: one thread, one seed, a FIFO network that
 * can drop links or isolate nodes, and a caller that persists, sends and applies every Ready exactly as the
 * {@link Ready} contract says.
 */
final class TestCluster {

    /** One member: its storage survives a crash, its RawNode does not. */
    static final class Node {
        final long id;
        final MemStorage storage;
        RawNode raw;
        /** Applied normal entries' data, by index (what a state machine would hold). */
        final TreeMap<Long, ByteString> applied = new TreeMap<>();
        long appliedIndex;
        final List<ReadState> readStates = new ArrayList<>();
        boolean down;

        Node(long id, MemStorage storage) {
            this.id = id;
            this.storage = storage;
        }

        Raft raft() {
            return raw.raft();
        }
    }

    final Map<Long, Node> nodes = new TreeMap<>();
    final ArrayDeque<Message> network = new ArrayDeque<>();
    private final Set<Long> isolated = new HashSet<>();
    private final Set<Long> droppedLinks = new HashSet<>();
    private Predicate<Message> dropFilter = m -> false;
    private final BiConsumer<Long, RaftConfig.Builder> configurer;
    final Random random;
    /** Every message delivered, for tests that inspect traffic. */
    final List<Message> delivered = new ArrayList<>();

    TestCluster(long seed, long... ids) {
        this(seed, b -> {}, ids);
    }

    TestCluster(long seed, Consumer<RaftConfig.Builder> configurer, long... ids) {
        this(seed, (id, b) -> configurer.accept(b), ids);
    }

    /** A cluster whose nodes may be configured differently: {@code configurer} gets each node's id. */
    TestCluster(long seed, BiConsumer<Long, RaftConfig.Builder> configurer, long... ids) {
        this.random = new Random(seed);
        this.configurer = configurer;
        for (long id : ids) {
            MemStorage s = MemStorage.withVoters(ids);
            Node n = new Node(id, s);
            n.raw = newRawNode(id, s, 0);
            nodes.put(id, n);
        }
    }

    /** Adds a node with empty storage (to be added by a membership change). */
    Node addEmptyNode(long id) {
        Node n = new Node(id, new MemStorage());
        n.raw = newRawNode(id, n.storage, 0);
        nodes.put(id, n);
        return n;
    }

    /** Adds a node whose storage already knows {@code voters} and {@code learners} (for learner tests). */
    Node addNode(long id, ConfState cs) {
        MemStorage s = new MemStorage();
        s.setConfState(cs);
        Node n = new Node(id, s);
        n.raw = newRawNode(id, s, 0);
        nodes.put(id, n);
        return n;
    }

    private RawNode newRawNode(long id, MemStorage s, long applied) {
        RaftConfig.Builder b = RaftConfig.builder(id).electionTick(10).heartbeatTick(1).applied(applied);
        configurer.accept(id, b);
        return new RawNode(b.build(), s, new Random(random.nextLong()));
    }

    Node node(long id) {
        return nodes.get(id);
    }

    Raft raft(long id) {
        return nodes.get(id).raft();
    }

    /** The current leader, if exactly one live node believes it leads in the highest term; else 0. */
    long leader() {
        long best = 0;
        long bestTerm = -1;
        for (Node n : nodes.values()) {
            if (!n.down && n.raft().state == StateRole.LEADER && n.raft().term > bestTerm) {
                best = n.id;
                bestTerm = n.raft().term;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- faults

    void isolate(long id) {
        isolated.add(id);
    }

    void cut(long a, long b) {
        droppedLinks.add(link(a, b));
        droppedLinks.add(link(b, a));
    }

    void dropIf(Predicate<Message> filter) {
        dropFilter = filter;
    }

    void heal() {
        isolated.clear();
        droppedLinks.clear();
        dropFilter = m -> false;
    }

    private static long link(long from, long to) {
        return from * 1_000_003L + to;
    }

    private boolean dropped(Message m) {
        return isolated.contains(m.getFrom()) || isolated.contains(m.getTo())
                || droppedLinks.contains(link(m.getFrom(), m.getTo())) || dropFilter.test(m);
    }

    /** Loses everything not persisted: the RawNode restarts from its storage. */
    void crash(long id) {
        Node n = nodes.get(id);
        n.down = true;
    }

    void restart(long id) {
        Node n = nodes.get(id);
        n.down = false;
        // The state machine is volatile: what the snapshot covers stays, the rest is replayed from the log.
        long snapIndex = n.storage.latestSnapshot().getMetadata().getIndex();
        n.applied.tailMap(snapIndex, false).clear();
        n.appliedIndex = snapIndex;
        n.raw = newRawNode(id, n.storage, snapIndex);
    }

    // ---------------------------------------------------------------- driving

    void tick(long id) {
        nodes.get(id).raw.tick();
    }

    void tickAll() {
        for (Node n : nodes.values()) {
            if (!n.down) {
                n.raw.tick();
            }
        }
    }

    void campaign(long id) {
        nodes.get(id).raw.campaign();
        stabilize();
    }

    void propose(long id, String data) {
        nodes.get(id).raw.propose(ByteString.EMPTY, ByteString.copyFromUtf8(data));
        stabilize();
    }

    /** Processes every Ready and delivers every message until nothing moves. */
    void stabilize() {
        for (int rounds = 0; rounds < 100_000; rounds++) {
            boolean moved = processReadies();
            if (!network.isEmpty()) {
                deliver(network.pollFirst());
                moved = true;
            }
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("cluster did not stabilize");
    }

    /** Delivers one message, swallowing refusals a real transport would log. */
    void deliver(Message m) {
        Node n = nodes.get(m.getTo());
        if (n == null || n.down || dropped(m)) {
            return;
        }
        delivered.add(m);
        try {
            n.raw.step(m);
        } catch (ProposalDroppedException | IllegalArgumentException e) {
            // A forwarded proposal the leader refused, or a message from a removed node: dropped.
        }
    }

    /** Processes every Ready (persisting and applying) but delivers nothing: returns and removes what was sent. */
    List<Message> drainNetwork() {
        while (processReadies()) {
            // keep going: handling one Ready may produce another
        }
        List<Message> out = new ArrayList<>(network);
        network.clear();
        return out;
    }

    /** Delivers the given messages in order (each subject to the fault filters). */
    void deliverAll(List<Message> ms) {
        for (Message m : ms) {
            deliver(m);
        }
    }

    /** Ticks the given live nodes and stabilizes until one of them leads; returns it. */
    long tickUntilLeaderAmong(long... ids) {
        for (int i = 0; i < 1000; i++) {
            for (long id : ids) {
                if (nodes.get(id).raft().state == StateRole.LEADER) {
                    return id;
                }
            }
            for (long id : ids) {
                if (!nodes.get(id).down) {
                    tick(id);
                }
            }
            stabilize();
        }
        throw new AssertionError("no leader among the given nodes");
    }

    /** Delivered messages of one type, in delivery order. */
    List<Message> delivered(dev.raftify.proto.eraftpb.MessageType t) {
        List<Message> out = new ArrayList<>();
        for (Message m : delivered) {
            if (m.getMsgType() == t) {
                out.add(m);
            }
        }
        return out;
    }

    boolean processReadies() {
        boolean any = false;
        for (Node n : nodes.values()) {
            if (!n.down && n.raw.hasReady()) {
                handleReady(n);
                any = true;
            }
        }
        return any;
    }

    void handleReady(Node n) {
        Ready rd = n.raw.ready();
        network.addAll(rd.messages());
        n.storage.write(new WriteBatch(rd.snapshot(), rd.entries(), rd.hardState(), null));
        network.addAll(rd.persistedMessages());
        if (rd.snapshot() != null) {
            long idx = rd.snapshot().getMetadata().getIndex();
            n.applied.clear();
            n.appliedIndex = idx;
        }
        for (Entry e : rd.committedEntries()) {
            if (e.getEntryType() == EntryType.EntryNormal) {
                if (!e.getData().isEmpty()) {
                    n.applied.put(e.getIndex(), e.getData());
                }
            } else {
                ConfChangeV2 cc = ConfChangeCodec.decode(e);
                ConfState cs = n.raw.applyConfChange(cc);
                n.storage.setConfState(cs);
            }
            n.appliedIndex = e.getIndex();
        }
        n.readStates.addAll(rd.readStates());
        n.raw.advance(rd);
    }
}

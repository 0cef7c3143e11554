package dev.raftify.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftify.Config;
import dev.raftify.JoinTicket;
import dev.raftify.LeaderTransferException;
import dev.raftify.NodeClosedException;
import dev.raftify.NotLeaderException;
import dev.raftify.ProposalDroppedException;
import dev.raftify.StateMachine;
import dev.raftify.metrics.PauseDetector;
import dev.raftify.metrics.RaftMetrics;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.proto.service.ConfChangeContext;
import dev.raftify.proto.service.InternalCommand;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.Peer;
import dev.raftify.proto.service.PeerProgress;
import dev.raftify.proto.service.ProgressState;
import dev.raftify.proto.service.ReserveId;
import dev.raftify.proto.service.Role;
import dev.raftify.raft.ConfChangeCodec;
import dev.raftify.raft.RawNode;
import dev.raftify.raft.ReadState;
import dev.raftify.raft.Ready;
import dev.raftify.raft.SnapshotStatus;
import dev.raftify.raft.StateRole;
import dev.raftify.raft.Status;
import dev.raftify.storage.MutableStorage;
import dev.raftify.storage.RaftState;
import dev.raftify.storage.SnapshotFormat;
import dev.raftify.storage.SnapshotOutOfDateException;
import dev.raftify.storage.SnapshotReader;
import dev.raftify.storage.SnapshotWriter;
import dev.raftify.storage.WriteBatch;
import dev.raftify.transport.RaftTransport;
import dev.raftify.transport.TransportEvents;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node runtime: one Raft thread owns the {@link RawNode} and the storage writes; an apply thread feeds the
 * state machine. Every public method may be called from any thread: it posts a task to the Raft thread's mailbox
 * and returns a future that always completes, with a result or a typed exception, within its timeout.
 *
 * <p>The loop: drain the mailbox (proposals, messages, requests), tick when a tick is due, then for each Ready:
 * send the leader's messages, persist in one storage transaction, send the rest, hand committed entries to the
 * apply thread, and advance. Everything that arrives while the Raft thread persists lands in the next Ready:
 * group commit.
 */
public final class NodeRuntime implements TransportEvents, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);

    /** Thrown inside the runtime's threads once the node stops. */
    static final class NodeStoppedException extends RuntimeException {
        NodeStoppedException() {
            super("node stopped", null, false, false);
        }
    }

    /** The outcome of applying a membership change entry on the Raft thread. */
    record ConfChangeOutcome(ConfState confState, PeerBook peers, RuntimeException error) {}

    private final long id;
    private final String address;
    private final Config config;
    private final MutableStorage storage;
    private final RaftTransport transport;
    private final Executor callbacks;
    private final RaftMetrics metrics;
    private final PauseDetector pauseDetector;
    private final long startedNanos = System.nanoTime();

    private final BlockingQueue<Runnable> mailbox = new LinkedBlockingQueue<>();
    private final PendingRequests pending;
    private final ApplyLoop applyLoop;
    private final Thread raftThread;
    private final Thread applyThread;
    private final RawNode raw;

    // Owned by the Raft thread.
    /** Written on the Raft thread only; volatile so the transport can check senders against it. */
    private volatile PeerBook peers;
    /** Never 0, so an entry without a session (written before sessions existed) never matches. */
    private final long session = newSession();
    private final Map<ByteString, CompletableFuture<Long>> readsAwaitingIndex = new HashMap<>();
    /** Snapshots received from the leader and stepped into the core, by their sealed data, until installed. */
    private final Map<ByteString, SnapshotWriter> receivedSnapshots = new HashMap<>();
    private final TreeMap<Long, List<CompletableFuture<Long>>> readsAwaitingApply = new TreeMap<>();
    private final List<TransferWait> transfers = new ArrayList<>();
    private final Map<Long, Long> lastContactNanos = new HashMap<>();
    private final Map<Long, Long> heartbeatSentNanos = new HashMap<>();
    private final Map<Long, Long> rttMicros = new HashMap<>();
    private final AtomicLong readSeq = new AtomicLong();
    private long lastSnapshotIndex;
    /** The hard state last written to the store (Raft thread only). */
    private HardState durableHardState;
    /**
     * A newer hard state whose only change is the commit index, not written yet: the commit index is volatile
     * state in Raft (a restarted node learns it again from the leader), so a Ready that changes nothing else costs
     * no disk write; the next write that must be durable carries it along (Raft thread only).
     */
    private HardState deferredHardState;
    private long lastSnapshotNanos = System.nanoTime();
    private boolean snapshotInFlight;
    private long lastLeader;
    private long lastTerm;
    private StateRole lastRole = StateRole.FOLLOWER;

    // Published by the Raft thread for readers on other threads.
    private volatile long appliedIndex;
    private volatile NodeStatus lastStatus;
    private volatile boolean running;
    /** Set once the node stops taking requests; anything posted after that fails at once. */
    private volatile boolean closed;
    private volatile String stopReason;

    private record TransferWait(long target, long deadlineNanos, CompletableFuture<Long> future) {}

    /**
     * Opens the node on {@code storage}: restores the state machine from the stored snapshot and prepares to
     * replay committed entries after it.
     *
     * @param bootstrapPeers for a brand-new store: the initial members and their addresses (all voters);
     *     empty for a node that will join a running cluster, and ignored for a store that already has members
     * @param joinPeers for a brand-new store joining a running cluster: the members' addresses from the join
     *     ticket (the membership itself arrives through the log)
     */
    public NodeRuntime(long id, String address, Config config, MutableStorage storage, StateMachine stateMachine,
            RaftTransport transport, Map<Long, String> bootstrapPeers, Map<Long, String> joinPeers, Random random,
            RaftMetrics metrics, Executor callbacks) throws IOException {
        this.id = id;
        this.address = address;
        this.config = config;
        this.storage = storage;
        this.transport = transport;
        this.callbacks = callbacks;
        this.metrics = metrics;
        this.pending = new PendingRequests(callbacks, metrics);
        this.pauseDetector = new PauseDetector(id, config.electionTimeout().toMillis(), metrics);

        RaftState state = storage.initialState();
        boolean fresh = !state.isInitialized() && storage.lastIndex() == 0;
        if (fresh && !bootstrapPeers.isEmpty()) {
            if (!bootstrapPeers.containsKey(id)) {
                throw new IllegalArgumentException(
                        "the initial members " + bootstrapPeers.keySet() + " do not include this node (" + id + ")");
            }
            storage.write(bootstrapBatch(bootstrapPeers));
            state = storage.initialState();
        } else if (fresh && !joinPeers.isEmpty()) {
            Map<Long, String> book = new TreeMap<>(joinPeers);
            book.put(id, address);
            storage.write(new WriteBatch(null, List.of(), null, null, book));
        }
        Map<Long, String> stored = new TreeMap<>(storage.peers());
        if (!stored.containsKey(id)) {
            stored.put(id, address);
        }
        this.peers = PeerBook.fromStored(stored);

        Snapshot snap = storage.snapshot(0, id);
        long snapIndex = snap.getMetadata().getIndex();
        ConfState confState = state.confState();
        if (snapIndex > 0) {
            // Streamed from the store: a snapshot larger than the heap restores as well as a small one.
            try (SnapshotReader reader = storage.openSnapshot(snap)) {
                InputStream in = reader.stream();
                SnapshotFormat.readHeader(in, reader.size(), false);
                ApplyLoop.restoreStateMachine(stateMachine, in);
            }
            lastSnapshotIndex = snapIndex;
        }
        this.appliedIndex = snapIndex;
        this.durableHardState = state.hardState();
        // Called on the Raft thread (from inside the core), so the snapshot request is made directly.
        this.raw = new RawNode(config.raftConfig(id, snapIndex), new SnapshotSource(storage, () -> requestSnapshot(null)),
                random);
        this.applyLoop = new ApplyLoop(this, stateMachine, pending, snapIndex, confState, peers);
        this.raftThread = new Thread(this::runLoop, "raftify-node-" + id);
        this.applyThread = new Thread(applyLoop, "raftify-apply-" + id);
        this.raftThread.setDaemon(true);
        this.applyThread.setDaemon(true);
        transport.updatePeers(peers.asMap());
        this.lastStatus = buildStatus();
        log.info("node {}: opened at {} (term {}, commit {}, applied {}, last index {}, members {})", id, address,
                state.hardState().getTerm(), state.hardState().getCommit(), snapIndex, storage.lastIndex(),
                confState.getVotersList());
    }

    /**
     * The initial members as the first entries of the log, one membership change each, committed: every initial
     * member writes the same entries, and a node that joins later replays them to learn the whole membership and
     * every address from the log alone.
     */
    static WriteBatch bootstrapBatch(Map<Long, String> members) {
        List<Entry> entries = new ArrayList<>();
        ConfState.Builder cs = ConfState.newBuilder();
        long index = 0;
        for (Map.Entry<Long, String> m : new TreeMap<>(members).entrySet()) {
            ConfChangeV2 add = ConfChangeV2.newBuilder()
                    .addChanges(dev.raftify.proto.eraftpb.ConfChangeSingle.newBuilder()
                            .setChangeType(ConfChangeType.AddNode).setNodeId(m.getKey()))
                    .setContext(ConfChangeContext.newBuilder()
                            .addAddresses(Peer.newBuilder().setNodeId(m.getKey()).setAddress(m.getValue()))
                            .build().toByteString())
                    .build();
            entries.add(ConfChangeCodec.encode(add).toBuilder().setTerm(1).setIndex(++index).build());
            cs.addVoters(m.getKey());
        }
        HardState hs = HardState.newBuilder().setTerm(1).setCommit(index).build();
        return new WriteBatch(null, entries, hs, cs.build(), members);
    }

    /** This run's session: a random number stamped, with the request id, into every entry this run proposes. */
    long session() {
        return session;
    }

    public long id() {
        return id;
    }

    public String address() {
        return address;
    }

    public Config config() {
        return config;
    }

    public void start() {
        running = true;
        applyThread.start();
        raftThread.start();
        pauseDetector.start();
        // A node that is the only voter needs no election timeout to start leading.
        post(() -> {
            ConfState cs = raw.status().confState();
            if (cs.getVotersCount() == 1 && cs.getVoters(0) == id && cs.getVotersOutgoingCount() == 0) {
                raw.campaign();
            }
        });
    }

    public boolean isRunning() {
        return running;
    }

    // ================================================================ API (any thread)

    /** Proposes a command; completes with the state machine's result once applied here. */
    public CompletableFuture<byte[]> propose(byte[] command) {
        return propose(ByteString.copyFrom(command), false);
    }

    /**
     * A proposal whose data is already immutable (from a gRPC request). {@code direct}: the future completes on the
     * apply thread, not on the callback executor; for the engine's own callers only, whose callbacks never block.
     */
    public CompletableFuture<byte[]> propose(ByteString data, boolean direct) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        if (pending.size() >= config.maxPendingProposals()) {
            f.completeExceptionally(new ProposalDroppedException(ProposalDroppedException.Reason.OVERLOADED,
                    pending.size() + " proposals are already waiting (max-pending-proposals)"));
            return f.thenApply(o -> (byte[]) o);
        }
        PendingRequests.Pending p = pending.register(f, direct);
        ByteString ctx = EntryContexts.of(id, session, p.requestId, InternalCommand.APPLICATION);
        if (!post(new Proposal(p, ctx, data))) {
            f.completeExceptionally(closedError());
        }
        return withTimeout(f, config.proposalTimeout()).thenApply(o -> (byte[]) o);
    }

    /**
     * An application command waiting in the mailbox. The Raft loop proposes the proposals it drains together as
     * one batch, so that a burst of N commands costs one append message per follower, not N.
     */
    private record Proposal(PendingRequests.Pending pending, ByteString context, ByteString data)
            implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("proposals are run in batches by the Raft loop");
        }
    }

    /** Bounds one proposal batch, so that a follower forwarding it stays within a message. */
    private static final int MAX_PROPOSAL_BATCH = 512;

    private final List<Proposal> proposalBatch = new ArrayList<>();
    private long proposalBatchBytes;

    private void addToProposalBatch(Proposal p) {
        if (p.pending().future.isDone()) {
            return;
        }
        proposalBatch.add(p);
        proposalBatchBytes += p.data().size() + p.context().size();
        if (proposalBatch.size() >= MAX_PROPOSAL_BATCH || proposalBatchBytes >= config.maxSizePerMsg()) {
            flushProposals();
        }
    }

    /** Proposes the batched commands, in mailbox order; each fails on its own if the batch is refused. */
    private void flushProposals() {
        if (proposalBatch.isEmpty()) {
            return;
        }
        List<Proposal> batch = new ArrayList<>(proposalBatch);
        proposalBatch.clear();
        proposalBatchBytes = 0;
        if (raw.role() != StateRole.LEADER && !config.proposalForwarding()) {
            RuntimeException e = notLeader();
            batch.forEach(p -> pending.fail(p.pending(), e));
            return;
        }
        List<ByteString> contexts = new ArrayList<>(batch.size());
        List<ByteString> data = new ArrayList<>(batch.size());
        for (Proposal p : batch) {
            contexts.add(p.context());
            data.add(p.data());
        }
        try {
            raw.proposeBatch(contexts, data);
        } catch (dev.raftify.raft.ProposalDroppedException e) {
            RuntimeException error = translate(e);
            batch.forEach(p -> pending.fail(p.pending(), error));
            return;
        } catch (RuntimeException e) {
            // One batch's failure never ends the node; its callers learn why.
            log.warn("node {}: proposing {} commands failed: {}", id, batch.size(), e.toString(), e);
            batch.forEach(p -> pending.fail(p.pending(), e));
            return;
        }
        if (raw.role() == StateRole.LEADER) {
            long index = raw.lastIndex() - batch.size();
            for (Proposal p : batch) {
                pending.recordIndex(p.pending(), ++index);
            }
        }
    }

    private void proposeNow(PendingRequests.Pending p, ByteString ctx, ByteString data, boolean confChange) {
        if (p.future.isDone()) {
            return;
        }
        if (raw.role() != StateRole.LEADER && !config.proposalForwarding()) {
            pending.fail(p, notLeader());
            return;
        }
        try {
            if (confChange) {
                raw.proposeConfChange(ctx, ConfChangeV2.parseFrom(data));
            } else {
                raw.propose(ctx, data);
            }
        } catch (dev.raftify.raft.ProposalDroppedException e) {
            pending.fail(p, translate(e));
            return;
        } catch (InvalidProtocolBufferException e) {
            pending.fail(p, new IllegalArgumentException("malformed membership change", e));
            return;
        }
        if (raw.role() == StateRole.LEADER) {
            pending.recordIndex(p, raw.lastIndex());
        }
    }

    /**
     * Proposes a membership change with the addresses of the nodes it adds; completes with the membership once
     * the change is applied here.
     */
    public CompletableFuture<ConfState> changeConfig(ConfChangeV2 change, Map<Long, String> addresses) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        for (var c : change.getChangesList()) {
            if (c.getChangeType() != ConfChangeType.RemoveNode && peers.isRemoved(c.getNodeId())) {
                f.completeExceptionally(new IllegalArgumentException("node " + c.getNodeId() + " was removed from "
                        + "the cluster and node ids are never reused; join that node as a new member with empty "
                        + "storage (it gets a new id)"));
                return f.thenApply(o -> (ConfState) o);
            }
            if (c.getChangeType() != ConfChangeType.RemoveNode && !addresses.containsKey(c.getNodeId())
                    && !peers.contains(c.getNodeId())) {
                f.completeExceptionally(new IllegalArgumentException(
                        "node " + c.getNodeId() + " is being added without an address"));
                return f.thenApply(o -> (ConfState) o);
            }
        }
        ConfChangeContext.Builder cctx = ConfChangeContext.newBuilder();
        addresses.forEach((nid, addr) -> cctx.addAddresses(Peer.newBuilder().setNodeId(nid).setAddress(addr)));
        ConfChangeV2 withAddresses = change.toBuilder().setContext(cctx.build().toByteString()).build();
        PendingRequests.Pending p = pending.register(f);
        ByteString ctx = EntryContexts.of(id, session, p.requestId, InternalCommand.APPLICATION);
        if (!post(() -> proposeNow(p, ctx, withAddresses.toByteString(), true))) {
            f.completeExceptionally(closedError());
        }
        return withTimeout(f, config.confChangeTimeout()).thenApply(o -> (ConfState) o);
    }

    /** Reserves a node id for a joining node at {@code joinerAddress} (raftify's RequestId); leader only. */
    public CompletableFuture<JoinTicket> reserveId(String joinerAddress) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        PendingRequests.Pending p = pending.register(f);
        boolean posted = post(() -> {
            if (raw.role() != StateRole.LEADER) {
                pending.fail(p, notLeader());
                return;
            }
            // Reserved ids are recorded in the log and in the peer book, so no two joiners get the same one,
            // whoever leads when they ask.
            long newId = Math.max(peers.maxId(), maxMemberId()) + 1;
            ReserveId r = ReserveId.newBuilder().setNodeId(newId).setAddress(joinerAddress).build();
            proposeNow(p, EntryContexts.of(id, session, p.requestId, InternalCommand.RESERVE_ID), r.toByteString(),
                    false);
        });
        if (!posted) {
            f.completeExceptionally(closedError());
        }
        return withTimeout(f, config.confChangeTimeout()).thenCompose(o -> {
            long reserved = (Long) o;
            return onRaftThread(() -> new JoinTicket(reserved, id, address, peers.asMap()));
        });
    }

    private long maxMemberId() {
        ConfState cs = raw.status().confState();
        long max = 0;
        for (long v : cs.getVotersList()) {
            max = Math.max(max, v);
        }
        for (long v : cs.getLearnersList()) {
            max = Math.max(max, v);
        }
        for (long v : cs.getVotersOutgoingList()) {
            max = Math.max(max, v);
        }
        return max;
    }

    /**
     * A linearizable read barrier (ReadIndex): completes with the read index once this node's state machine has
     * applied it, so a read of the state machine then reflects every write committed before this call.
     */
    public CompletableFuture<Long> readIndex() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        // The session keeps a late answer to an earlier run's read from completing this run's read of that number.
        ByteString ctx = ByteString.copyFromUtf8(
                id + ":" + Long.toHexString(session) + ":" + readSeq.incrementAndGet());
        boolean posted = post(() -> {
            if (raw.role() != StateRole.LEADER && !config.proposalForwarding()) {
                fail(f, notLeader());
                return;
            }
            try {
                raw.readIndex(ctx);
            } catch (dev.raftify.raft.ProposalDroppedException e) {
                fail(f, translate(e));
                return;
            }
            readsAwaitingIndex.put(ctx, f);
        });
        if (!posted) {
            f.completeExceptionally(closedError());
        }
        CompletableFuture<Long> timed = withTimeout(f, config.proposalTimeout());
        // A request dropped by a leader that stepped down leaves no trace but its timeout: forget it then.
        timed.whenComplete((v, e) -> post(() -> readsAwaitingIndex.remove(ctx)));
        return timed;
    }

    /** Hands leadership to {@code target}; completes with its id once it leads. */
    public CompletableFuture<Long> transferLeader(long target) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        boolean posted = post(() -> {
            ConfState cs = raw.status().confState();
            if (!cs.getVotersList().contains(target)) {
                fail(f, new IllegalArgumentException("node " + target + " is not a voter"));
                return;
            }
            if (raw.leaderId() == target) {
                complete(f, target);
                return;
            }
            if (raw.leaderId() == 0) {
                fail(f, new NotLeaderException(0, null, "no leader known to transfer leadership from"));
                return;
            }
            // A target that just restarted may sit behind a reconnect backoff longer than the transfer may take.
            transport.retryNow(target);
            raw.transferLeader(target);
            long deadline = System.nanoTime() + config.electionTimeout().multipliedBy(2).toNanos();
            transfers.add(new TransferWait(target, deadline, f));
        });
        if (!posted) {
            f.completeExceptionally(closedError());
        }
        return f;
    }

    /** Takes a snapshot at the applied index now and compacts the log it covers. */
    public CompletableFuture<SnapshotMetadata> makeSnapshot() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!post(() -> requestSnapshot(done))) {
            done.completeExceptionally(closedError());
        }
        return withTimeout(done, config.confChangeTimeout())
                .thenCompose(v -> onRaftThread(() -> storage.snapshot(0, id).getMetadata()));
    }

    /** The node's status; on the leader with every member's replication progress. */
    public CompletableFuture<NodeStatus> status() {
        return onRaftThread(this::buildStatus);
    }

    /** The last status the Raft thread published (never blocks; at most a loop iteration old). */
    public NodeStatus lastStatus() {
        return lastStatus;
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    private static long newSession() {
        long s;
        do {
            s = new java.security.SecureRandom().nextLong();
        } while (s == 0);
        return s;
    }

    /** A peer sent us something, so it is up: stop backing off from it. Any thread. */
    public void peerIsUp(long nodeId) {
        transport.retryNow(nodeId);
    }

    /** Whether {@code nodeId} was removed from the cluster (its messages are refused). Any thread. */
    public boolean isRemoved(long nodeId) {
        return peers.isRemoved(nodeId);
    }

    /** Every member and reserved node with its address. */
    public Map<Long, String> peers() {
        return peers.asMap();
    }

    /**
     * Starts receiving a snapshot from the leader (the transport's job): its data is streamed into the returned
     * writer, then handed over with {@link #receiveSnapshot}.
     *
     * @param expectedSize the data's size as the sender declared it, or -1
     * @throws dev.raftify.storage.StorageException if the store has no room for it
     */
    public SnapshotWriter newIncomingSnapshot(long expectedSize) throws IOException {
        if (closed) {
            throw closedError();
        }
        return storage.newSnapshotWriter(expectedSize);
    }

    /**
     * Hands a snapshot received from the leader to the consensus core: {@code message} is the MsgSnapshot (its
     * snapshot's data is ignored) and {@code writer} holds the data, sealed as {@code sealed}. The node takes the
     * writer over: if the core installs the snapshot the store adopts its data, otherwise the data is deleted.
     *
     * @throws IOException if the data is not a snapshot this node can restore (its header does not decode); the
     *     writer is closed then
     */
    public void receiveSnapshot(Message message, SnapshotWriter writer, ByteString sealed) throws IOException {
        Snapshot snap = message.getSnapshot().toBuilder().setData(sealed).build();
        try (SnapshotReader reader = storage.openSnapshot(snap)) {
            SnapshotFormat.readHeader(reader.stream(), reader.size(), false);
        } catch (IOException | RuntimeException e) {
            writer.close();
            throw e;
        }
        Message full = message.toBuilder().setSnapshot(snap).build();
        boolean posted = post(() -> {
            SnapshotWriter previous = receivedSnapshots.put(sealed, writer);
            if (previous != null) {
                previous.close();
            }
            stepRemote(full, System.nanoTime());
        });
        if (!posted) {
            writer.close();
        }
    }

    /** Delivers messages received from peers. */
    public void receive(List<Message> messages) {
        post(() -> {
            long now = System.nanoTime();
            for (Message m : messages) {
                stepRemote(m, now);
            }
        });
    }

    /** Raft thread only. */
    private final java.util.Set<Long> misaddressedFrom = new java.util.HashSet<>();

    private void stepRemote(Message m, long now) {
        if (m.getTo() != id) {
            // A peer with a wrong address book sends a stream of these: say so once per sender, not per message.
            if (misaddressedFrom.add(m.getFrom())) {
                log.warn("node {}: dropped {} from node {} addressed to node {} (its address book points node {} at "
                        + "this node's address); further ones from node {} are dropped silently", id,
                        m.getMsgType(), m.getFrom(), m.getTo(), m.getTo(), m.getFrom());
            }
            return;
        }
        lastContactNanos.put(m.getFrom(), now);
        if (m.getMsgType() == MessageType.MsgHeartbeatResponse) {
            Long sent = heartbeatSentNanos.remove(m.getFrom());
            if (sent != null) {
                rttMicros.put(m.getFrom(), (now - sent) / 1000);
            }
        }
        try {
            raw.step(m);
        } catch (dev.raftify.raft.ProposalDroppedException e) {
            // A forwarded proposal this leader cannot take; its proposer times out or retries.
            log.debug("node {}: dropped forwarded proposal from {}: {}", id, m.getFrom(), e.getMessage());
        } catch (IllegalArgumentException e) {
            log.debug("node {}: refused {} from {}: {}", id, m.getMsgType(), m.getFrom(), e.getMessage());
        }
    }

    @Override
    public void reportUnreachable(long peer) {
        post(() -> raw.reportUnreachable(peer));
    }

    @Override
    public void reportSnapshot(long peer, boolean success) {
        post(() -> raw.reportSnapshot(peer, success ? SnapshotStatus.FINISH : SnapshotStatus.FAILURE));
    }

    /** Runs {@code task} on the Raft thread; the future fails with NodeClosedException if the node stops. */
    <T> CompletableFuture<T> onRaftThread(Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        boolean posted = post(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        if (!posted) {
            f.completeExceptionally(closedError());
        }
        return withTimeout(f, config.proposalTimeout());
    }

    private boolean post(Runnable r) {
        if (closed) {
            return false;
        }
        mailbox.add(r);
        return true;
    }

    private <T> CompletableFuture<T> withTimeout(CompletableFuture<T> f, Duration timeout) {
        return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private <T> void complete(CompletableFuture<T> f, T value) {
        callbacks.execute(() -> f.complete(value));
    }

    private void fail(CompletableFuture<?> f, Throwable t) {
        callbacks.execute(() -> f.completeExceptionally(t));
    }

    private NodeClosedException closedError() {
        return new NodeClosedException("node " + id + " is closed" + (stopReason == null ? "" : ": " + stopReason));
    }

    private NotLeaderException notLeader() {
        long leader = raw.leaderId();
        String addr = leader == 0 ? null : peers.address(leader);
        return new NotLeaderException(leader, addr, leader == 0
                ? "node " + id + " is not the leader and no leader is known"
                : "node " + id + " is not the leader; the leader is node " + leader + " at " + addr);
    }

    private RuntimeException translate(dev.raftify.raft.ProposalDroppedException e) {
        ProposalDroppedException.Reason r = switch (e.reason()) {
            case NO_LEADER -> ProposalDroppedException.Reason.NO_LEADER;
            case NOT_LEADER -> null;
            case LEADER_TRANSFER_IN_PROGRESS -> ProposalDroppedException.Reason.LEADER_TRANSFER_IN_PROGRESS;
            case UNCOMMITTED_SIZE_EXCEEDED -> ProposalDroppedException.Reason.OVERLOADED;
            case CONF_CHANGE_PENDING -> ProposalDroppedException.Reason.CONF_CHANGE_IN_PROGRESS;
            case INVALID_CONF_CHANGE -> ProposalDroppedException.Reason.INVALID_CONF_CHANGE;
            case NOT_A_MEMBER -> ProposalDroppedException.Reason.NOT_A_MEMBER;
            case EMPTY -> ProposalDroppedException.Reason.INVALID_CONF_CHANGE;
        };
        if (r == null) {
            return notLeader();
        }
        return new ProposalDroppedException(r, e.getMessage());
    }

    // ================================================================ the Raft thread

    private void runLoop() {
        long tickNanos = config.tickInterval().toNanos();
        long nextTick = System.nanoTime() + tickNanos;
        List<Runnable> batch = new ArrayList<>();
        try {
            while (running) {
                long wait = nextTick - System.nanoTime();
                Runnable first = wait > 0 ? mailbox.poll(wait, TimeUnit.NANOSECONDS) : mailbox.poll();
                if (first != null) {
                    batch.add(first);
                    mailbox.drainTo(batch, 4096);
                    for (Runnable r : batch) {
                        if (r instanceof Proposal p) {
                            addToProposalBatch(p);
                        } else {
                            // Anything else sees every proposal posted before it already proposed.
                            flushProposals();
                            runTask(r);
                        }
                    }
                    flushProposals();
                    batch.clear();
                }
                long now = System.nanoTime();
                if (now >= nextTick) {
                    raw.tick();
                    // If the loop fell behind (a long fsync, a GC pause), do not fire a burst of ticks.
                    nextTick = Math.max(nextTick + tickNanos, now);
                    onTick(now);
                }
                processReadies();
                discardReceivedSnapshots();
                checkRoleChange();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (NodeStoppedException e) {
            // fatal() already said why
        } catch (RuntimeException | Error e) {
            fatal("raft loop failed", e);
        } finally {
            running = false;
            closed = true;
            writeDeferredHardState();
            shutdownPending();
        }
    }

    /** On the way out, so that a node stopped in order restarts with the commit index it had. */
    private void writeDeferredHardState() {
        if (deferredHardState == null || stopReason != null) {
            return;
        }
        try {
            storage.write(new WriteBatch(null, List.of(), deferredHardState, null, null));
            durableHardState = deferredHardState;
            deferredHardState = null;
        } catch (RuntimeException e) {
            log.warn("node {}: could not record commit index {} on close: {}", id, deferredHardState.getCommit(),
                    e.toString());
        }
    }

    private void runTask(Runnable r) {
        try {
            r.run();
        } catch (NodeStoppedException e) {
            throw e;
        } catch (RuntimeException e) {
            // One request's failure never ends the node.
            log.warn("node {}: a request failed on the raft thread: {}", id, e.toString(), e);
        }
    }

    private void onTick(long now) {
        if (!transfers.isEmpty()) {
            Iterator<TransferWait> it = transfers.iterator();
            while (it.hasNext()) {
                TransferWait t = it.next();
                if (t.future.isDone()) {
                    it.remove();
                } else if (raw.leaderId() == t.target) {
                    complete(t.future, t.target);
                    it.remove();
                } else if (now >= t.deadlineNanos) {
                    fail(t.future, new LeaderTransferException("node " + t.target + " did not become leader within "
                            + config.electionTimeout().multipliedBy(2).toMillis() + " ms (leader is now "
                            + raw.leaderId() + ")"));
                    it.remove();
                }
            }
        }
        Duration timeInterval = config.snapshotTimeInterval();
        if (!timeInterval.isZero() && now - lastSnapshotNanos >= timeInterval.toNanos()
                && appliedIndex > lastSnapshotIndex) {
            requestSnapshot(null);
        }
        lastStatus = buildStatus();
        metrics.status(lastStatus);
    }

    private void processReadies() {
        while (raw.hasReady()) {
            Ready rd = raw.ready();
            if (!rd.messages().isEmpty()) {
                noteHeartbeats(rd.messages());
                sendMessages(rd.messages());
            }
            // Committed entries are already on this node's disk (the core hands out none that are not), so they
            // are applied while this Ready's new entries are written: a write is answered one fsync sooner. After
            // a snapshot in the same Ready they must wait for its restore, which waits for it to be stored.
            boolean applyNow = rd.snapshot() == null;
            if (applyNow) {
                submitCommitted(rd);
            }
            SnapshotReader snapshotData = persist(rd);
            if (!rd.persistedMessages().isEmpty()) {
                sendMessages(rd.persistedMessages());
            }
            if (rd.snapshot() != null) {
                applyLoop.submit(new ApplyLoop.Restore(rd.snapshot(), snapshotData, peers));
            }
            if (!applyNow) {
                submitCommitted(rd);
            }
            for (ReadState rs : rd.readStates()) {
                CompletableFuture<Long> f = readsAwaitingIndex.remove(rs.requestCtx());
                if (f != null && !f.isDone()) {
                    if (rs.index() <= appliedIndex) {
                        complete(f, rs.index());
                    } else {
                        readsAwaitingApply.computeIfAbsent(rs.index(), k -> new ArrayList<>()).add(f);
                    }
                }
            }
            raw.advanceAppend(rd);
        }
    }

    private void submitCommitted(Ready rd) {
        if (!rd.committedEntries().isEmpty()) {
            if (metrics != RaftMetrics.NOOP) {
                recordCommitLatencies(rd.committedEntries());
            }
            applyLoop.submit(new ApplyLoop.Entries(rd.committedEntries()));
        }
    }

    private void recordCommitLatencies(List<Entry> committed) {
        long now = System.nanoTime();
        for (Entry e : committed) {
            if (e.getContext().isEmpty()) {
                continue;
            }
            long mine = EntryContexts.requestIdIfMine(EntryContexts.parse(e.getContext()), id, session);
            if (mine != 0) {
                PendingRequests.Pending p = pending.get(mine);
                if (p != null) {
                    metrics.proposalCommitted(now - p.proposedNanos);
                }
            }
        }
    }

    private void noteHeartbeats(List<Message> msgs) {
        long now = System.nanoTime();
        for (Message m : msgs) {
            if (m.getMsgType() == MessageType.MsgHeartbeat) {
                heartbeatSentNanos.putIfAbsent(m.getTo(), now);
            }
        }
    }

    /**
     * Persists a Ready. A snapshot from the leader is opened first (its data is still the received file): the open
     * reader survives the store renaming the file into place, and goes to the apply thread, which restores the state
     * machine from it.
     *
     * @return the opened data of the Ready's snapshot, positioned at the state machine's bytes; null without one
     */
    private SnapshotReader persist(Ready rd) {
        Snapshot snap = rd.snapshot();
        Map<Long, String> newPeers = null;
        ConfState cs = null;
        SnapshotReader reader = null;
        SnapshotWriter received = null;
        if (snap != null) {
            cs = snap.getMetadata().getConfState();
            received = receivedSnapshots.remove(snap.getData());
            try {
                reader = storage.openSnapshot(snap);
                SnapshotFormat.Header header = SnapshotFormat.readHeader(reader.stream(), reader.size(), false);
                PeerBook book = PeerBook.fromStored(header.peers());
                if (!book.contains(id)) {
                    book = book.with(id, address);
                }
                peers = book;
                newPeers = book.asStoredMap();
                transport.updatePeers(book.asMap());
            } catch (IOException | RuntimeException e) {
                closeQuietly(reader);
                closeQuietly(received);
                fatal("snapshot at " + snap.getMetadata().getIndex() + " from the leader cannot be read", e);
            }
        }
        HardState hs = rd.hardState();
        if (snap == null && rd.entries().isEmpty()) {
            if (hs == null) {
                return null;
            }
            if (hs.getTerm() == durableHardState.getTerm() && hs.getVote() == durableHardState.getVote()) {
                deferredHardState = hs;
                return null;
            }
        }
        if (hs == null) {
            hs = deferredHardState;
        }
        long start = System.nanoTime();
        try {
            storage.write(new WriteBatch(snap, rd.entries(), hs, cs, newPeers));
            if (hs != null) {
                durableHardState = hs;
            }
            deferredHardState = null;
            if (snap != null) {
                // The leader's snapshot is this node's snapshot now: count the next one from it.
                lastSnapshotIndex = Math.max(lastSnapshotIndex, snap.getMetadata().getIndex());
                lastSnapshotNanos = System.nanoTime();
            }
            if (metrics != RaftMetrics.NOOP) {
                long bytes = 0;
                for (Entry e : rd.entries()) {
                    bytes += e.getSerializedSize();
                }
                metrics.readyPersisted(System.nanoTime() - start, rd.entries().size(), bytes);
            }
        } catch (RuntimeException e) {
            // Nothing after this may be acknowledged: a node that cannot persist must stop.
            closeQuietly(reader);
            fatal("storage write failed", e);
        } finally {
            // The store took the received file over (renamed it); closing deletes nothing then.
            closeQuietly(received);
        }
        return reader;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.debug("closing {} failed: {}", c, e.toString());
        }
    }

    /** Received snapshots the core did not install (stale, or superseded by a newer one): their data goes. */
    private void discardReceivedSnapshots() {
        if (!receivedSnapshots.isEmpty()) {
            for (SnapshotWriter w : receivedSnapshots.values()) {
                w.close();
            }
            receivedSnapshots.clear();
        }
    }

    /**
     * Sends a Ready's messages in order. A MsgSnapshot from the core names the stored snapshot; its data is opened
     * here, on the Raft thread, so that the file cannot be replaced before the transport streams it.
     */
    private void sendMessages(List<Message> msgs) {
        List<Message> plain = null;
        for (int i = 0; i < msgs.size(); i++) {
            Message m = msgs.get(i);
            if (m.getMsgType() != MessageType.MsgSnapshot) {
                if (plain != null) {
                    plain.add(m);
                }
                continue;
            }
            if (plain == null) {
                plain = new ArrayList<>(msgs.subList(0, i));
            }
            if (!plain.isEmpty()) {
                transport.send(plain);
                plain = new ArrayList<>();
            }
            SnapshotReader data;
            try {
                data = storage.openSnapshot(m.getSnapshot());
            } catch (IOException | RuntimeException e) {
                log.info("node {}: cannot open the snapshot at index {} for node {}: {}", id,
                        m.getSnapshot().getMetadata().getIndex(), m.getTo(), e.toString());
                reportSnapshot(m.getTo(), false);
                continue;
            }
            transport.sendSnapshot(m, data);
        }
        if (plain == null) {
            transport.send(msgs);
        } else if (!plain.isEmpty()) {
            transport.send(plain);
        }
    }

    private void checkRoleChange() {
        long leader = raw.leaderId();
        StateRole role = raw.role();
        if (leader != lastLeader || role != lastRole) {
            log.info("node {}: {} -> {} at term {} (leader {})", id, lastRole, role, raw.term(),
                    leader == 0 ? "unknown" : leader);
            // A raised term while campaigning or leading means this node ran an election (the role may skip
            // CANDIDATE between two samples when it wins at once).
            if (raw.term() > lastTerm && (role == StateRole.CANDIDATE || role == StateRole.LEADER)) {
                metrics.electionStarted();
            }
            lastTerm = raw.term();
            if (leader != lastLeader) {
                metrics.leaderChanged(leader);
            }
            if (!readsAwaitingIndex.isEmpty() && (leader != lastLeader || lastRole == StateRole.LEADER)) {
                // A read index request lives in the old leader's memory: after a change of leadership its
                // answer never comes. Fail it now (retryable) rather than let it wait out its timeout.
                NotLeaderException e = new NotLeaderException(leader, leader == 0 ? null : peers.address(leader),
                        "leadership changed while the read was pending; retry");
                readsAwaitingIndex.values().forEach(f -> fail(f, e));
                readsAwaitingIndex.clear();
            }
            lastLeader = leader;
            lastRole = role;
            lastStatus = buildStatus();
        }
    }

    /** The apply thread applied everything up to {@code index}. */
    void onApplied(long index) {
        post(() -> {
            if (index <= appliedIndex) {
                return;
            }
            raw.advanceApply(index);
            appliedIndex = index;
            while (!readsAwaitingApply.isEmpty() && readsAwaitingApply.firstKey() <= index) {
                for (CompletableFuture<Long> f : readsAwaitingApply.pollFirstEntry().getValue()) {
                    complete(f, f.isDone() ? 0L : readIndexOf(f, index));
                }
            }
            if (config.snapshotInterval() > 0 && index - lastSnapshotIndex >= config.snapshotInterval()) {
                requestSnapshot(null);
            }
        });
    }

    private static long readIndexOf(CompletableFuture<Long> f, long applied) {
        return applied;
    }

    private void requestSnapshot(CompletableFuture<Void> done) {
        if (snapshotInFlight) {
            if (done != null) {
                // One is being taken right now; take another after it so the caller's covers everything applied.
                applyLoop.submit(new ApplyLoop.TakeSnapshot(done));
            }
            return;
        }
        snapshotInFlight = true;
        CompletableFuture<Void> taken = new CompletableFuture<>();
        taken.whenComplete((v, e) -> post(() -> snapshotInFlight = false));
        if (done != null) {
            taken.whenComplete((v, e) -> {
                if (e != null) {
                    done.completeExceptionally(e);
                } else {
                    done.complete(null);
                }
            });
        }
        applyLoop.submit(new ApplyLoop.TakeSnapshot(taken));
    }

    /** A writer for a snapshot the apply thread takes of the state machine. */
    SnapshotWriter newSnapshotWriter() throws IOException {
        return storage.newSnapshotWriter(-1);
    }

    /**
     * On the Raft thread: stores a snapshot the apply thread took (its data sealed as {@code sealed}, {@code size}
     * bytes, written in {@code writeNanos}) and compacts the log it covers.
     */
    void storeSnapshot(long index, ConfState cs, ByteString sealed, long size, long writeNanos) {
        if (index <= lastSnapshotIndex) {
            return;
        }
        long start = System.nanoTime();
        try {
            Snapshot s = storage.createSnapshot(index, cs, sealed);
            lastSnapshotIndex = index;
            lastSnapshotNanos = System.nanoTime();
            long took = writeNanos + lastSnapshotNanos - start;
            metrics.snapshotTaken(took, size);
            log.info("node {}: snapshot at index {} (term {}, {} bytes) took {} ms; log compacted", id, index,
                    s.getMetadata().getTerm(), size, took / 1_000_000);
        } catch (SnapshotOutOfDateException e) {
            // A newer snapshot (from the leader) is already stored.
            lastSnapshotIndex = Math.max(lastSnapshotIndex, storage.snapshot(0, id).getMetadata().getIndex());
        }
    }

    /** On the Raft thread: applies a committed membership change and persists it with the peer addresses. */
    ConfChangeOutcome applyConfChangeEntry(Entry e) {
        ConfChangeV2 cc = ConfChangeCodec.decode(e);
        boolean wasMember = isMember(raw.status().confState(), id);
        ConfState cs;
        try {
            cs = raw.applyConfChange(cc);
        } catch (RuntimeException ex) {
            // A change that cannot apply (the core's validation) applies nowhere: every node refuses it alike.
            log.warn("node {}: membership change at index {} refused: {}", id, e.getIndex(), ex.getMessage());
            return new ConfChangeOutcome(null, peers, new ProposalDroppedException(
                    ProposalDroppedException.Reason.INVALID_CONF_CHANGE, ex.getMessage()));
        }
        PeerBook book = peers;
        if (!cc.getContext().isEmpty()) {
            try {
                for (Peer p : ConfChangeContext.parseFrom(cc.getContext()).getAddressesList()) {
                    book = book.with(p.getNodeId(), p.getAddress());
                }
            } catch (InvalidProtocolBufferException ex) {
                log.warn("node {}: membership change at index {} carries malformed addresses", id, e.getIndex());
            }
        }
        for (var c : cc.getChangesList()) {
            if (c.getChangeType() == ConfChangeType.RemoveNode && !isMember(cs, c.getNodeId())) {
                book = book.removed(c.getNodeId());
            }
        }
        peers = book;
        storage.write(new WriteBatch(null, List.of(), null, cs, book.asStoredMap()));
        transport.updatePeers(book.asMap());
        log.info("node {}: membership is now voters={} learners={}{} (index {})", id, cs.getVotersList(),
                cs.getLearnersList(), cs.getVotersOutgoingCount() > 0 ? " outgoing=" + cs.getVotersOutgoingList() : "",
                e.getIndex());
        if (wasMember && !isMember(cs, id)) {
            log.info("node {}: removed from the cluster", id);
        }
        return new ConfChangeOutcome(cs, book, null);
    }

    private static boolean isMember(ConfState cs, long nodeId) {
        return cs.getVotersList().contains(nodeId) || cs.getLearnersList().contains(nodeId)
                || cs.getVotersOutgoingList().contains(nodeId);
    }

    /** On the Raft thread: records an id reservation in the peer book. */
    PeerBook applyReservation(ReserveId r) {
        PeerBook book = peers.with(r.getNodeId(), r.getAddress());
        if (book != peers) {
            peers = book;
            storage.write(new WriteBatch(null, List.of(), null, null, book.asStoredMap()));
            transport.updatePeers(book.asMap());
            log.info("node {}: reserved id {} for {}", id, r.getNodeId(), r.getAddress());
        }
        return book;
    }

    private NodeStatus buildStatus() {
        Status s = raw.status();
        long now = System.nanoTime();
        NodeStatus.Builder b = NodeStatus.newBuilder()
                .setNodeId(id)
                .setAddress(address)
                .setClusterId(config.clusterId())
                .setRole(role(s.softState().role()))
                .setTerm(s.hardState().getTerm())
                .setLeaderId(s.softState().leaderId())
                .setCommitIndex(s.hardState().getCommit())
                .setAppliedIndex(appliedIndex)
                .setFirstIndex(s.firstIndex())
                .setLastIndex(s.lastIndex())
                .setSnapshotIndex(lastSnapshotIndex)
                .setConfState(s.confState())
                .addAllPeers(peers.toLivePeers())
                .setUptimeMillis((now - startedNanos) / 1_000_000)
                .setVersion(version());
        for (Map.Entry<Long, Status.PeerProgress> e : s.progress().entrySet()) {
            Status.PeerProgress p = e.getValue();
            Long contact = lastContactNanos.get(e.getKey());
            Long rtt = rttMicros.get(e.getKey());
            b.addProgress(PeerProgress.newBuilder()
                    .setNodeId(e.getKey())
                    .setAddress(peers.address(e.getKey()) == null ? "" : peers.address(e.getKey()))
                    .setMatchIndex(p.matchIndex())
                    .setNextIndex(p.nextIndex())
                    .setState(ProgressState.valueOf(p.state()))
                    .setInflight(p.inflight())
                    .setIsLearner(p.isLearner())
                    .setRecentActive(p.recentActive())
                    .setLastContactMillis(e.getKey() == id ? 0 : contact == null ? -1 : (now - contact) / 1_000_000)
                    .setRttMicros(rtt == null ? -1 : rtt));
        }
        return b.build();
    }

    private static Role role(StateRole r) {
        return switch (r) {
            case FOLLOWER -> Role.FOLLOWER;
            case PRE_CANDIDATE -> Role.PRE_CANDIDATE;
            case CANDIDATE -> Role.CANDIDATE;
            case LEADER -> Role.LEADER;
        };
    }

    static String version() {
        String v = NodeRuntime.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /** Something went wrong that this node cannot survive safely: stop it, and fail everything pending. */
    void fatal(String what, Throwable cause) {
        if (stopReason == null) {
            stopReason = what + ": " + cause;
            log.error("node {}: {}; the node stops", id, what, cause);
        }
        running = false;
        throw new NodeStoppedException();
    }

    private void shutdownPending() {
        String why = "node " + id + " is closed" + (stopReason == null ? "" : ": " + stopReason);
        log.debug("node {}: failing {} pending requests: {}", id, pending.size(), why);
        pending.failAll(why);
        for (CompletableFuture<Long> f : readsAwaitingIndex.values()) {
            fail(f, new NodeClosedException(why));
        }
        for (List<CompletableFuture<Long>> l : readsAwaitingApply.values()) {
            for (CompletableFuture<Long> f : l) {
                fail(f, new NodeClosedException(why));
            }
        }
        for (TransferWait t : transfers) {
            fail(t.future, new NodeClosedException(why));
        }
        Runnable r;
        while ((r = mailbox.poll()) != null) {
            // Tasks still queued belong to requests whose futures were failed above or time out on their own.
        }
        discardReceivedSnapshots();
        applyLoop.submit(new ApplyLoop.Stop());
    }

    /**
     * Stops the node: a leader first tries to hand leadership to an up-to-date voter (bounded by an election
     * timeout) so the cluster does not wait out an election; then both threads stop and every pending request
     * fails with NodeClosedException. Does not close the storage or the transport (their owner does).
     */
    @Override
    public void close() {
        if (!running) {
            closed = true;
            joinThreads();
            return;
        }
        try {
            handOverLeadership();
        } catch (RuntimeException e) {
            log.debug("node {}: leadership hand-over on close failed: {}", id, e.toString());
        }
        closed = true;
        running = false;
        mailbox.add(() -> {});
        joinThreads();
        pauseDetector.close();
        log.info("node {}: closed", id);
    }

    private void handOverLeadership() {
        NodeStatus s = status().orTimeout(1, TimeUnit.SECONDS).join();
        if (s.getRole() != Role.LEADER) {
            return;
        }
        long best = 0;
        long bestMatch = -1;
        for (PeerProgress p : s.getProgressList()) {
            // Only a peer heard from within a few heartbeats is worth waiting for.
            boolean recentlyHeard = p.getLastContactMillis() >= 0
                    && p.getLastContactMillis() < config.tickInterval().multipliedBy(config.heartbeatTick() * 3L).toMillis();
            if (p.getNodeId() != id && !p.getIsLearner() && s.getConfState().getVotersList().contains(p.getNodeId())
                    && p.getMatchIndex() > bestMatch && recentlyHeard) {
                best = p.getNodeId();
                bestMatch = p.getMatchIndex();
            }
        }
        if (best == 0) {
            return;
        }
        try {
            transferLeader(best).get(config.electionTimeout().toMillis(), TimeUnit.MILLISECONDS);
            log.info("node {}: handed leadership to node {} before closing", id, best);
        } catch (Exception e) {
            log.info("node {}: could not hand leadership to node {} before closing: {}", id, best, e.toString());
        }
    }

    private void joinThreads() {
        try {
            raftThread.join(10_000);
            applyThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    static HardState emptyHardState() {
        return HardState.getDefaultInstance();
    }
}

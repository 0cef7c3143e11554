package dev.raftify.node;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftify.ApplyException;
import dev.raftify.StateMachine;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.service.EntryContext;
import dev.raftify.proto.service.InternalCommand;
import dev.raftify.proto.service.ReserveId;
import dev.raftify.proto.service.SnapshotData;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apply thread: hands committed entries to the state machine in log order, so a slow state machine never
 * delays the Raft thread's heartbeats. Membership changes and id reservations are applied to Raft's own state on
 * the Raft thread, in order with the entries around them (this thread waits for that).
 */
final class ApplyLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ApplyLoop.class);

    sealed interface Task permits Entries, Restore, TakeSnapshot, Stop {}

    record Entries(List<Entry> entries) implements Task {}

    record Restore(Snapshot snapshot) implements Task {}

    record TakeSnapshot(CompletableFuture<Void> done) implements Task {}

    record Stop() implements Task {}

    private final NodeRuntime node;
    private final StateMachine stateMachine;
    private final PendingRequests pending;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();

    private long applied;
    private ConfState confState;
    private PeerBook peers;

    ApplyLoop(NodeRuntime node, StateMachine stateMachine, PendingRequests pending, long applied, ConfState confState,
            PeerBook peers) {
        this.node = node;
        this.stateMachine = stateMachine;
        this.pending = pending;
        this.applied = applied;
        this.confState = confState;
        this.peers = peers;
    }

    void submit(Task t) {
        queue.add(t);
    }

    int backlog() {
        return queue.size();
    }

    @Override
    public void run() {
        while (true) {
            Task t;
            try {
                t = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                if (t instanceof Entries e) {
                    applyEntries(e.entries());
                } else if (t instanceof Restore r) {
                    restore(r.snapshot());
                } else if (t instanceof TakeSnapshot s) {
                    takeSnapshot(s.done());
                } else {
                    return;
                }
            } catch (NodeRuntime.NodeStoppedException e) {
                return;
            } catch (RuntimeException | IOException e) {
                // Applying is deterministic on every node; if this node cannot go on applying, it must stop
                // rather than diverge.
                node.fatal("apply thread failed at index " + applied, e);
                return;
            }
        }
    }

    private void applyEntries(List<Entry> entries) {
        for (Entry e : entries) {
            if (e.getIndex() <= applied) {
                continue;
            }
            if (e.getEntryType() == EntryType.EntryNormal) {
                applyNormal(e);
            } else {
                applyConfChange(e);
            }
            applied = e.getIndex();
        }
        node.onApplied(applied);
    }

    private void applyNormal(Entry e) {
        EntryContext ctx = EntryContexts.parse(e.getContext());
        long mine = EntryContexts.requestIdIfMine(ctx, node.id(), node.session());
        PendingRequests.Pending p = pending.take(e.getIndex(), mine);
        if (ctx.getInternal() == InternalCommand.RESERVE_ID) {
            ReserveId r;
            try {
                r = ReserveId.parseFrom(e.getData());
            } catch (InvalidProtocolBufferException ex) {
                log.warn("node {}: entry {} holds a malformed id reservation; skipped", node.id(), e.getIndex());
                return;
            }
            peers = node.onRaftThread(() -> node.applyReservation(r)).join();
            if (p != null) {
                pending.complete(p, r.getNodeId());
            }
            return;
        }
        if (e.getData().isEmpty() && e.getContext().isEmpty()) {
            // A new leader's empty entry: nothing for the application.
            return;
        }
        Object result;
        try {
            result = stateMachine.apply(e.getIndex(), e.getData().toByteArray());
        } catch (Exception ex) {
            log.warn("node {}: state machine failed on entry {}: {}", node.id(), e.getIndex(), ex.toString());
            result = new ApplyException(e.getIndex(), ex);
        }
        if (p != null) {
            if (result instanceof ApplyException ax) {
                pending.fail(p, ax);
            } else {
                pending.complete(p, result == null ? new byte[0] : result);
            }
        }
    }

    private void applyConfChange(Entry e) {
        EntryContext ctx = EntryContexts.parse(e.getContext());
        long mine = EntryContexts.requestIdIfMine(ctx, node.id(), node.session());
        PendingRequests.Pending p = pending.take(e.getIndex(), mine);
        NodeRuntime.ConfChangeOutcome outcome = node.onRaftThread(() -> node.applyConfChangeEntry(e)).join();
        if (outcome.error() != null) {
            if (p != null) {
                pending.fail(p, outcome.error());
            }
            return;
        }
        confState = outcome.confState();
        peers = outcome.peers();
        if (p != null) {
            pending.complete(p, confState);
        }
    }

    private void restore(Snapshot s) throws IOException {
        long index = s.getMetadata().getIndex();
        if (index <= applied) {
            return;
        }
        SnapshotData data = SnapshotData.parseFrom(s.getData());
        stateMachine.restore(data.getStateMachine().newInput());
        applied = index;
        confState = s.getMetadata().getConfState();
        peers = PeerBook.of(data.getPeersList());
        log.info("node {}: restored state machine from snapshot at index {} (term {})", node.id(), index,
                s.getMetadata().getTerm());
        node.onApplied(applied);
    }

    private void takeSnapshot(CompletableFuture<Void> done) throws IOException {
        long index = applied;
        ByteString.Output out = ByteString.newOutput();
        stateMachine.snapshot(out);
        SnapshotData data = SnapshotData.newBuilder().addAllPeers(peers.toPeers()).setStateMachine(out.toByteString())
                .build();
        ConfState cs = confState;
        node.onRaftThread(() -> {
            node.storeSnapshot(index, cs, data.toByteString());
            return null;
        }).whenComplete((v, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
            } else {
                done.complete(null);
            }
        });
    }
}

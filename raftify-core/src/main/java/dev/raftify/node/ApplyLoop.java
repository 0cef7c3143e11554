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
import dev.raftify.storage.SnapshotFormat;
import dev.raftify.storage.SnapshotReader;
import dev.raftify.storage.SnapshotWriter;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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

    /**
     * Restores from {@code data}: the snapshot's data, opened and positioned at the state machine's bytes; {@code
     * peers} is the address book it carried.
     */
    record Restore(Snapshot snapshot, SnapshotReader data, PeerBook peers) implements Task {}

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
                    try (SnapshotReader data = r.data()) {
                        restore(r.snapshot(), data, r.peers());
                    }
                } else if (t instanceof TakeSnapshot s) {
                    takeSnapshot(s.done());
                } else {
                    closeQueuedSnapshots();
                    return;
                }
            } catch (NodeRuntime.NodeStoppedException e) {
                closeQueuedSnapshots();
                return;
            } catch (RuntimeException | IOException e) {
                // Applying is deterministic on every node; if this node cannot go on applying, it must stop
                // rather than diverge.
                closeQueuedSnapshots();
                node.fatal("apply thread failed at index " + applied, e);
                return;
            }
        }
    }

    /** The node stops: snapshots waiting to be restored hold open files. */
    private void closeQueuedSnapshots() {
        for (Task t : queue) {
            if (t instanceof Restore r) {
                r.data().close();
            }
        }
    }

    /**
     * Restores {@code sm} from {@code in}, the rest of a snapshot's data, then reads whatever the state machine left
     * unread: reaching the end is what verifies the data's checksum (a mismatch throws).
     */
    static void restoreStateMachine(StateMachine sm, InputStream in) throws IOException {
        sm.restore(new FilterInputStream(in) {
            @Override
            public void close() {
                // The snapshot's stream is the runtime's to close.
            }
        });
        in.transferTo(OutputStream.nullOutputStream());
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

    /**
     * Restores the state machine from a snapshot of the leader's, streamed from its data: the Raft thread opened it
     * and read its header (the peer book, which it already installed) before the store adopted the file.
     */
    private void restore(Snapshot s, SnapshotReader data, PeerBook book) throws IOException {
        long index = s.getMetadata().getIndex();
        if (index <= applied) {
            return;
        }
        long start = System.nanoTime();
        restoreStateMachine(stateMachine, data.stream());
        applied = index;
        confState = s.getMetadata().getConfState();
        peers = book;
        log.info("node {}: restored state machine from snapshot at index {} (term {}, {} bytes) in {} ms", node.id(),
                index, s.getMetadata().getTerm(), data.size(), (System.nanoTime() - start) / 1_000_000);
        node.onApplied(applied);
    }

    /**
     * Streams the peer book and the state machine into a new snapshot file (made durable here, off the Raft thread),
     * then has the Raft thread store it and compact the log. A failure of the store's file (a full disk) fails only
     * this snapshot; a failure of the state machine stops the node, as a failed apply does.
     */
    private void takeSnapshot(CompletableFuture<Void> done) throws IOException {
        long index = applied;
        ConfState cs = confState;
        long start = System.nanoTime();
        SnapshotWriter writer;
        ByteString sealed;
        try {
            writer = node.newSnapshotWriter();
        } catch (IOException | RuntimeException e) {
            snapshotFailed(done, index, e);
            return;
        }
        SinkStream sink = new SinkStream(writer.stream());
        try {
            SnapshotFormat.writeHeader(sink, peers.asStoredMap());
            stateMachine.snapshot(sink);
            sink.flush();
            sealed = writer.seal();
        } catch (IOException | RuntimeException e) {
            writer.close();
            if (sink.failure != null || e instanceof dev.raftify.storage.StorageException) {
                snapshotFailed(done, index, sink.failure != null ? sink.failure : e);
                return;
            }
            throw e;
        }
        long writeNanos = System.nanoTime() - start;
        node.onRaftThread(() -> {
            node.storeSnapshot(index, cs, sealed, writer.size(), writeNanos);
            return null;
        }).whenComplete((v, err) -> {
            writer.close();
            if (err != null) {
                done.completeExceptionally(err);
            } else {
                done.complete(null);
            }
        });
    }

    private void snapshotFailed(CompletableFuture<Void> done, long index, Exception e) {
        log.warn("node {}: snapshot at index {} failed: {}", node.id(), index, e.toString());
        done.completeExceptionally(e);
    }

    /** The store's stream, remembering a failure of its own, so it is told apart from the state machine's. */
    private static final class SinkStream extends FilterOutputStream {
        IOException failure;

        SinkStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void close() {
            // A state machine closing the stream does not end the snapshot; sealing does.
        }
    }
}

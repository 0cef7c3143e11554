package dev.raftify.node;

import dev.raftify.NodeClosedException;
import dev.raftify.ProposalDroppedException;
import dev.raftify.metrics.RaftMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Proposals and membership changes this node made that wait for their entry to be applied. Shared by the Raft
 * thread (which registers them), the apply thread (which completes them) and timers (which time them out).
 *
 * <p>Each request gets an id stored in its entry's context, so whichever node applies the entry recognizes its
 * own requests, even ones forwarded to a leader. On the leader the entry's index is known too: when the entry at
 * that index turns out to be someone else's, the new leader overwrote ours and the request fails definitely.
 */
final class PendingRequests {

    /** One waiting request. */
    static final class Pending {
        final long requestId;
        final CompletableFuture<Object> future;
        final long proposedNanos = System.nanoTime();
        /**
         * Completed on the thread that settles it (the apply thread, a timer) instead of the callback executor: only
         * for the engine's own requests (the gRPC service), whose callbacks queue a response and never block.
         */
        final boolean direct;
        volatile long index;

        Pending(long requestId, CompletableFuture<Object> future, boolean direct) {
            this.requestId = requestId;
            this.future = future;
            this.direct = direct;
        }
    }

    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, Pending> byId = new ConcurrentHashMap<>();
    private final Map<Long, Long> idByIndex = new ConcurrentHashMap<>();
    private final Executor callbacks;
    private final RaftMetrics metrics;

    PendingRequests(Executor callbacks, RaftMetrics metrics) {
        this.callbacks = callbacks;
        this.metrics = metrics;
    }

    int size() {
        return byId.size();
    }

    /** Registers a request; it leaves the registry however its future completes. */
    Pending register(CompletableFuture<Object> future) {
        return register(future, false);
    }

    /** See {@link Pending#direct}. */
    Pending register(CompletableFuture<Object> future, boolean direct) {
        long id = nextId.getAndIncrement();
        Pending p = new Pending(id, future, direct);
        byId.put(id, p);
        future.whenComplete((v, e) -> {
            byId.remove(id);
            if (e != null) {
                metrics.proposalFailed(e.getClass().getSimpleName());
            }
            long idx = p.index;
            if (idx != 0) {
                idByIndex.remove(idx, id);
            }
        });
        return p;
    }

    /** The request with this id, or null if it already completed. */
    Pending get(long requestId) {
        return byId.get(requestId);
    }

    /** On the leader: the request's entry was appended at {@code index}. */
    void recordIndex(Pending p, long index) {
        p.index = index;
        idByIndex.put(index, p.requestId);
    }

    /** The entry at {@code index} was applied with request id {@code appliedRequestId} (0 if not ours). */
    Pending take(long index, long appliedRequestId) {
        Long expected = idByIndex.remove(index);
        if (expected != null && expected != appliedRequestId) {
            Pending lost = byId.get(expected);
            if (lost != null) {
                fail(lost, new ProposalDroppedException(ProposalDroppedException.Reason.OVERWRITTEN,
                        "the entry at index " + index + " was overwritten by a new leader before it committed"));
            }
        }
        return appliedRequestId == 0 ? null : byId.get(appliedRequestId);
    }

    void complete(Pending p, Object value) {
        metrics.proposalApplied(System.nanoTime() - p.proposedNanos);
        if (p.direct) {
            p.future.complete(value);
        } else {
            callbacks.execute(() -> p.future.complete(value));
        }
    }

    void fail(Pending p, Throwable t) {
        if (p.direct) {
            p.future.completeExceptionally(t);
        } else {
            callbacks.execute(() -> p.future.completeExceptionally(t));
        }
    }

    void failAll(String why) {
        List<Pending> all = new ArrayList<>(byId.values());
        for (Pending p : all) {
            fail(p, new NodeClosedException(why));
        }
    }
}

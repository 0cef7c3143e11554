package dev.raftify.transport;

import java.util.Collection;
import java.util.Set;

/**
 * Simulated network partitions for fault-injection tests: while a peer is blocked, this node's transport drops
 * every Raft message to it and every Raft message (and snapshot) from it, as a network that lost the link would.
 * Only Raft's own traffic is affected; client calls and joins still go through.
 *
 * <p>Off unless an application passes one to {@code Raft.Builder.faultInjector}: without it the transport keeps
 * a {@code null} reference and never consults anything, so production nodes pay nothing. The memstore example
 * creates one only when started with {@code -Draftify.faults.enabled=true}.
 *
 * <p>Thread-safe: the blocked set is replaced as a whole and read with one volatile read per message or batch.
 */
public final class FaultInjector {
    private volatile Set<Long> blocked = Set.of();

    /** From now on, drops traffic to and from exactly these peers (replacing any earlier set). */
    public void block(Collection<Long> peers) {
        blocked = Set.copyOf(peers);
    }

    /** Restores traffic with every peer. */
    public void heal() {
        blocked = Set.of();
    }

    /** Whether traffic with {@code peer} is being dropped. */
    public boolean blocks(long peer) {
        return blocked.contains(peer);
    }

    /** The peers whose traffic is being dropped. */
    public Set<Long> blocked() {
        return blocked;
    }
}

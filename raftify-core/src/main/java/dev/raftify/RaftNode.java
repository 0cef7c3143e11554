package dev.raftify;

import dev.raftify.node.NodeRuntime;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.Role;
import dev.raftify.transport.RaftServiceImpl;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The operations of a running node. Every method returns a future that always completes: with the result, or
 * with a typed exception ({@link NotLeaderException}, {@link ProposalDroppedException}, {@link ApplyException},
 * {@link LeaderTransferException}, {@link NodeClosedException}, {@link java.util.concurrent.TimeoutException},
 * {@link IllegalArgumentException}) within the configured timeout. Thread-safe.
 */
public final class RaftNode {
    private final NodeRuntime runtime;

    RaftNode(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    public long id() {
        return runtime.id();
    }

    public String address() {
        return runtime.address();
    }

    /**
     * Replicates a command and applies it; completes with the state machine's result once applied on this node.
     * On a follower the command is forwarded to the leader (unless forwarding is off).
     */
    public CompletableFuture<byte[]> propose(byte[] command) {
        return runtime.propose(command);
    }

    /**
     * A linearizable read: waits until this node has applied every write committed before the call (ReadIndex),
     * then runs {@code read} against the local state machine (on a Raftify thread; keep it short).
     */
    public <T> CompletableFuture<T> linearizableRead(Supplier<T> read) {
        return runtime.readIndex().thenApply(i -> read.get());
    }

    /** The ReadIndex barrier alone: completes with the read index once this node has applied it. */
    public CompletableFuture<Long> readIndex() {
        return runtime.readIndex();
    }

    /** A read of the local state machine without any check: fast, possibly stale (even on the leader). */
    public <T> T staleRead(Supplier<T> read) {
        return read.get();
    }

    /** Applies an arbitrary membership change (joint when it changes several voters); completes when applied. */
    public CompletableFuture<ConfState> changeConfig(ConfChangeV2 change, Map<Long, String> addresses) {
        return runtime.changeConfig(change, addresses);
    }

    public CompletableFuture<ConfState> addVoter(long nodeId, String address) {
        return runtime.changeConfig(single(ConfChangeType.AddNode, nodeId), Map.of(nodeId, address));
    }

    public CompletableFuture<ConfState> addLearner(long nodeId, String address) {
        return runtime.changeConfig(single(ConfChangeType.AddLearnerNode, nodeId), Map.of(nodeId, address));
    }

    /** Makes a learner a voter. */
    public CompletableFuture<ConfState> promoteLearner(long nodeId) {
        return runtime.changeConfig(single(ConfChangeType.AddNode, nodeId), Map.of());
    }

    /** Removes a node (any node, the leader included: it hands leadership over and steps down). */
    public CompletableFuture<ConfState> removeNode(long nodeId) {
        return runtime.changeConfig(single(ConfChangeType.RemoveNode, nodeId), Map.of());
    }

    /** Removes this node from the cluster. */
    public CompletableFuture<ConfState> leave() {
        return removeNode(runtime.id());
    }

    /** Leaves a joint configuration entered with {@link ConfChangeTransition#Explicit}. */
    public CompletableFuture<ConfState> leaveJoint() {
        return runtime.changeConfig(ConfChangeV2.getDefaultInstance(), Map.of());
    }

    /** Hands leadership to {@code target}; completes with its id once it leads, or fails after two election timeouts. */
    public CompletableFuture<Long> transferLeader(long target) {
        return runtime.transferLeader(target);
    }

    /** Takes a snapshot at the applied index now and compacts the log it covers. */
    public CompletableFuture<SnapshotMetadata> makeSnapshot() {
        return runtime.makeSnapshot();
    }

    /** Every member (and reserved joiner) with its address. */
    public Map<Long, String> peers() {
        return runtime.peers();
    }

    /**
     * Role, term, leader, commit, applied and last index, membership, and on the leader each member's match,
     * next, progress state, inflight count, last contact and heartbeat round trip.
     */
    public CompletableFuture<NodeStatus> status() {
        return runtime.status();
    }

    /** {@link #status()} as JSON (what {@code raftify-cli describe node} shows). */
    public CompletableFuture<String> inspect() {
        return runtime.status().thenApply(RaftServiceImpl::toJson);
    }

    /** Whether this node led as of the last loop iteration (cheap; for routing, not for correctness). */
    public boolean isLeader() {
        return runtime.lastStatus().getRole() == Role.LEADER;
    }

    /** The leader this node knows of, or 0 (as of the last loop iteration). */
    public long leaderId() {
        return runtime.lastStatus().getLeaderId();
    }

    /** The index of the last entry this node's state machine applied. */
    public long appliedIndex() {
        return runtime.appliedIndex();
    }

    private static ConfChangeV2 single(ConfChangeType type, long nodeId) {
        return ConfChangeV2.newBuilder()
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(type).setNodeId(nodeId))
                .build();
    }
}

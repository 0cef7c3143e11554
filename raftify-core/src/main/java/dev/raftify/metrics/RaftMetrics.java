package dev.raftify.metrics;

import dev.raftify.proto.service.NodeStatus;

/**
 * What a node reports about itself while it runs. Calls come from Raftify's threads and must be cheap and
 * non-blocking. {@link #NOOP} ignores everything; {@link MicrometerRaftMetrics} records to a Micrometer
 * registry (Micrometer is an optional dependency: add it to use that class).
 */
public interface RaftMetrics {

    /** Ignores everything. */
    RaftMetrics NOOP = new RaftMetrics() {};

    /** A proposal this node made was committed, {@code nanos} after it was proposed. */
    default void proposalCommitted(long nanos) {}

    /** A proposal this node made was applied, {@code nanos} after it was proposed. */
    default void proposalApplied(long nanos) {}

    /** A proposal failed (dropped, timed out, overwritten, node closed). */
    default void proposalFailed(String reason) {}

    /** One Ready was persisted: one storage transaction carrying {@code entries} entries of {@code bytes} bytes. */
    default void readyPersisted(long nanos, int entries, long bytes) {}

    /** This node started an election (became a candidate). */
    default void electionStarted() {}

    /** The leader this node knows changed (to {@code leaderId}, 0 when unknown). */
    default void leaderChanged(long leaderId) {}

    /** A snapshot was taken and the log compacted. */
    default void snapshotTaken(long nanos, long bytes) {}

    /** The JVM stopped this process for {@code millis} (a GC pause, a stall): long pauses cause needless elections. */
    default void pauseDetected(long millis) {}

    /** The node's status, refreshed every tick: gauges (apply lag, per-peer lag and inflight) read from it. */
    default void status(NodeStatus status) {}
}

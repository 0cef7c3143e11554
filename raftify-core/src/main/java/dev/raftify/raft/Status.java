package dev.raftify.raft;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.HardState;
import java.util.Map;

/**
 * A snapshot of a node's Raft state, for observability.
 *
 * @param progress on the leader, each member's replication progress by id; empty elsewhere
 */
public record Status(
        long id,
        HardState hardState,
        SoftState softState,
        long applied,
        long firstIndex,
        long lastIndex,
        long persisted,
        ConfState confState,
        long leadTransferee,
        Map<Long, PeerProgress> progress) {

    /** The leader's view of one member. */
    public record PeerProgress(long matchIndex, long nextIndex, String state, int inflight, boolean isLearner,
            boolean recentActive, long pendingSnapshot) {}
}

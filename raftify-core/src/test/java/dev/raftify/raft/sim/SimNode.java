package dev.raftify.raft.sim;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.raft.RawNode;
import dev.raftify.raft.ReadState;
import dev.raftify.storage.MemStorage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated server. Its {@link MemStorage} is its disk and survives crashes; everything else (the RawNode,
 * the state machine, entries handed out but not yet applied, answered reads not yet served) is memory and is
 * lost by a crash. The durable part of the state machine is the latest stored snapshot: a restart rebuilds the
 * state from it and Raft replays the committed entries after it.
 */
final class SimNode {

    /** A read whose index arrived; it is served (and checked) once the state machine reaches the index. */
    record AnsweredRead(ReadState state, Simulation.ReadRecord request) {}

    final long id;
    final MemStorage storage;
    /** What the RawNode reads: {@link #storage}, plus snapshot requests to the runtime. */
    final OnDemandSnapshots storageView;

    /** Null while the node is down. */
    RawNode raw;
    /** Bumped at every start, so late news for an earlier incarnation (snapshot reports) can be ignored. */
    int incarnation;
    /** Removed from the membership and stopped for good. */
    boolean removed;
    /** When set, the membership that no longer includes this node; it shuts down once that one is in force. */
    ConfState removedBy;
    /** The index of the change that removed this node. */
    long removedAt;

    StateMachine sm;
    /** The membership as of the state machine's applied index (what a snapshot taken now must record). */
    ConfState appliedConf;
    /** Committed entries and snapshots handed out by Readies but not yet applied (asynchronous apply). */
    final ArrayDeque<Object> applyQueue = new ArrayDeque<>();
    final List<AnsweredRead> answeredReads = new ArrayList<>();

    /** When set, the time at which this incarnation crashes (a leader crashing soon after its election). */
    long crashAt;
    /** The commit index seen at the last check of this incarnation: it must never go back. */
    long lastCommit;
    /** Leader completeness progress: the term it was checked for, and the next committed index to check. */
    long completenessTerm = -1;
    long completenessFrom;

    SimNode(long id, MemStorage storage) {
        this.id = id;
        this.storage = storage;
        this.storageView = new OnDemandSnapshots(storage);
    }

    boolean up() {
        return raw != null;
    }

    /** Loses everything that is not on disk. */
    void crash() {
        raw = null;
        sm = null;
        appliedConf = null;
        applyQueue.clear();
        answeredReads.clear();
        completenessTerm = -1;
        crashAt = 0;
    }
}

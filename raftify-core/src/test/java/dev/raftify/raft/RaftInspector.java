package dev.raftify.raft;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.storage.CompactedException;
import dev.raftify.storage.UnavailableException;
import java.util.List;

/**
 * Read-only views of a {@link RawNode}'s internals for the cluster simulation ({@code dev.raftify.raft.sim}),
 * which lives in another package. It sits in test sources of this package so that the core itself needs no
 * extra public surface; every method only reads, so it cannot change what the node does. Unlike
 * {@link RawNode#status()} it allocates nothing per call, which matters when invariants are checked after every
 * simulated step.
 */
public final class RaftInspector {
    private RaftInspector() {}

    public static long term(RawNode n) {
        return n.raft().term;
    }

    public static StateRole role(RawNode n) {
        return n.raft().state;
    }

    public static long leaderId(RawNode n) {
        return n.raft().leaderId;
    }

    /** The in-memory commit index (may be ahead of the persisted hard state). */
    public static long committed(RawNode n) {
        return n.raft().raftLog.committed();
    }

    public static long applied(RawNode n) {
        return n.raft().raftLog.applied();
    }

    public static long firstIndex(RawNode n) {
        return n.raft().raftLog.firstIndex();
    }

    public static long lastIndex(RawNode n) {
        return n.raft().raftLog.lastIndex();
    }

    /**
     * The term of the entry at {@code index} in the node's log (stored or unstable), or -1 when the log no longer
     * (compacted) or not yet (past the end) holds it. The index just before the first entry answers with the
     * snapshot's term.
     */
    public static long termAt(RawNode n, long index) {
        try {
            return n.raft().raftLog.term(index);
        } catch (CompactedException | UnavailableException e) {
            return -1;
        }
    }

    /** Entries {@code [lo, hi)} of the node's log; all of them must still be in it. */
    public static List<Entry> entries(RawNode n, long lo, long hi) {
        return n.raft().raftLog.slice(lo, hi, Long.MAX_VALUE);
    }

    /** The membership the node currently acts on (that of the last change it applied or snapshot it restored). */
    public static ConfState confState(RawNode n) {
        return n.raft().prs.confState();
    }

    /** Whether {@code id} is a member (voter, outgoing voter or learner) in the node's current membership. */
    public static boolean isMember(RawNode n, long id) {
        return n.raft().prs.get(id) != null;
    }

    /** Whether the node's current membership is joint. */
    public static boolean isJoint(RawNode n) {
        return n.raft().prs.config().voters().isJoint();
    }

    /** Whether the node's current (joint) membership is left automatically. */
    public static boolean autoLeave(RawNode n) {
        return n.raft().prs.config().autoLeave();
    }

    /** The leader's target of an ongoing leadership transfer, or 0. */
    public static long leadTransferee(RawNode n) {
        return n.raft().leadTransferee;
    }
}

package dev.raftify.node;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.storage.RaftState;
import dev.raftify.storage.SnapshotTemporarilyUnavailableException;
import dev.raftify.storage.Storage;
import java.util.List;

/**
 * The storage as the consensus core sees it, except that a stored snapshot unfit for its target is refused: one
 * older than the index the follower asked for, or one whose membership does not include the follower (taken
 * before the follower was added: the follower would rightly reject it). Then a fresh snapshot is requested, and
 * the core retries on its next attempt to replicate.
 */
final class SnapshotSource implements Storage {
    private final Storage storage;
    private final Runnable requestFreshSnapshot;

    SnapshotSource(Storage storage, Runnable requestFreshSnapshot) {
        this.storage = storage;
        this.requestFreshSnapshot = requestFreshSnapshot;
    }

    @Override
    public Snapshot snapshot(long requestIndex, long toPeer) {
        Snapshot s;
        try {
            s = storage.snapshot(requestIndex, toPeer);
        } catch (SnapshotTemporarilyUnavailableException e) {
            requestFreshSnapshot.run();
            throw e;
        }
        if (!includes(s.getMetadata().getConfState(), toPeer)) {
            requestFreshSnapshot.run();
            throw new SnapshotTemporarilyUnavailableException("the stored snapshot at index "
                    + s.getMetadata().getIndex() + " predates node " + toPeer + "'s membership; taking a new one");
        }
        return s;
    }

    private static boolean includes(ConfState cs, long id) {
        return cs.getVotersList().contains(id) || cs.getLearnersList().contains(id)
                || cs.getVotersOutgoingList().contains(id) || cs.getLearnersNextList().contains(id);
    }

    @Override
    public RaftState initialState() {
        return storage.initialState();
    }

    @Override
    public List<Entry> entries(long low, long high, long maxSize) {
        return storage.entries(low, high, maxSize);
    }

    @Override
    public long term(long index) {
        return storage.term(index);
    }

    @Override
    public long firstIndex() {
        return storage.firstIndex();
    }

    @Override
    public long lastIndex() {
        return storage.lastIndex();
    }
}

package dev.raftify.raft.sim;

import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.RaftState;
import dev.raftify.storage.SnapshotTemporarilyUnavailableException;
import dev.raftify.storage.Storage;
import java.util.List;

/**
 * What a node's RawNode reads: its {@link MemStorage}, except that asking for a snapshot newer than the stored
 * one also asks the runtime to make one. That is the contract of
 * {@link SnapshotTemporarilyUnavailableException} ("the core will try again"): a runtime builds the snapshot
 * in the background (here: at the start of the next step) and the leader's next attempt finds it. Without it a
 * follower that requested a snapshot would wait forever.
 */
final class OnDemandSnapshots implements Storage {
    private final MemStorage disk;
    private boolean wanted;

    OnDemandSnapshots(MemStorage disk) {
        this.disk = disk;
    }

    /** Whether the core asked for a newer snapshot since the last call; clears the request. */
    boolean takeRequest() {
        boolean w = wanted;
        wanted = false;
        return w;
    }

    @Override
    public Snapshot snapshot(long requestIndex, long toPeer) {
        try {
            return disk.snapshot(requestIndex, toPeer);
        } catch (SnapshotTemporarilyUnavailableException e) {
            wanted = true;
            throw e;
        }
    }

    @Override
    public RaftState initialState() {
        return disk.initialState();
    }

    @Override
    public List<Entry> entries(long low, long high, long maxSize) {
        return disk.entries(low, high, maxSize);
    }

    @Override
    public long term(long index) {
        return disk.term(index);
    }

    @Override
    public long firstIndex() {
        return disk.firstIndex();
    }

    @Override
    public long lastIndex() {
        return disk.lastIndex();
    }
}

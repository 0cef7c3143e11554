package dev.raftify.storage;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Snapshot;
import java.util.Map;

/**
 * Storage the runtime writes to. Every method returns only once its effect is durable (for LMDB: fsynced),
 * so an acknowledgement sent after it returns can never be lost by a crash.
 */
public interface MutableStorage extends Storage, AutoCloseable {

    /** Persists one Ready's worth of state atomically; see {@link WriteBatch} for the order. */
    void write(WriteBatch batch);

    /**
     * Stores a snapshot of the applied state at {@code index} and drops the entries it covers, in one atomic
     * step: after a crash either the old snapshot and the old log are there, or the new snapshot and the
     * shortened log. (Compacting first and storing the snapshot second could lose committed entries.)
     *
     * @param index the applied index the snapshot covers; must be within {@code [firstIndex() - 1, lastIndex()]}
     * @param confState the membership as of {@code index}
     * @param data the state machine's snapshot
     * @return the stored snapshot, with its metadata (index, term of the entry at index, membership)
     * @throws SnapshotOutOfDateException if {@code index} is below the stored snapshot's index
     * @throws UnavailableException if {@code index > lastIndex()}
     */
    Snapshot createSnapshot(long index, ConfState confState, ByteString data);

    /** The stored peer address book (node id to address), as last replaced by {@link WriteBatch#peers()}. */
    Map<Long, String> peers();

    @Override
    void close();
}

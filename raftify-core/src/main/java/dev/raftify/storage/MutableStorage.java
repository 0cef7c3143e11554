package dev.raftify.storage;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Snapshot;
import java.io.IOException;
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
     * <p>A store that keeps snapshot data in files (LMDB) writes the file first and makes it durable, then records
     * the snapshot and compacts the log in one transaction; a file that no committed state refers to is deleted.
     *
     * @param index the applied index the snapshot covers; must be within {@code [firstIndex() - 1, lastIndex()]}
     * @param confState the membership as of {@code index}
     * @param data the snapshot's data: the value {@link SnapshotWriter#seal()} returned for a writer of this store
     *     (the runtime streams large snapshots that way), or the data itself
     * @return the stored snapshot, with its metadata (index, term of the entry at index, membership); its data is
     *     what {@link #snapshot} returns too (for LMDB a reference to the file, read it with {@link #openSnapshot})
     * @throws SnapshotOutOfDateException if {@code index} is below the stored snapshot's index
     * @throws UnavailableException if {@code index > lastIndex()}
     */
    Snapshot createSnapshot(long index, ConfState confState, ByteString data);

    /**
     * Starts writing the data of a new snapshot: one the runtime takes of its state machine, or one it receives from
     * the leader. By default the data is kept in memory; LMDB streams it into a file in the store's directory.
     *
     * @param expectedSize the size the data will have when it is known in advance (a snapshot received from the
     *     leader), else -1
     * @throws StorageException if a snapshot of {@code expectedSize} bytes would not fit on the store's disk
     * @throws IOException if the data cannot be created
     */
    default SnapshotWriter newSnapshotWriter(long expectedSize) throws IOException {
        return InMemorySnapshots.writer();
    }

    /**
     * Opens the data of {@code snapshot} for streaming: a snapshot this store returned ({@link #snapshot},
     * {@link #createSnapshot}), or one whose data a writer of this store sealed and that was not closed yet. For a
     * snapshot whose data is not a reference of this store, the reader reads the data itself.
     *
     * @throws IOException if the data cannot be opened (a file replaced by a newer snapshot meanwhile, for one)
     * @throws StorageException if the stored data is damaged (its file has another size than recorded)
     */
    default SnapshotReader openSnapshot(Snapshot snapshot) throws IOException {
        return InMemorySnapshots.reader(snapshot.getData());
    }

    /** The stored peer address book (node id to address), as last replaced by {@link WriteBatch#peers()}. */
    Map<Long, String> peers();

    @Override
    void close();
}

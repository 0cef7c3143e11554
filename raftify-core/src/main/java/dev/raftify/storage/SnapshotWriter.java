package dev.raftify.storage;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The data of a new snapshot, being written into a store: the runtime streams the state machine (or a snapshot
 * received from the leader) into {@link #stream()}, then {@link #seal() seals} it. A sealed snapshot is durable but
 * not yet the store's snapshot: it becomes that when a {@link dev.raftify.proto.eraftpb.Snapshot} whose data is the
 * sealed value is passed to {@link MutableStorage#createSnapshot} or {@link MutableStorage#write}.
 *
 * <p>Always {@link #close()} a writer (try-with-resources): that deletes the data unless the store took it over, so
 * an abandoned or refused snapshot leaves nothing behind. Used by one thread at a time.
 */
public interface SnapshotWriter extends AutoCloseable {

    /** Where the data goes. Closing this stream neither seals nor abandons the snapshot. */
    OutputStream stream();

    /** How many bytes were written so far. */
    long size();

    /**
     * Ends the writing and makes the data durable (for files: fsynced).
     *
     * @return the value to put in {@code Snapshot.data}: a reference to the data for a store that keeps it in files,
     *     the data itself for one that keeps it in memory. Small in the first case.
     * @throws IOException if the data cannot be made durable; the writer must then be closed
     */
    ByteString seal() throws IOException;

    /** Deletes the data unless a store took it over; idempotent. */
    @Override
    void close();
}

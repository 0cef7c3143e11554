package dev.raftify.storage;

import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Snapshot;
import java.util.List;

/**
 * What the consensus core reads from stable storage. The core never writes through this interface: the caller
 * persists what {@code Ready} hands out (see {@link MutableStorage}) and only then tells the core.
 *
 * <p>Indexes: the log holds entries {@code [firstIndex(), lastIndex()]}. Everything at or below
 * {@code firstIndex() - 1} is covered by the latest snapshot, whose index and term are still answered by
 * {@link #term(long)}. An empty log after a snapshot at index {@code s} has {@code firstIndex() == s + 1} and
 * {@code lastIndex() == s}.
 *
 * <p>Implementations are called from a single thread (the one that owns the RawNode) but must tolerate other
 * threads writing through {@link MutableStorage}.
 */
public interface Storage {

    /** The hard state and membership stored at start-up. */
    RaftState initialState();

    /**
     * Entries {@code [low, high)}, stopping early once their total encoded size passes {@code maxSize}; at least
     * one entry is returned whenever {@code low < high}, whatever its size.
     *
     * @throws CompactedException if {@code low < firstIndex()}
     * @throws UnavailableException if {@code high > lastIndex() + 1}
     */
    List<Entry> entries(long low, long high, long maxSize);

    /**
     * The term of the entry at {@code index}, for any index in {@code [firstIndex() - 1, lastIndex()]}.
     *
     * @throws CompactedException if {@code index < firstIndex() - 1}
     * @throws UnavailableException if {@code index > lastIndex()}
     */
    long term(long index);

    /** The index of the first entry still in the log (the snapshot index + 1). */
    long firstIndex();

    /** The index of the last entry in the log, or the snapshot index when the log is empty. */
    long lastIndex();

    /**
     * The latest snapshot, to send to {@code toPeer}. Its index must be at least {@code requestIndex}.
     *
     * @throws SnapshotTemporarilyUnavailableException if no such snapshot is ready yet; the core will try again
     */
    Snapshot snapshot(long requestIndex, long toPeer);
}

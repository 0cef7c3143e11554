package dev.raftify.storage;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one {@code Ready} asks to persist, written atomically and durably by
 * {@link MutableStorage#write(WriteBatch)}: first the snapshot (if any), then the entries (truncating any
 * conflicting suffix), then the hard state, the membership and the peer address book. One batch costs one fsync.
 *
 * @param snapshot a snapshot received from the leader, or {@code null}; its data is the value a
 *     {@link SnapshotWriter} of the store sealed (which the store then takes over), or the data itself
 * @param entries entries to append, contiguous and in index order; may be empty
 * @param hardState the new hard state, or {@code null} if unchanged
 * @param confState the new membership, or {@code null} if unchanged
 * @param peers the complete peer address book (node id to address), replacing the stored one, or {@code null}
 *     if unchanged; persisted in the same transaction so that a membership change and the address of the node it
 *     adds can never be separated by a crash
 */
public record WriteBatch(
        Snapshot snapshot, List<Entry> entries, HardState hardState, ConfState confState, Map<Long, String> peers) {
    public WriteBatch {
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
        requireContiguous(entries);
        peers = peers == null ? null : Map.copyOf(peers);
    }

    /** A batch that leaves the peer address book unchanged. */
    public WriteBatch(Snapshot snapshot, List<Entry> entries, HardState hardState, ConfState confState) {
        this(snapshot, entries, hardState, confState, null);
    }

    public static WriteBatch ofEntries(List<Entry> entries) {
        return new WriteBatch(null, entries, null, null);
    }

    public static WriteBatch ofHardState(HardState hardState) {
        return new WriteBatch(null, List.of(), hardState, null);
    }

    public boolean isEmpty() {
        return snapshot == null && entries.isEmpty() && hardState == null && confState == null && peers == null;
    }

    /**
     * Rejects entries whose indexes are not consecutive: storing them would break the log's numbering.
     *
     * @throws IllegalArgumentException naming the first index out of sequence
     */
    public static void requireContiguous(List<Entry> entries) {
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).getIndex() != entries.get(i - 1).getIndex() + 1) {
                throw new IllegalArgumentException("entries are not contiguous: index " + entries.get(i).getIndex()
                        + " follows " + entries.get(i - 1).getIndex());
            }
        }
    }
}

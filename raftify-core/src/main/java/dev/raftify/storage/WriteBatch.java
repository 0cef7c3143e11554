package dev.raftify.storage;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Snapshot;
import java.util.List;
import java.util.Objects;

/**
 * Everything one {@code Ready} asks to persist, written atomically and durably by
 * {@link MutableStorage#write(WriteBatch)}: first the snapshot (if any), then the entries (truncating any
 * conflicting suffix), then the hard state and the membership. One batch costs one fsync.
 *
 * @param snapshot a snapshot received from the leader, or {@code null}
 * @param entries entries to append, contiguous and in index order; may be empty
 * @param hardState the new hard state, or {@code null} if unchanged
 * @param confState the new membership, or {@code null} if unchanged
 */
public record WriteBatch(Snapshot snapshot, List<Entry> entries, HardState hardState, ConfState confState) {
    public WriteBatch {
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
    }

    public static WriteBatch ofEntries(List<Entry> entries) {
        return new WriteBatch(null, entries, null, null);
    }

    public static WriteBatch ofHardState(HardState hardState) {
        return new WriteBatch(null, List.of(), hardState, null);
    }

    public boolean isEmpty() {
        return snapshot == null && entries.isEmpty() && hardState == null && confState == null;
    }
}

package dev.raftify.raft;

import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of the log that the caller has not yet persisted: entries appended since the last {@code Ready} was
 * persisted, and possibly a snapshot received from the leader. Entry {@code entries.get(i)} has index
 * {@code offset + i}; a snapshot, if present, ends at {@code offset - 1}.
 */
final class Unstable {
    private Snapshot snapshot;
    private final ArrayList<Entry> entries = new ArrayList<>();
    private long offset;

    Unstable(long offset) {
        this.offset = offset;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    long offset() {
        return offset;
    }

    List<Entry> entries() {
        return entries;
    }

    /** The first index known only here (just after the unstable snapshot), or -1 when it is not known here. */
    long maybeFirstIndex() {
        return snapshot == null ? -1 : snapshot.getMetadata().getIndex() + 1;
    }

    /** The last index known here, or -1. */
    long maybeLastIndex() {
        if (!entries.isEmpty()) {
            return offset + entries.size() - 1;
        }
        return snapshot == null ? -1 : snapshot.getMetadata().getIndex();
    }

    /** The term of the entry at {@code index} if it is known here, or -1. */
    long maybeTerm(long index) {
        if (index < offset) {
            if (snapshot != null && snapshot.getMetadata().getIndex() == index) {
                return snapshot.getMetadata().getTerm();
            }
            return -1;
        }
        long last = maybeLastIndex();
        if (last < 0 || index > last) {
            return -1;
        }
        return entries.get((int) (index - offset)).getTerm();
    }

    /** The entries up to {@code index} (with term {@code term}) are now on disk: forget them. */
    void stableTo(long index, long term) {
        long t = maybeTerm(index);
        // A mismatch means the entry was overwritten by a newer leader after the Ready was taken; it stays unstable.
        if (t != term || index < offset) {
            return;
        }
        int n = (int) (index + 1 - offset);
        entries.subList(0, n).clear();
        offset = index + 1;
        entries.trimToSize();
    }

    void stableSnapTo(long index) {
        if (snapshot != null && snapshot.getMetadata().getIndex() == index) {
            snapshot = null;
        }
    }

    void restore(Snapshot s) {
        entries.clear();
        offset = s.getMetadata().getIndex() + 1;
        snapshot = s;
    }

    /** Appends entries, first dropping whatever they overwrite. */
    void truncateAndAppend(List<Entry> ents) {
        if (ents.isEmpty()) {
            return;
        }
        long after = ents.get(0).getIndex();
        if (after == offset + entries.size()) {
            entries.addAll(ents);
        } else if (after <= offset) {
            // Replaces everything here, and tells the caller's storage to truncate from `after` when persisted.
            offset = after;
            entries.clear();
            entries.addAll(ents);
        } else {
            entries.subList((int) (after - offset), entries.size()).clear();
            entries.addAll(ents);
        }
    }

    /** Entries {@code [lo, hi)}, all of which must be here. */
    List<Entry> slice(long lo, long hi) {
        if (lo > hi || lo < offset || hi > offset + entries.size()) {
            throw new IllegalStateException(
                    "unstable.slice[" + lo + "," + hi + ") out of bound [" + offset + "," + (offset + entries.size()) + "]");
        }
        return new ArrayList<>(entries.subList((int) (lo - offset), (int) (hi - offset)));
    }
}

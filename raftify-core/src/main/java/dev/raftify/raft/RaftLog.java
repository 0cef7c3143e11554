package dev.raftify.raft;

import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.storage.CompactedException;
import dev.raftify.storage.Storage;
import dev.raftify.storage.UnavailableException;
import java.util.ArrayList;
import java.util.List;

/**
 * The log as the consensus core sees it: what storage holds, followed by what is not yet persisted
 * ({@link Unstable}), with the commit, persisted, applying and applied indexes.
 *
 * <p>Invariants: {@code applied <= applying <= committed}, {@code applying <= max(persisted, snapshot index)}.
 * Committed entries are handed out for applying only once they are persisted locally, so a node never applies
 * an entry it could lose in a crash.
 */
final class RaftLog {
    private final Storage storage;
    private final Unstable unstable;
    private final long maxApplyingSize;

    /** The highest index known to be committed by a quorum. */
    private long committed;
    /** The highest index known to be on this node's disk. */
    private long persisted;
    /** The highest index handed to the application for applying. */
    private long applying;
    /** The highest index the application reported applied. */
    private long applied;

    RaftLog(Storage storage, long maxApplyingSize) {
        this.storage = storage;
        this.maxApplyingSize = maxApplyingSize;
        long first = storage.firstIndex();
        long last = storage.lastIndex();
        this.unstable = new Unstable(last + 1);
        this.committed = first - 1;
        this.applying = first - 1;
        this.applied = first - 1;
        this.persisted = last;
    }

    Storage storage() {
        return storage;
    }

    Unstable unstable() {
        return unstable;
    }

    long committed() {
        return committed;
    }

    long persisted() {
        return persisted;
    }

    long applied() {
        return applied;
    }

    long applying() {
        return applying;
    }

    long firstIndex() {
        long i = unstable.maybeFirstIndex();
        return i >= 0 ? i : storage.firstIndex();
    }

    long lastIndex() {
        long i = unstable.maybeLastIndex();
        return i >= 0 ? i : storage.lastIndex();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /**
     * The term of the entry at {@code index}.
     *
     * @throws CompactedException if it was compacted away
     * @throws UnavailableException if it is past the last index
     */
    long term(long index) {
        long dummy = firstIndex() - 1;
        if (index < dummy) {
            throw new CompactedException(index, dummy + 1);
        }
        if (index > lastIndex()) {
            throw new UnavailableException(index, lastIndex());
        }
        long t = unstable.maybeTerm(index);
        return t >= 0 ? t : storage.term(index);
    }

    /** The term at {@code index}, or 0 if it is compacted or not in the log: for comparisons only. */
    long termOrZero(long index) {
        try {
            return term(index);
        } catch (CompactedException | UnavailableException e) {
            return 0;
        }
    }

    boolean matchTerm(long index, long term) {
        try {
            return term(index) == term;
        } catch (CompactedException | UnavailableException e) {
            return false;
        }
    }

    /**
     * Raft §5.4.1: a candidate's log is at least as up to date as ours if its last term is higher, or equal with
     * a last index at least ours.
     */
    boolean isUpToDate(long lastIndex, long term) {
        long ourTerm = lastTerm();
        return term > ourTerm || (term == ourTerm && lastIndex >= lastIndex());
    }

    /**
     * Appends a leader's entries that follow {@code (index, logTerm)} if our log has that entry (the log-matching
     * check), truncating any conflicting suffix, and learns the leader's commit.
     *
     * @return the index of the last new entry, or -1 if the log-matching check failed
     */
    long maybeAppend(long index, long logTerm, long leaderCommit, List<Entry> ents) {
        if (!matchTerm(index, logTerm)) {
            return -1;
        }
        long lastNew = index + ents.size();
        long conflict = findConflict(ents);
        if (conflict != 0) {
            if (conflict <= committed) {
                throw new IllegalStateException(
                        "entry " + conflict + " conflicts with committed entry (committed " + committed + ")");
            }
            int start = (int) (conflict - (index + 1));
            append(ents.subList(start, ents.size()));
        }
        // Only what the leader sent is known to match: entries past lastNew may be stale.
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    /**
     * The index of the first entry in {@code ents} whose term differs from ours, or of the first new entry if all
     * present ones match; 0 if every entry is already in the log.
     */
    long findConflict(List<Entry> ents) {
        for (Entry e : ents) {
            if (!matchTerm(e.getIndex(), e.getTerm())) {
                return e.getIndex();
            }
        }
        return 0;
    }

    /**
     * Fast backtracking: the largest index at or below {@code index} whose term is at most {@code term}, and that
     * term. A follower answers a rejected append with this hint, and a leader uses it to skip over a whole term of
     * entries the follower cannot have, so a lagging follower is found in a few round trips.
     */
    long[] findConflictByTerm(long index, long term) {
        long i = index;
        while (true) {
            long t;
            try {
                t = term(i);
            } catch (CompactedException | UnavailableException e) {
                return new long[] {i, 0};
            }
            if (t <= term) {
                return new long[] {i, t};
            }
            i--;
        }
    }

    /** Appends entries to the unstable log; returns the new last index. */
    long append(List<Entry> ents) {
        if (ents.isEmpty()) {
            return lastIndex();
        }
        long after = ents.get(0).getIndex() - 1;
        if (after < committed) {
            throw new IllegalStateException("after(" + after + ") is out of range [committed(" + committed + ")]");
        }
        unstable.truncateAndAppend(ents);
        // A truncation below what was persisted means those persisted entries are no longer ours.
        if (persisted > after) {
            persisted = after;
        }
        return lastIndex();
    }

    List<Entry> unstableEntries() {
        return new ArrayList<>(unstable.entries());
    }

    /** Entries from {@code index} to the end, within {@code maxSize}. */
    List<Entry> entries(long index, long maxSize) {
        long last = lastIndex();
        if (index > last) {
            return List.of();
        }
        return slice(index, last + 1, maxSize);
    }

    /**
     * Entries {@code [lo, hi)}, at least one if the range is non-empty, stopping once over {@code maxSize}.
     *
     * @throws CompactedException if {@code lo} was compacted
     */
    List<Entry> slice(long lo, long hi, long maxSize) {
        if (lo > hi) {
            throw new IllegalArgumentException("invalid slice " + lo + " > " + hi);
        }
        long first = firstIndex();
        if (lo < first) {
            throw new CompactedException(lo, first);
        }
        long last = lastIndex();
        if (hi > last + 1) {
            throw new UnavailableException(hi - 1, last);
        }
        if (lo == hi) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        long uOffset = unstable.offset();
        if (lo < uOffset) {
            List<Entry> stored = storage.entries(lo, Math.min(hi, uOffset), maxSize);
            out.addAll(stored);
            // Storage stopped early because of the size limit: do not go on to the unstable part.
            if (stored.size() < Math.min(hi, uOffset) - lo) {
                return out;
            }
        }
        if (hi > uOffset) {
            out.addAll(unstable.slice(Math.max(lo, uOffset), hi));
        }
        return limitSize(out, maxSize);
    }

    static List<Entry> limitSize(List<Entry> ents, long maxSize) {
        if (ents.isEmpty() || maxSize == Long.MAX_VALUE) {
            return ents;
        }
        long size = 0;
        int n = 0;
        for (Entry e : ents) {
            size += e.getSerializedSize();
            if (n > 0 && size > maxSize) {
                break;
            }
            n++;
        }
        return n == ents.size() ? ents : new ArrayList<>(ents.subList(0, n));
    }

    /**
     * Raft §5.4.2 (Figure 8): a leader commits by counting replicas only for an entry of its current term.
     *
     * @return whether the commit index advanced
     */
    boolean maybeCommit(long maxIndex, long term) {
        if (maxIndex > committed && termOrZero(maxIndex) == term) {
            commitTo(maxIndex);
            return true;
        }
        return false;
    }

    void commitTo(long toCommit) {
        // The commit index never goes backwards.
        if (committed < toCommit) {
            if (lastIndex() < toCommit) {
                throw new IllegalStateException("tocommit(" + toCommit + ") is out of range [lastIndex("
                        + lastIndex() + ")]; was the raft log corrupted, truncated, or lost?");
            }
            committed = toCommit;
        }
    }

    /** The application handed out entries up to {@code index}; the next Ready starts after them. */
    void applyingTo(long index) {
        if (index > applying) {
            applying = index;
        }
    }

    void appliedTo(long index) {
        if (index == 0) {
            return;
        }
        if (index > committed || index < applied) {
            throw new IllegalStateException(
                    "applied(" + index + ") is out of range [prevApplied(" + applied + "), committed(" + committed + ")]");
        }
        applied = index;
        if (applying < index) {
            applying = index;
        }
    }

    /** Committed entries that may be applied: persisted, not yet handed out, within the size budget. */
    List<Entry> nextCommittedEntries() {
        long lo = Math.max(applying + 1, firstIndex());
        long hi = Math.min(committed, persisted) + 1;
        if (lo >= hi) {
            return List.of();
        }
        return slice(lo, hi, maxApplyingSize);
    }

    boolean hasNextCommittedEntries() {
        long lo = Math.max(applying + 1, firstIndex());
        long hi = Math.min(committed, persisted) + 1;
        return lo < hi;
    }

    /** Entries {@code (from, committed]} are committed but not applied: is any a membership change? */
    boolean hasUnappliedConfChanges() {
        long lo = Math.max(applied + 1, firstIndex());
        long hi = committed + 1;
        if (lo >= hi) {
            return false;
        }
        for (Entry e : slice(lo, hi, Long.MAX_VALUE)) {
            if (e.getEntryType() != dev.raftify.proto.eraftpb.EntryType.EntryNormal) {
                return true;
            }
        }
        return false;
    }

    /** A snapshot from the leader waits to be persisted and applied: until then this node must not campaign. */
    boolean unstableSnapshotPending() {
        return unstable.snapshot() != null;
    }

    /** The caller persisted entries up to {@code index} (with {@code term}). */
    void stableTo(long index, long term) {
        // Only an entry still ours counts: a newer leader may have replaced it since the Ready was taken.
        boolean stillOurs = unstable.maybeTerm(index) == term;
        unstable.stableTo(index, term);
        if (stillOurs && index > persisted) {
            persisted = index;
        }
    }

    void stableSnapTo(long index) {
        unstable.stableSnapTo(index);
        if (index > persisted) {
            persisted = index;
        }
    }

    /** The latest snapshot: the unstable one if present, else storage's. */
    Snapshot snapshot(long requestIndex, long toPeer) {
        Snapshot s = unstable.snapshot();
        if (s != null) {
            return s;
        }
        return storage.snapshot(requestIndex, toPeer);
    }

    /** Replaces the log with a snapshot received from the leader. */
    void restore(Snapshot snapshot) {
        long index = snapshot.getMetadata().getIndex();
        if (index < committed) {
            throw new IllegalStateException("snapshot index " + index + " < committed " + committed);
        }
        // The snapshot is not on disk yet: nothing after it is persisted, and what was persisted before is moot.
        if (persisted > index) {
            persisted = index;
        }
        committed = index;
        unstable.restore(snapshot);
    }

    @Override
    public String toString() {
        return "committed=" + committed + " persisted=" + persisted + " applying=" + applying + " applied=" + applied
                + " unstable.offset=" + unstable.offset() + " unstable.len=" + unstable.entries().size();
    }
}

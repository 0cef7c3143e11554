package dev.raftify.storage;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Storage held in memory: for tests and simulations. Thread-safe through its monitor.
 *
 * <p>The log is kept as a list whose slot 0 is a placeholder for the entry just before the first index (the
 * snapshot's index and term, or where {@link #compact(long)} cut), so that {@code term(firstIndex() - 1)} is
 * always answerable.
 */
public final class MemStorage implements MutableStorage {

    private HardState hardState = HardState.getDefaultInstance();
    private ConfState confState = ConfState.getDefaultInstance();
    private Snapshot snapshot = Snapshot.newBuilder().setMetadata(SnapshotMetadata.getDefaultInstance()).build();
    // entries.get(0) is the placeholder; entries.get(i) has index offset() + i.
    private final ArrayList<Entry> entries = new ArrayList<>();
    private Map<Long, String> peers = Map.of();

    public MemStorage() {
        entries.add(Entry.getDefaultInstance());
    }

    /** A store already holding a membership, as a node bootstrapped with these voters would have. */
    public static MemStorage withVoters(long... voters) {
        MemStorage s = new MemStorage();
        ConfState.Builder cs = ConfState.newBuilder();
        for (long v : voters) {
            cs.addVoters(v);
        }
        s.setConfState(cs.build());
        return s;
    }

    private long offset() {
        return entries.get(0).getIndex();
    }

    @Override
    public synchronized RaftState initialState() {
        return new RaftState(hardState, confState);
    }

    @Override
    public synchronized List<Entry> entries(long low, long high, long maxSize) {
        long offset = offset();
        if (low <= offset) {
            throw new CompactedException(low, offset + 1);
        }
        if (high > lastIndexLocked() + 1) {
            throw new UnavailableException(high - 1, lastIndexLocked());
        }
        if (low > high) {
            throw new IllegalArgumentException("low " + low + " > high " + high);
        }
        List<Entry> out = new ArrayList<>((int) (high - low));
        long size = 0;
        for (long i = low; i < high; i++) {
            Entry e = entries.get((int) (i - offset));
            size += e.getSerializedSize();
            if (!out.isEmpty() && size > maxSize) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public synchronized long term(long index) {
        long offset = offset();
        if (index < offset) {
            throw new CompactedException(index, offset + 1);
        }
        if (index - offset >= entries.size()) {
            throw new UnavailableException(index, lastIndexLocked());
        }
        return entries.get((int) (index - offset)).getTerm();
    }

    @Override
    public synchronized long firstIndex() {
        return offset() + 1;
    }

    @Override
    public synchronized long lastIndex() {
        return lastIndexLocked();
    }

    private long lastIndexLocked() {
        return offset() + entries.size() - 1;
    }

    @Override
    public synchronized Snapshot snapshot(long requestIndex, long toPeer) {
        if (snapshot.getMetadata().getIndex() < requestIndex) {
            throw new SnapshotTemporarilyUnavailableException(
                    "snapshot at " + snapshot.getMetadata().getIndex() + " is older than requested " + requestIndex);
        }
        return snapshot;
    }

    /** The latest stored snapshot (metadata index 0 when there is none). */
    public synchronized Snapshot latestSnapshot() {
        return snapshot;
    }

    public synchronized HardState hardState() {
        return hardState;
    }

    public synchronized ConfState confState() {
        return confState;
    }

    public synchronized void setHardState(HardState hs) {
        this.hardState = hs;
    }

    public synchronized void setConfState(ConfState cs) {
        this.confState = cs;
    }

    @Override
    public synchronized void write(WriteBatch batch) {
        if (batch.snapshot() != null) {
            applySnapshot(batch.snapshot());
        }
        if (!batch.entries().isEmpty()) {
            append(batch.entries());
        }
        if (batch.hardState() != null) {
            hardState = batch.hardState();
        }
        if (batch.confState() != null) {
            confState = batch.confState();
        }
        if (batch.peers() != null) {
            peers = batch.peers();
        }
    }

    @Override
    public synchronized Map<Long, String> peers() {
        return peers;
    }

    /**
     * Replaces the store's content with a snapshot received from the leader: every entry is dropped, since the
     * leader's snapshot supersedes whatever this log held up to its index.
     *
     * @throws SnapshotOutOfDateException if the store already has a newer snapshot
     */
    public synchronized void applySnapshot(Snapshot snap) {
        SnapshotMetadata meta = snap.getMetadata();
        if (meta.getIndex() < snapshot.getMetadata().getIndex()) {
            throw new SnapshotOutOfDateException(meta.getIndex(), snapshot.getMetadata().getIndex());
        }
        snapshot = snap;
        entries.clear();
        entries.add(Entry.newBuilder().setIndex(meta.getIndex()).setTerm(meta.getTerm()).build());
        confState = meta.getConfState();
        if (hardState.getCommit() < meta.getIndex()) {
            hardState = hardState.toBuilder().setCommit(meta.getIndex()).build();
        }
        if (hardState.getTerm() < meta.getTerm()) {
            hardState = hardState.toBuilder().setTerm(meta.getTerm()).build();
        }
    }

    /**
     * Appends entries, first dropping any existing entry at or after the first new index (a conflicting suffix
     * the leader has overwritten). Entries at or below the compacted prefix are ignored.
     *
     * @throws IllegalArgumentException if {@code ents} are not contiguous, or would leave a gap after the last index
     */
    public synchronized void append(List<Entry> ents) {
        if (ents.isEmpty()) {
            return;
        }
        WriteBatch.requireContiguous(ents);
        long first = firstIndex();
        long last = ents.get(ents.size() - 1).getIndex();
        if (last < first) {
            return;
        }
        int skip = first > ents.get(0).getIndex() ? (int) (first - ents.get(0).getIndex()) : 0;
        long start = ents.get(skip).getIndex();
        long offset = offset();
        if (start - offset > entries.size()) {
            throw new IllegalArgumentException(
                    "gap in log: appending at " + start + " after last index " + lastIndexLocked());
        }
        int keep = (int) (start - offset);
        while (entries.size() > keep) {
            entries.remove(entries.size() - 1);
        }
        for (int i = skip; i < ents.size(); i++) {
            entries.add(ents.get(i));
        }
    }

    /**
     * Drops the entries up to and including {@code compactIndex}, remembering its term, so that the first index
     * becomes {@code compactIndex + 1}. A test tool: unlike {@link #createSnapshot}, it stores no snapshot, so
     * the stored snapshot may no longer cover everything before the first index.
     */
    public synchronized void compact(long compactIndex) {
        long offset = offset();
        if (compactIndex <= offset) {
            return;
        }
        if (compactIndex > lastIndexLocked()) {
            throw new UnavailableException(compactIndex, lastIndexLocked());
        }
        int cut = (int) (compactIndex - offset);
        Entry newPlaceholder = Entry.newBuilder()
                .setIndex(entries.get(cut).getIndex())
                .setTerm(entries.get(cut).getTerm())
                .build();
        List<Entry> rest = new ArrayList<>(entries.subList(cut + 1, entries.size()));
        entries.clear();
        entries.add(newPlaceholder);
        entries.addAll(rest);
    }

    @Override
    public synchronized Snapshot createSnapshot(long index, ConfState cs, ByteString data) {
        long snapIndex = snapshot.getMetadata().getIndex();
        if (index < snapIndex) {
            throw new SnapshotOutOfDateException(index, snapIndex);
        }
        if (index > lastIndexLocked()) {
            throw new UnavailableException(index, lastIndexLocked());
        }
        long term = term(index);
        snapshot = Snapshot.newBuilder()
                .setData(data)
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(cs))
                .build();
        compact(index);
        // As LmdbStorage: a lazily written commit index may lag, and must not end up below the snapshot.
        if (hardState.getCommit() < index) {
            hardState = hardState.toBuilder().setCommit(index).build();
        }
        return snapshot;
    }

    @Override
    public void close() {
        // Nothing to release: the store lives only in memory.
    }
}

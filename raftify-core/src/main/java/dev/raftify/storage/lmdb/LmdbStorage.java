package dev.raftify.storage.lmdb;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.storage.MutableStorage;
import dev.raftify.storage.RaftState;
import dev.raftify.storage.SnapshotTemporarilyUnavailableException;
import dev.raftify.storage.WriteBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Raft storage in LMDB (lmdbjava): the log, hard state, membership, snapshot and peer address book of one node,
 * in one directory. Layout: {@code docs/storage-format.md}.
 *
 * <p>Every write method is one LMDB write transaction, and returns once it is on disk. {@link #write(WriteBatch)}
 * persists a whole Ready in one transaction, so a Ready costs one commit however many entries it carries.
 * {@link #createSnapshot} stores the snapshot and drops the log it covers in one transaction, so a crash leaves
 * either the old snapshot and old log or the new snapshot and the shortened log.
 *
 * <p>Open a node's store with {@link #open(Path, LmdbOptions)} (exclusive: one writer per directory) and inspect
 * one, even while its node runs, with {@link #openReadOnly(Path)}. Reading methods each see one committed state;
 * use {@link #readView()} to read several things from the same state. Thread-safe.
 */
public final class LmdbStorage implements MutableStorage {

    private final LmdbEnv env;

    private LmdbStorage(LmdbEnv env) {
        this.env = env;
    }

    /** Opens (creating it if missing) the store of a node, read-write, with default options. */
    public static LmdbStorage open(Path directory) {
        return open(directory, LmdbOptions.defaults());
    }

    /**
     * Opens a node's store read-write, taking the directory's exclusive lock.
     *
     * @throws StoreLockedException if another process (or this one) has it open read-write
     * @throws StoreNotFoundException if it does not exist and {@link LmdbOptions#createIfMissing()} is off
     * @throws NotARaftifyStoreException if the directory holds something else
     * @throws UnsupportedFormatVersionException if the store was written in another format version
     * @throws CorruptStoreException if a store file is damaged
     */
    public static LmdbStorage open(Path directory, LmdbOptions options) {
        return new LmdbStorage(StoreOpener.openReadWrite(directory, options));
    }

    /**
     * Opens a store for inspection: creates and modifies no file, and works while a node has the store open. Write
     * methods throw. Same exceptions as {@link #open(Path, LmdbOptions)}, except that a missing directory is
     * always {@link StoreNotFoundException} and no lock is taken.
     */
    public static LmdbStorage openReadOnly(Path directory) {
        return new LmdbStorage(StoreOpener.openReadOnly(directory));
    }

    public Path directory() {
        return env.directory;
    }

    public boolean isReadOnly() {
        return env.readOnly;
    }

    /** The current size of LMDB's memory map in bytes (it grows when the store fills). */
    public long mapSize() {
        return env.mapSize();
    }

    /** A consistent view of the store (one read transaction); close it promptly. */
    public LmdbReadView readView() {
        return new LmdbReadView(env);
    }

    private <T> T read(Function<LmdbReadView, T> body) {
        return env.read(body);
    }

    // ---- Storage: what the consensus core reads ----

    @Override
    public RaftState initialState() {
        return read(v -> new RaftState(v.hardState(), v.confState()));
    }

    @Override
    public List<Entry> entries(long low, long high, long maxSize) {
        return read(v -> v.entries(low, high, maxSize));
    }

    @Override
    public long term(long index) {
        return read(v -> v.term(index));
    }

    @Override
    public long firstIndex() {
        return read(LmdbReadView::firstIndex);
    }

    @Override
    public long lastIndex() {
        return read(LmdbReadView::lastIndex);
    }

    @Override
    public Snapshot snapshot(long requestIndex, long toPeer) {
        return read(v -> {
            SnapshotMetadata meta = v.snapshotMetadata();
            if (meta.getIndex() < requestIndex) {
                throw new SnapshotTemporarilyUnavailableException(
                        "snapshot at " + meta.getIndex() + " is older than requested " + requestIndex);
            }
            return Snapshot.newBuilder().setMetadata(meta).setData(v.snapshotData()).build();
        });
    }

    // ---- Inspection (each call sees one committed state) ----

    /** The latest snapshot, metadata and data (index 0 and no data when none was ever stored). */
    public Snapshot latestSnapshot() {
        return read(LmdbReadView::snapshot);
    }

    public SnapshotMetadata snapshotMetadata() {
        return read(LmdbReadView::snapshotMetadata);
    }

    public HardState hardState() {
        return read(LmdbReadView::hardState);
    }

    public ConfState confState() {
        return read(LmdbReadView::confState);
    }

    public long formatVersion() {
        return read(LmdbReadView::formatVersion);
    }

    @Override
    public Map<Long, String> peers() {
        return read(LmdbReadView::peers);
    }

    /** See {@link LmdbReadView#forEachEntry}: streams entries in flat memory, from one consistent state. */
    public long forEachEntry(long from, long to, Consumer<? super Entry> action) {
        return read(v -> v.forEachEntry(from, to, action));
    }

    // ---- Writes: each one transaction, durable on return ----

    @Override
    public void write(WriteBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        env.write(txn -> {
            new LogWriter(env, txn).apply(batch);
            return null;
        });
    }

    @Override
    public Snapshot createSnapshot(long index, ConfState confState, ByteString data) {
        return env.write(txn -> new LogWriter(env, txn).createSnapshot(index, confState, data));
    }

    /** Appends entries, first dropping any conflicting suffix; see {@link dev.raftify.storage.MemStorage#append}. */
    public void append(List<Entry> entries) {
        write(WriteBatch.ofEntries(entries));
    }

    public void setHardState(HardState hardState) {
        write(WriteBatch.ofHardState(hardState));
    }

    public void setConfState(ConfState confState) {
        write(new WriteBatch(null, List.of(), null, confState));
    }

    /** Replaces the peer address book. */
    public void setPeers(Map<Long, String> peers) {
        write(new WriteBatch(null, List.of(), null, null, peers));
    }

    /** Installs a snapshot received from the leader: it replaces the whole log, membership and commit index. */
    public void applySnapshot(Snapshot snapshot) {
        write(new WriteBatch(snapshot, List.of(), null, null));
    }

    /**
     * Drops the entries up to and including {@code index}, keeping its term answerable. Unlike
     * {@link #createSnapshot}, it stores no snapshot: the caller must already hold one covering {@code index}.
     */
    public void compact(long index) {
        env.write(txn -> {
            new LogWriter(env, txn).compact(index);
            return null;
        });
    }

    /** Waits for this process's open reads, then closes LMDB and releases the directory's lock. */
    @Override
    public void close() {
        env.close();
    }
}

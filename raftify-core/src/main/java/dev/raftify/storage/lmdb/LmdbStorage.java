package dev.raftify.storage.lmdb;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.proto.service.SnapshotFile;
import dev.raftify.storage.MutableStorage;
import dev.raftify.storage.RaftState;
import dev.raftify.storage.SnapshotReader;
import dev.raftify.storage.SnapshotTemporarilyUnavailableException;
import dev.raftify.storage.SnapshotWriter;
import dev.raftify.storage.StorageException;
import dev.raftify.storage.WriteBatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raft storage in LMDB (lmdbjava): the log, hard state, membership, snapshot metadata and peer address book of one
 * node, in one directory, and the snapshot's data in a file of its {@code snapshots/} subdirectory (format version 2).
 * Layout: {@code docs/storage-format.md}.
 *
 * <p>Every write method is one LMDB write transaction, and returns once it is on disk. {@link #write(WriteBatch)}
 * persists a whole Ready in one transaction, so a Ready costs one commit however many entries it carries.
 * {@link #createSnapshot} first makes the snapshot's data file durable under its final name, then records the
 * snapshot and drops the log it covers in one transaction, so a crash leaves either the old snapshot and old log or
 * the new snapshot and the shortened log (plus, at worst, an orphan file the next read-write open deletes). Snapshot
 * data streams in through {@link #newSnapshotWriter} and out through {@link #openSnapshot}, never whole in memory.
 *
 * <p>Open a node's store with {@link #open(Path, LmdbOptions)} (exclusive: one writer per directory) and inspect
 * one, even while its node runs, with {@link #openReadOnly(Path)}. Reading methods each see one committed state;
 * use {@link #readView()} to read several things from the same state. Thread-safe.
 */
public final class LmdbStorage implements MutableStorage {

    /** Bytes a received snapshot must leave free on the store's file system, so that the log can still grow. */
    public static final long SNAPSHOT_DISK_RESERVE = 64L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(LmdbStorage.class);

    /** How many of the newest entries, and at most how many bytes of them, a read-write store keeps in memory. */
    static final int TAIL_ENTRIES = 4096;
    static final long TAIL_BYTES = 8L << 20;

    private final LmdbEnv env;
    /** Null when read-only: another process writes the log then, so only LMDB knows it. */
    private final LogTail tail;
    private volatile Runnable beforeSnapshotCommit = () -> { };

    private LmdbStorage(LmdbEnv env) {
        this(env, TAIL_ENTRIES, TAIL_BYTES);
    }

    private LmdbStorage(LmdbEnv env, int tailEntries, long tailBytes) {
        this.env = env;
        this.tail = env.readOnly ? null : new LogTail(tailEntries, tailBytes, env.read(v -> {
            long first = v.firstIndex();
            return new LogTail.Bounds(first, v.lastIndex(), v.term(first - 1));
        }));
    }

    /**
     * Runs {@code body} in one write transaction and then brings the in-memory tail in line with what committed;
     * {@code written} are the entries the body appends.
     */
    private <T> T commit(List<Entry> written, Function<LogWriter, T> body) {
        Object[] out = new Object[2];
        try {
            env.write(txn -> {
                LogWriter w = new LogWriter(env, txn);
                out[0] = body.apply(w);
                out[1] = w.bounds();
                return null;
            });
        } catch (RuntimeException | Error e) {
            // Whatever the failure left, LMDB knows; the tail forgets what it held.
            if (tail != null) {
                try {
                    tail.reset(env.read(v -> {
                        long first = v.firstIndex();
                        return new LogTail.Bounds(first, v.lastIndex(), v.term(first - 1));
                    }));
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
        if (tail != null) {
            tail.committed(written, (LogTail.Bounds) out[1]);
        }
        @SuppressWarnings("unchecked")
        T result = (T) out[0];
        return result;
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
        return open(directory, options, TAIL_ENTRIES, TAIL_BYTES);
    }

    /** Tests: a read-write store whose in-memory tail holds at most {@code tailEntries} / {@code tailBytes}. */
    static LmdbStorage open(Path directory, LmdbOptions options, int tailEntries, long tailBytes) {
        LmdbEnv env = StoreOpener.openReadWrite(directory, options);
        try {
            LmdbStorage storage = new LmdbStorage(env, tailEntries, tailBytes);
            storage.prepareSnapshotFiles();
            return storage;
        } catch (RuntimeException | Error e) {
            env.close();
            throw e;
        }
    }

    /**
     * At a read-write open: upgrades a format version 1 store (its snapshot's data moves from LMDB to a file),
     * deletes snapshot files no committed state refers to, and checks that the one it refers to is there whole.
     */
    private void prepareSnapshotFiles() {
        if (formatVersion() < LmdbFormat.FORMAT_VERSION) {
            env.snapshots.deleteOrphans(null);
            upgradeFromVersion1();
        }
        SnapshotFile current = read(LmdbReadView::snapshotFile);
        env.snapshots.deleteOrphans(current.getName().isEmpty() ? null : current.getName());
        if (!current.getName().isEmpty()) {
            try (SnapshotReader r = env.snapshots.open(current)) {
                // Opening checks existence and size; the checksum is verified whenever the data is read.
            } catch (NoSuchFileException e) {
                throw new CorruptStoreException(env.directory, "snapshot file " + current.getName()
                        + " is missing from " + env.snapshots.dir, e);
            } catch (IOException e) {
                throw new StorageException("cannot open snapshot file " + current.getName() + " of store at "
                        + env.directory + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Format version 1 kept the snapshot's data inside LMDB. It is copied, as it is, into a snapshot file (durable and
     * renamed before anything refers to it), then one transaction points at the file, drops the old record and sets
     * the version: a crash in between leaves a version 1 store and an orphan file, and the next open starts again.
     */
    private void upgradeFromVersion1() {
        SnapshotFile stored = null;
        SnapshotMetadata meta;
        try (SnapshotFiles.Writer w = env.snapshots.newWriter()) {
            try (LmdbReadView v = readView()) {
                meta = v.snapshotMetadata();
                if (meta.getIndex() > 0) {
                    try (SnapshotReader legacy = v.openSnapshot()) {
                        // Straight from the map to the file, in slices: never whole in the heap.
                        InputStream in = legacy.stream();
                        byte[] buf = new byte[64 * 1024];
                        for (int n; (n = in.read(buf)) > 0; ) {
                            w.stream().write(buf, 0, n);
                        }
                    }
                }
            }
            if (meta.getIndex() > 0) {
                w.seal();
                stored = env.snapshots.adopt(w.ref(), meta.getIndex(), meta.getTerm());
            }
        } catch (IOException e) {
            throw new StorageException("cannot move the snapshot of store at " + env.directory + " to a file: "
                    + e.getMessage(), e);
        }
        SnapshotFile file = stored;
        env.write(txn -> {
            new LogWriter(env, txn).finishUpgrade(file);
            return null;
        });
        LOG.info("store {}: upgraded to format version {}{}", env.directory, LmdbFormat.FORMAT_VERSION,
                file == null ? "" : " (snapshot data moved to " + LmdbFormat.SNAPSHOT_DIR + "/" + file.getName()
                        + ", " + file.getSize() + " bytes)");
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
        if (tail != null) {
            List<Entry> cached = tail.entries(low, high, maxSize);
            if (cached != null) {
                return cached;
            }
        }
        return read(v -> v.entries(low, high, maxSize));
    }

    @Override
    public long term(long index) {
        if (tail != null) {
            Long cached = tail.term(index);
            if (cached != null) {
                return cached;
            }
        }
        return read(v -> v.term(index));
    }

    @Override
    public long firstIndex() {
        if (tail != null) {
            env.checkOpen();
            return tail.firstIndex();
        }
        return read(LmdbReadView::firstIndex);
    }

    @Override
    public long lastIndex() {
        if (tail != null) {
            env.checkOpen();
            return tail.lastIndex();
        }
        return read(LmdbReadView::lastIndex);
    }

    /** The latest snapshot; its data is a reference to the file holding it (see {@link #openSnapshot}). */
    @Override
    public Snapshot snapshot(long requestIndex, long toPeer) {
        return read(v -> {
            Snapshot s = v.snapshot();
            if (s.getMetadata().getIndex() < requestIndex) {
                throw new SnapshotTemporarilyUnavailableException(
                        "snapshot at " + s.getMetadata().getIndex() + " is older than requested " + requestIndex);
            }
            return s;
        });
    }

    // ---- Snapshot data ----

    /**
     * A writer into a new temporary file in the store's {@code snapshots/} directory.
     *
     * @throws StorageFullException if {@code expectedSize} bytes would leave less than
     *     {@link #SNAPSHOT_DISK_RESERVE} free on the store's file system
     */
    @Override
    public SnapshotWriter newSnapshotWriter(long expectedSize) throws IOException {
        if (env.readOnly) {
            throw new StorageException("store at " + env.directory + " is open read-only; it cannot be written");
        }
        env.checkOpen();
        if (expectedSize > 0) {
            long usable = Files.getFileStore(env.directory).getUsableSpace();
            if (expectedSize > usable - SNAPSHOT_DISK_RESERVE) {
                throw new StorageFullException(env.directory, "a snapshot of " + expectedSize + " bytes does not fit"
                        + " in the " + usable + " bytes free (" + SNAPSHOT_DISK_RESERVE + " stay reserved for the log)",
                        null);
            }
        }
        return env.snapshots.newWriter();
    }

    /**
     * Opens the data of a snapshot this store returned, or of one sealed by its writer and not yet stored or closed.
     * A snapshot whose data is no reference of this store is read as the data itself.
     *
     * @throws NoSuchFileException if the file is gone (a newer snapshot replaced it)
     * @throws CorruptStoreException if the file's size is not the recorded one
     */
    @Override
    public SnapshotReader openSnapshot(Snapshot snapshot) throws IOException {
        SnapshotFile ref = SnapshotFiles.parseRef(snapshot.getData());
        if (ref == null) {
            return MutableStorage.super.openSnapshot(snapshot);
        }
        env.checkOpen();
        return env.snapshots.open(ref);
    }

    // ---- Inspection (each call sees one committed state) ----

    /** The latest snapshot, metadata and data reference (index 0 and no data when none was ever stored). */
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

    /**
     * Persists a Ready in one transaction. A snapshot in it has its data file renamed into place first (see
     * {@link #createSnapshot}).
     */
    @Override
    public void write(WriteBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (batch.snapshot() == null) {
            commit(batch.entries(), w -> {
                w.apply(batch, null);
                return null;
            });
            return;
        }
        SnapshotMetadata meta = batch.snapshot().getMetadata();
        storeSnapshotFile(batch.snapshot().getData(), meta.getIndex(), meta.getTerm(), file -> commit(batch.entries(),
                w -> {
                    w.apply(batch, file);
                    return null;
                }));
    }

    /**
     * Stores a snapshot and compacts the log it covers. The data goes to a file first: one sealed by this store's
     * writer is renamed to its final name, other data is written to a new file; the directory is fsynced; then one
     * transaction records the snapshot (with the file's name, size and CRC-32C) and drops the covered entries. Once
     * it commits, the previous snapshot's file is deleted. A crash before the commit leaves the previous snapshot and
     * log, and an orphan file that the next read-write open deletes.
     */
    @Override
    public Snapshot createSnapshot(long index, ConfState confState, ByteString data) {
        long term = env.read(v -> LogWriter.termForSnapshotAt(v, index));
        return storeSnapshotFile(data, index, term,
                file -> commit(List.of(), w -> w.createSnapshot(index, confState, file, term)));
    }

    private <T> T storeSnapshotFile(ByteString data, long index, long term, Function<SnapshotFile, T> commit) {
        SnapshotFile sealed = SnapshotFiles.parseRef(data);
        SnapshotFiles.Writer own = null;
        try {
            if (sealed == null || !SnapshotFiles.isTemporary(sealed)) {
                // The data itself (tests, tools): into a file of its own first.
                own = env.snapshots.newWriter();
                own.writeBuffer(data.asReadOnlyByteBuffer());
                own.seal();
                sealed = own.ref();
            }
            SnapshotFile stored = env.snapshots.adopt(sealed, index, term);
            T result;
            try {
                beforeSnapshotCommit.run();
                result = commit.apply(stored);
            } catch (RuntimeException | Error e) {
                SnapshotFiles.deleteQuietly(env.snapshots.dir.resolve(stored.getName()));
                throw e;
            }
            env.snapshots.deleteStaleExcept(stored.getName());
            return result;
        } catch (IOException e) {
            throw new StorageException("cannot write the snapshot file of store at " + env.directory + ": "
                    + e.getMessage(), e);
        } finally {
            if (own != null) {
                own.close();
            }
        }
    }

    /** Tests only: runs between a snapshot file's rename and the transaction that refers to it. */
    void beforeSnapshotCommit(Runnable hook) {
        this.beforeSnapshotCommit = hook;
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
        commit(List.of(), w -> {
            w.compact(index);
            return null;
        });
    }

    /** Waits for this process's open reads, then closes LMDB and releases the directory's lock. */
    @Override
    public void close() {
        env.close();
    }
}

package dev.raftify.storage.lmdb;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.proto.service.SnapshotFile;
import dev.raftify.storage.CompactedException;
import dev.raftify.storage.SnapshotReader;
import dev.raftify.storage.UnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

/**
 * A consistent view of a store: everything read through one view comes from the same LMDB transaction, so it
 * reflects exactly one committed state even while a node writes the store from another process. This is what
 * {@code raftify-cli describe} reads through.
 *
 * <p>Close it promptly (try-with-resources): an open view pins the pages it sees, so a writer cannot reuse them
 * and the file grows, and this process cannot grow the map while a view is open. Not thread-safe.
 */
public final class LmdbReadView implements AutoCloseable {

    private final LmdbEnv env;
    private final Txn<ByteBuffer> txn;
    private final boolean ownsTxn;
    private final ByteBuffer key = ByteBuffer.allocateDirect(Long.BYTES);
    private boolean closed;

    /** A view in its own read transaction. */
    LmdbReadView(LmdbEnv env) {
        this.env = env;
        this.txn = env.beginRead();
        this.ownsTxn = true;
    }

    /** A view of the state inside a write transaction, seeing its uncommitted changes. */
    LmdbReadView(LmdbEnv env, Txn<ByteBuffer> writeTxn) {
        this.env = env;
        this.txn = writeTxn;
        this.ownsTxn = false;
    }

    /**
     * The format version the store was written in: 2, or 1 for a store of an older Raftify opened read-only (a
     * read-write open upgrades it).
     */
    public long formatVersion() {
        ByteBuffer v = env.meta.get(txn, LmdbFormat.KEY_FORMAT_VERSION);
        return Integer.toUnsignedLong(v.order(ByteOrder.BIG_ENDIAN).getInt(v.position()));
    }

    /** The stored hard state (term, vote, commit); the default instance if none was ever written. */
    public HardState hardState() {
        ByteBuffer v = env.meta.get(txn, LmdbFormat.KEY_HARD_STATE);
        if (v == null) {
            return HardState.getDefaultInstance();
        }
        try {
            return HardState.parseFrom(v);
        } catch (InvalidProtocolBufferException e) {
            throw corrupt("the hard state record does not decode", e);
        }
    }

    /** The stored membership; the default (empty) instance if none was ever written. */
    public ConfState confState() {
        ByteBuffer v = env.meta.get(txn, LmdbFormat.KEY_CONF_STATE);
        if (v == null) {
            return ConfState.getDefaultInstance();
        }
        try {
            return ConfState.parseFrom(v);
        } catch (InvalidProtocolBufferException e) {
            throw corrupt("the conf state record does not decode", e);
        }
    }

    /** The latest snapshot's metadata; index 0 when the store never had a snapshot. */
    public SnapshotMetadata snapshotMetadata() {
        ByteBuffer v = env.meta.get(txn, LmdbFormat.KEY_SNAPSHOT_META);
        if (v == null) {
            return SnapshotMetadata.getDefaultInstance();
        }
        try {
            return SnapshotMetadata.parseFrom(v);
        } catch (InvalidProtocolBufferException e) {
            throw corrupt("the snapshot metadata record does not decode", e);
        }
    }

    /**
     * The file holding the latest snapshot's data (format version 2): its name in the store's {@code snapshots/}
     * directory, size and CRC-32C. The default instance (empty name) when the store has no snapshot or keeps the
     * data inside LMDB (format version 1).
     */
    public SnapshotFile snapshotFile() {
        ByteBuffer v = env.meta.get(txn, LmdbFormat.KEY_SNAPSHOT_FILE);
        if (v == null) {
            return SnapshotFile.getDefaultInstance();
        }
        try {
            return SnapshotFile.parseFrom(v);
        } catch (InvalidProtocolBufferException e) {
            throw corrupt("the snapshot file record does not decode", e);
        }
    }

    /** Where the latest snapshot's data is: its file, or {@code null} when the store keeps it inside LMDB. */
    public Path snapshotFilePath() {
        SnapshotFile f = snapshotFile();
        return f.getName().isEmpty() ? null : env.snapshots.dir.resolve(f.getName());
    }

    /**
     * The latest snapshot: metadata, and as data what {@link LmdbStorage#snapshot} hands out: the encoded
     * {@link #snapshotFile()} (read the data with {@link #openSnapshot()}), or for a format version 1 store the data
     * itself, copied out of the map.
     */
    public Snapshot snapshot() {
        Snapshot.Builder b = Snapshot.newBuilder().setMetadata(snapshotMetadata());
        ByteBuffer file = env.meta.get(txn, LmdbFormat.KEY_SNAPSHOT_FILE);
        if (file != null) {
            return b.setData(ByteString.copyFrom(file)).build();
        }
        ByteBuffer legacy = env.meta.get(txn, LmdbFormat.KEY_SNAPSHOT_DATA);
        return b.setData(legacy == null ? ByteString.EMPTY : ByteString.copyFrom(legacy)).build();
    }

    /**
     * Opens the latest snapshot's data for streaming (an empty reader when there is none). A file, once opened, stays
     * readable after this view closes and even after the node replaces the snapshot; the data of a format version 1
     * store is read straight from LMDB's map and only while this view is open.
     *
     * @throws SnapshotReplacedException if the node replaced the snapshot (and deleted its file) after this view
     *     began: read again from a new view
     * @throws CorruptStoreException if the file is missing or has another size than recorded (its checksum is
     *     verified when the stream reaches its end)
     */
    public SnapshotReader openSnapshot() {
        SnapshotFile ref = snapshotFile();
        if (ref.getName().isEmpty()) {
            ByteBuffer legacy = env.meta.get(txn, LmdbFormat.KEY_SNAPSHOT_DATA);
            return new MappedSnapshotReader(legacy == null ? ByteBuffer.allocate(0) : legacy.duplicate());
        }
        try {
            return env.snapshots.open(ref);
        } catch (NoSuchFileException e) {
            if (!ref.equals(currentSnapshotFile())) {
                throw new SnapshotReplacedException(env.directory, ref.getName());
            }
            throw corrupt("snapshot file " + ref.getName() + " is missing from " + env.snapshots.dir, e);
        } catch (IOException e) {
            throw new dev.raftify.storage.StorageException("cannot open snapshot file " + ref.getName() + " of store at "
                    + env.directory + ": " + e.getMessage(), e);
        }
    }

    /** The snapshot file the newest committed state refers to (this view may be older). */
    private SnapshotFile currentSnapshotFile() {
        try (LmdbReadView fresh = new LmdbReadView(env)) {
            return fresh.snapshotFile();
        }
    }

    /** The index of the first entry in the log (one past the compacted prefix). */
    public long firstIndex() {
        return baseIndex() + 1;
    }

    /** The index of the last entry, or {@code firstIndex() - 1} when the log is empty. */
    public long lastIndex() {
        try (Cursor<ByteBuffer> c = env.entries.openCursor(txn)) {
            return c.last() ? LmdbFormat.readU64(c.key()) : baseIndex();
        }
    }

    /** See {@link dev.raftify.storage.Storage#term(long)}. */
    public long term(long index) {
        ByteBuffer base = logBase();
        long baseIndex = base.getLong(0);
        if (index == baseIndex) {
            return base.getLong(Long.BYTES);
        }
        if (index < baseIndex) {
            throw new CompactedException(index, baseIndex + 1);
        }
        ByteBuffer v = env.entries.get(txn, LmdbFormat.u64(key, index));
        if (v == null) {
            throw new UnavailableException(index, lastIndex());
        }
        return termOf(index, v);
    }

    /** See {@link dev.raftify.storage.Storage#entries(long, long, long)}. */
    public List<Entry> entries(long low, long high, long maxSize) {
        long first = firstIndex();
        if (low < first) {
            throw new CompactedException(low, first);
        }
        long last = lastIndex();
        if (high > last + 1) {
            throw new UnavailableException(high - 1, last);
        }
        if (low > high) {
            throw new IllegalArgumentException("low " + low + " > high " + high);
        }
        List<Entry> out = new ArrayList<>((int) Math.min(high - low, 1024));
        long size = 0;
        try (Cursor<ByteBuffer> c = env.entries.openCursor(txn)) {
            boolean found = low < high && c.get(LmdbFormat.u64(key, low), GetOp.MDB_SET_KEY);
            for (long i = low; found && i < high; i++, found = c.next()) {
                // The value is the entry exactly as encoded, so its length is the size raft-rs limits by.
                size += c.val().remaining();
                if (!out.isEmpty() && size > maxSize) {
                    break;
                }
                out.add(decode(i, c));
            }
        }
        if (out.isEmpty() && low < high) {
            throw corrupt("entry " + low + " is missing inside the log [" + first + ", " + last + "]", null);
        }
        return out;
    }

    /**
     * Streams the entries with indexes in {@code [from, to)} that the log still holds (the range is clipped to
     * {@code [firstIndex(), lastIndex()]}), one at a time, so that a log of any length is read in flat memory.
     *
     * @return how many entries were passed to {@code action}
     */
    public long forEachEntry(long from, long to, Consumer<? super Entry> action) {
        long start = Math.max(from, firstIndex());
        long end = Math.min(to, lastIndex() + 1);
        long count = 0;
        if (start >= end) {
            return 0;
        }
        try (Cursor<ByteBuffer> c = env.entries.openCursor(txn)) {
            boolean found = c.get(LmdbFormat.u64(key, start), GetOp.MDB_SET_KEY);
            for (long i = start; i < end; i++, found = c.next()) {
                if (!found) {
                    throw corrupt("entry " + i + " is missing inside the log", null);
                }
                action.accept(decode(i, c));
                count++;
            }
        }
        return count;
    }

    /** The peer address book: node id to address, in node id order. */
    public Map<Long, String> peers() {
        Map<Long, String> out = new TreeMap<>();
        try (Cursor<ByteBuffer> c = env.peers.openCursor(txn)) {
            for (boolean more = c.first(); more; more = c.next()) {
                ByteBuffer v = c.val();
                byte[] bytes = new byte[v.remaining()];
                v.duplicate().get(bytes);
                out.put(LmdbFormat.readU64(c.key()), new String(bytes, UTF_8));
            }
        }
        return out;
    }

    /** The log_base record: index and term of the entry just before the first one. */
    ByteBuffer logBase() {
        ByteBuffer v = env.meta.get(txn, LmdbFormat.KEY_LOG_BASE);
        if (v == null || v.remaining() != LmdbFormat.LOG_BASE_SIZE) {
            throw corrupt("the log_base record is missing or malformed", null);
        }
        // Copied: LMDB's buffer is reused by the next read.
        return ByteBuffer.allocate(LmdbFormat.LOG_BASE_SIZE).put(v.duplicate()).flip();
    }

    private long baseIndex() {
        return logBase().getLong(0);
    }

    private Entry decode(long index, Cursor<ByteBuffer> c) {
        long stored = LmdbFormat.readU64(c.key());
        if (stored != index) {
            throw corrupt("the log skips from entry " + (index - 1) + " to entry " + stored, null);
        }
        try {
            Entry e = Entry.parseFrom(c.val());
            if (e.getIndex() != index) {
                throw corrupt("the entry under key " + index + " has index " + e.getIndex(), null);
            }
            return e;
        } catch (InvalidProtocolBufferException e) {
            throw corrupt("entry " + index + " does not decode", e);
        }
    }

    /**
     * Reads only the term of an encoded entry. Encoders write fields in field-number order, so the term (field 2)
     * comes right after the type (field 1) and the rest of the entry, often kilobytes of data, is never touched.
     */
    private long termOf(long index, ByteBuffer value) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(value);
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) == Entry.TERM_FIELD_NUMBER) {
                    return in.readUInt64();
                }
                in.skipField(tag);
            }
            return 0;
        } catch (IOException e) {
            throw corrupt("entry " + index + " does not decode", e);
        }
    }

    private CorruptStoreException corrupt(String what, Throwable cause) {
        return new CorruptStoreException(env.directory, what, cause);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsTxn) {
            env.endRead(txn);
        }
    }
}

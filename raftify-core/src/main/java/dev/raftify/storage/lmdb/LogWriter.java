package dev.raftify.storage.lmdb;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.proto.service.SnapshotFile;
import dev.raftify.storage.SnapshotOutOfDateException;
import dev.raftify.storage.UnavailableException;
import dev.raftify.storage.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;

/**
 * The mutations of a store, applied inside one write transaction that the caller commits. Semantics follow
 * {@link dev.raftify.storage.MemStorage}, the reference implementation.
 *
 * <p>Values are serialized straight into pages LMDB reserves ({@code MDB_RESERVE}), so an entry is encoded once
 * and never copied through a Java buffer.
 */
final class LogWriter {

    private final LmdbEnv env;
    private final Txn<ByteBuffer> txn;
    private final LmdbReadView view;
    private final ByteBuffer key = ByteBuffer.allocateDirect(Long.BYTES);

    LogWriter(LmdbEnv env, Txn<ByteBuffer> txn) {
        this.env = env;
        this.txn = txn;
        this.view = new LmdbReadView(env, txn);
    }

    /** The log's bounds as this transaction leaves them so far. */
    LogTail.Bounds bounds() {
        long first = view.firstIndex();
        return new LogTail.Bounds(first, view.lastIndex(), view.term(first - 1));
    }

    /** Writes the identity records and the empty log of a brand-new store. */
    static void initialize(Dbi<ByteBuffer> meta, Txn<ByteBuffer> txn) {
        meta.put(txn, LmdbFormat.KEY_MAGIC, LmdbFormat.bytesValue(LmdbFormat.MAGIC.getBytes(US_ASCII)));
        ByteBuffer version = ByteBuffer.allocateDirect(4).putInt(LmdbFormat.FORMAT_VERSION).flip();
        meta.put(txn, LmdbFormat.KEY_FORMAT_VERSION, version);
        meta.put(txn, LmdbFormat.KEY_LOG_BASE, ByteBuffer.allocateDirect(LmdbFormat.LOG_BASE_SIZE)
                .putLong(0).putLong(0).flip());
    }

    /**
     * One Ready: snapshot, then entries, then hard state, membership and peers (see {@link WriteBatch}).
     *
     * @param snapshotFile the file already holding the batch's snapshot's data (null when it has no snapshot)
     */
    void apply(WriteBatch batch, SnapshotFile snapshotFile) {
        if (batch.snapshot() != null) {
            applySnapshot(batch.snapshot().getMetadata(), snapshotFile);
        }
        if (!batch.entries().isEmpty()) {
            append(batch.entries());
        }
        if (batch.hardState() != null) {
            putHardState(batch.hardState());
        }
        if (batch.confState() != null) {
            putConfState(batch.confState());
        }
        if (batch.peers() != null) {
            putPeers(batch.peers());
        }
    }

    /** See {@link dev.raftify.storage.MemStorage#append(List)}: drops the conflicting suffix, then appends. */
    void append(List<Entry> ents) {
        if (ents.isEmpty()) {
            return;
        }
        WriteBatch.requireContiguous(ents);
        long first = view.firstIndex();
        long lastNew = ents.get(ents.size() - 1).getIndex();
        if (lastNew < first) {
            return;
        }
        int skip = first > ents.get(0).getIndex() ? (int) (first - ents.get(0).getIndex()) : 0;
        long start = ents.get(skip).getIndex();
        long last = view.lastIndex();
        if (start > last + 1) {
            throw new IllegalArgumentException("gap in log: appending at " + start + " after last index " + last);
        }
        if (start <= last) {
            truncateFrom(start);
        }
        for (int i = skip; i < ents.size(); i++) {
            Entry e = ents.get(i);
            // Keys now only grow, so MDB_APPEND skips the B-tree search and fills pages completely.
            ByteBuffer slot = env.entries.reserve(txn, LmdbFormat.u64(key, e.getIndex()), e.getSerializedSize(),
                    PutFlags.MDB_APPEND);
            encodeInto(e, slot);
        }
    }

    /** Deletes every entry at or after {@code index}, from the end, so the cursor never searches. */
    private void truncateFrom(long index) {
        try (Cursor<ByteBuffer> c = env.entries.openCursor(txn)) {
            while (c.last() && LmdbFormat.readU64(c.key()) >= index) {
                c.delete();
            }
        }
    }

    /** Deletes every entry at or before {@code index} and records {@code (index, term)} as the log's base. */
    private void dropPrefixThrough(long index, long term) {
        try (Cursor<ByteBuffer> c = env.entries.openCursor(txn)) {
            while (c.first() && LmdbFormat.readU64(c.key()) <= index) {
                c.delete();
            }
        }
        putLogBase(index, term);
    }

    /** See {@link dev.raftify.storage.MemStorage#compact(long)}. */
    void compact(long index) {
        long baseIndex = view.firstIndex() - 1;
        if (index <= baseIndex) {
            return;
        }
        long last = view.lastIndex();
        if (index > last) {
            throw new UnavailableException(index, last);
        }
        dropPrefixThrough(index, view.term(index));
    }

    /** See {@link dev.raftify.storage.MemStorage#applySnapshot(Snapshot)}: the snapshot replaces the whole log. */
    void applySnapshot(SnapshotMetadata meta, SnapshotFile file) {
        long stored = view.snapshotMetadata().getIndex();
        if (meta.getIndex() < stored) {
            throw new SnapshotOutOfDateException(meta.getIndex(), stored);
        }
        env.entries.drop(txn);
        putLogBase(meta.getIndex(), meta.getTerm());
        putSnapshot(meta, file);
        putConfState(meta.getConfState());
        HardState hs = view.hardState();
        if (hs.getCommit() < meta.getIndex() || hs.getTerm() < meta.getTerm()) {
            putHardState(hs.toBuilder()
                    .setCommit(Math.max(hs.getCommit(), meta.getIndex()))
                    .setTerm(Math.max(hs.getTerm(), meta.getTerm()))
                    .build());
        }
    }

    /**
     * The term a snapshot at {@code index} gets, after the checks {@link #createSnapshot} makes.
     *
     * @throws SnapshotOutOfDateException if {@code index} is below the stored snapshot's index
     * @throws UnavailableException if {@code index} is past the last index
     */
    static long termForSnapshotAt(LmdbReadView view, long index) {
        long snapIndex = view.snapshotMetadata().getIndex();
        if (index < snapIndex) {
            throw new SnapshotOutOfDateException(index, snapIndex);
        }
        long last = view.lastIndex();
        if (index > last) {
            throw new UnavailableException(index, last);
        }
        return view.term(index);
    }

    /**
     * See {@link dev.raftify.storage.MutableStorage#createSnapshot}: records the snapshot, whose data {@code file}
     * already holds, and compacts.
     *
     * @param expectedTerm the term the file was named after; the log must still have it at {@code index}
     */
    Snapshot createSnapshot(long index, ConfState cs, SnapshotFile file, long expectedTerm) {
        long term = termForSnapshotAt(view, index);
        if (term != expectedTerm) {
            throw new IllegalStateException("the log changed under the snapshot at " + index + ": term " + term
                    + ", expected " + expectedTerm);
        }
        SnapshotMetadata meta = SnapshotMetadata.newBuilder().setIndex(index).setTerm(term).setConfState(cs).build();
        putSnapshot(meta, file);
        if (index >= view.firstIndex()) {
            dropPrefixThrough(index, term);
        }
        raiseCommitTo(index);
        return Snapshot.newBuilder().setMetadata(meta).setData(file.toByteString()).build();
    }

    /**
     * The last step of upgrading a format version 1 store: the snapshot's data, if any, now lives in {@code file}
     * (null when the store has no snapshot), and the store is in the current format version.
     */
    void finishUpgrade(SnapshotFile file) {
        env.meta.delete(txn, LmdbFormat.KEY_SNAPSHOT_DATA);
        if (file != null) {
            putMessage(LmdbFormat.KEY_SNAPSHOT_FILE, file);
        }
        ByteBuffer version = env.meta.reserve(txn, LmdbFormat.KEY_FORMAT_VERSION, 4);
        version.order(ByteOrder.BIG_ENDIAN).putInt(LmdbFormat.FORMAT_VERSION);
    }

    /**
     * A snapshot only covers committed entries, but the runtime writes a commit index that alone changed lazily (it
     * is volatile state in Raft), so the stored one may lag; a store whose commit lies below its snapshot would
     * not open, so recording a snapshot lifts it.
     */
    private void raiseCommitTo(long index) {
        HardState hs = view.hardState();
        if (hs.getCommit() < index) {
            putHardState(hs.toBuilder().setCommit(index).build());
        }
    }

    void putHardState(HardState hs) {
        putMessage(LmdbFormat.KEY_HARD_STATE, hs);
    }

    void putConfState(ConfState cs) {
        putMessage(LmdbFormat.KEY_CONF_STATE, cs);
    }

    /** Replaces the whole address book. */
    void putPeers(Map<Long, String> peers) {
        env.peers.drop(txn);
        for (Map.Entry<Long, String> p : peers.entrySet()) {
            byte[] address = p.getValue().getBytes(UTF_8);
            ByteBuffer slot = env.peers.reserve(txn, LmdbFormat.u64(key, p.getKey()), address.length);
            slot.put(address);
        }
    }

    private void putSnapshot(SnapshotMetadata meta, SnapshotFile file) {
        putMessage(LmdbFormat.KEY_SNAPSHOT_META, meta);
        putMessage(LmdbFormat.KEY_SNAPSHOT_FILE, file);
    }

    private void putLogBase(long index, long term) {
        ByteBuffer slot = env.meta.reserve(txn, LmdbFormat.KEY_LOG_BASE, LmdbFormat.LOG_BASE_SIZE);
        slot.order(ByteOrder.BIG_ENDIAN).putLong(index).putLong(term);
    }

    private void putMessage(ByteBuffer metaKey, MessageLite message) {
        ByteBuffer slot = env.meta.reserve(txn, metaKey, message.getSerializedSize());
        encodeInto(message, slot);
    }

    private static void encodeInto(MessageLite message, ByteBuffer slot) {
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(slot);
            message.writeTo(out);
            out.flush();
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            // The slot was reserved at exactly the message's serialized size, so this means a bug, not bad input.
            throw new UncheckedIOException("encoding into a reserved LMDB value failed", e);
        }
    }
}

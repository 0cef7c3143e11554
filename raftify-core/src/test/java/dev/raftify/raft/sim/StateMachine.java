package dev.raftify.raft.sim;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;

/**
 * A simulated node's application state: the set of writes it applied, in order, folded into a digest. Writes
 * are unique ids, so "does the state reflect write w" is a set lookup, and "is it the same state as the
 * global committed prefix up to index i" is a digest comparison.
 *
 * <p>Its snapshot form (the data of a Raft snapshot) is the list of write ids, so a node restored from a
 * snapshot really rebuilds its state from the bytes the leader sent, and a corrupt or stale snapshot shows up
 * as a digest mismatch.
 */
final class StateMachine {
    private long appliedIndex;
    private long digest;
    private long writeCount;
    private final Set<Long> writes = new HashSet<>();
    // The writes in order, for the snapshot form; a plain growable array keeps snapshots cheap.
    private long[] order = new long[64];

    long appliedIndex() {
        return appliedIndex;
    }

    long digest() {
        return digest;
    }

    long writeCount() {
        return writeCount;
    }

    boolean contains(long write) {
        return writes.contains(write);
    }

    /** Applies the entry at {@code index}; {@code write} is its write id, or 0 for an entry carrying none. */
    void apply(long index, long write) {
        if (write != 0) {
            addWrite(write);
        }
        appliedIndex = index;
    }

    private void addWrite(long write) {
        if (writeCount == order.length) {
            long[] bigger = new long[order.length * 2];
            System.arraycopy(order, 0, bigger, 0, order.length);
            order = bigger;
        }
        order[(int) writeCount] = write;
        writeCount++;
        writes.add(write);
        digest = fold(digest, write);
    }

    /** The digest of a sequence of writes is the fold of this function over it, starting from 0. */
    static long fold(long digest, long write) {
        long h = digest * 0x9E3779B97F4A7C15L + write;
        return h ^ (h >>> 29);
    }

    /** The snapshot form: the write ids in order. */
    ByteString encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) (writeCount * 5 + 8));
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            out.writeUInt64NoTag(writeCount);
            for (int i = 0; i < writeCount; i++) {
                out.writeUInt64NoTag(order[i]);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ByteString.copyFrom(bytes.toByteArray());
    }

    /** The state a snapshot at {@code index} with {@code data} describes (empty data: nothing written yet). */
    static StateMachine decode(long index, ByteString data) {
        StateMachine sm = new StateMachine();
        if (!data.isEmpty()) {
            CodedInputStream in = data.newCodedInput();
            try {
                long n = in.readUInt64();
                for (long i = 0; i < n; i++) {
                    sm.addWrite(in.readUInt64());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        sm.appliedIndex = index;
        return sm;
    }
}

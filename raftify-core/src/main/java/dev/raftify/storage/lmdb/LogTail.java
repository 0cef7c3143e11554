package dev.raftify.storage.lmdb;

import dev.raftify.proto.eraftpb.Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounds of a read-write store's log and its newest entries, kept in memory as they are written.
 *
 * <p>The consensus core asks the store for the first and last index and for terms on every message it handles, and
 * a node applies entries right after writing them. Answered from LMDB, each of those opens a read transaction;
 * answered from here, none does. Only the store's own writer changes its log (read-write opens are exclusive), so
 * this mirror is exact: it is updated after every write transaction commits, from the bounds that transaction
 * left. A question it cannot answer completely (an entry older than the tail, an index out of bounds, whose error
 * LMDB words) returns null and goes to LMDB.
 */
final class LogTail {
    /** What one committed transaction left: the log's first and last index and the term at {@code first - 1}. */
    record Bounds(long first, long last, long baseTerm) {}

    private final long maxBytes;
    /** A ring of the newest entries: {@code count} of them, consecutive, the oldest at {@code head}. */
    private final Entry[] ring;
    private int head;
    private int count;
    private long tailBytes;
    private Bounds bounds;

    LogTail(int maxEntries, long maxBytes, Bounds initial) {
        this.ring = new Entry[maxEntries];
        this.maxBytes = maxBytes;
        this.bounds = initial;
    }

    /**
     * After a commit: {@code written} are the entries the transaction appended (after dropping any conflicting
     * suffix from their first index on), {@code after} the bounds it left.
     */
    synchronized void committed(List<Entry> written, Bounds after) {
        if (!written.isEmpty()) {
            long start = written.get(0).getIndex();
            while (count > 0 && newestIndex() >= start) {
                dropNewest();
            }
            if (count > 0 && newestIndex() != start - 1) {
                clear();
            }
            // Only the newest that fit are worth adding.
            int from = Math.max(0, written.size() - ring.length);
            for (int i = from; i < written.size(); i++) {
                if (count == ring.length) {
                    dropOldest();
                }
                Entry e = written.get(i);
                ring[(head + count) % ring.length] = e;
                count++;
                tailBytes += e.getSerializedSize();
            }
        }
        // Compaction, a snapshot or a truncation may have moved either end under the tail.
        while (count > 0 && oldestIndex() < after.first()) {
            dropOldest();
        }
        while (count > 0 && newestIndex() > after.last()) {
            dropNewest();
        }
        while (count > 1 && tailBytes > maxBytes) {
            dropOldest();
        }
        bounds = after;
    }

    /** After a write whose entries are unknown here: only the bounds are trusted. */
    synchronized void reset(Bounds after) {
        clear();
        bounds = after;
    }

    private long oldestIndex() {
        return ring[head].getIndex();
    }

    private long newestIndex() {
        return ring[(head + count - 1) % ring.length].getIndex();
    }

    private void dropOldest() {
        tailBytes -= ring[head].getSerializedSize();
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
    }

    private void dropNewest() {
        int i = (head + count - 1) % ring.length;
        tailBytes -= ring[i].getSerializedSize();
        ring[i] = null;
        count--;
    }

    private void clear() {
        while (count > 0) {
            dropNewest();
        }
        head = 0;
    }

    synchronized long firstIndex() {
        return bounds.first();
    }

    synchronized long lastIndex() {
        return bounds.last();
    }

    /** The term at {@code index}, or null when the tail cannot say. */
    synchronized Long term(long index) {
        if (index == bounds.first() - 1) {
            return bounds.baseTerm();
        }
        if (count == 0 || index < oldestIndex() || index > newestIndex()) {
            return null;
        }
        return at(index).getTerm();
    }

    private Entry at(long index) {
        return ring[(int) ((head + (index - oldestIndex())) % ring.length)];
    }

    /**
     * Entries in {@code [low, high)} under the same size rule as {@link LmdbReadView#entries}, or null when the tail
     * does not hold all of them (or the range is invalid: LMDB's path reports that).
     */
    synchronized List<Entry> entries(long low, long high, long maxSize) {
        if (low >= high || low < bounds.first() || high > bounds.last() + 1 || count == 0
                || low < oldestIndex() || high - 1 > newestIndex()) {
            return null;
        }
        List<Entry> out = new ArrayList<>((int) Math.min(high - low, 1024));
        long size = 0;
        for (long i = low; i < high; i++) {
            Entry e = at(i);
            size += e.getSerializedSize();
            if (!out.isEmpty() && size > maxSize) {
                break;
            }
            out.add(e);
        }
        return out;
    }
}

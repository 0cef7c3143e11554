package dev.raftify.raft.tracker;

import java.util.Arrays;

/**
 * The appends sent to one follower in {@link ProgressState#REPLICATE} and not yet acknowledged, as a ring buffer
 * of (last index of the append, payload bytes). It is full when it holds {@link #capacity()} appends or, if
 * {@link #maxBytes()} is not 0, when the bytes held reach {@code maxBytes}; the leader stops sending until an
 * acknowledgement frees room.
 *
 * <p>The buffer grows on demand up to the capacity, so that idle followers of a leader configured with a large
 * window cost little memory.
 */
public final class Inflights {

    private static final int INITIAL_SLOTS = 8;

    private final int capacity;
    private final long maxBytes;
    private long[] indexes;
    private long[] sizes;
    private int start;
    private int count;
    private long bytes;

    /**
     * @param capacity the most appends in flight, at least 1
     * @param maxBytes the most payload bytes in flight, or 0 for no byte limit
     */
    public Inflights(int capacity, long maxBytes) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, got " + maxBytes);
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.indexes = new long[0];
        this.sizes = new long[0];
    }

    private Inflights(Inflights other) {
        this.capacity = other.capacity;
        this.maxBytes = other.maxBytes;
        this.indexes = other.indexes.clone();
        this.sizes = other.sizes.clone();
        this.start = other.start;
        this.count = other.count;
        this.bytes = other.bytes;
    }

    /** An independent copy holding the same appends. */
    public Inflights copy() {
        return new Inflights(this);
    }

    /**
     * Records an append whose last entry is {@code index}, carrying {@code bytes} of payload.
     *
     * @throws IllegalStateException when full: the caller must check {@link #full()} before sending
     * @throws IllegalArgumentException when {@code index} does not exceed the last recorded index
     */
    public void add(long index, long bytes) {
        if (full()) {
            throw new IllegalStateException("cannot add into a full inflights window (" + this + ")");
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must not be negative, got " + bytes);
        }
        if (count > 0) {
            long last = indexes[slot(count - 1)];
            if (index <= last) {
                throw new IllegalArgumentException("inflight index " + index + " does not exceed last " + last);
            }
        }
        if (count == indexes.length) {
            grow();
        }
        int slot = slot(count);
        indexes[slot] = index;
        sizes[slot] = bytes;
        count++;
        this.bytes += bytes;
    }

    /** Frees every append whose last index is at most {@code index}: the follower acknowledged them. */
    public void freeTo(long index) {
        while (count > 0 && indexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % indexes.length;
            count--;
        }
        if (count == 0) {
            start = 0;
        }
    }

    /** Frees the oldest append, if any; lets a stalled window send one more append after a heartbeat answer. */
    public void freeFirstOne() {
        if (count > 0) {
            freeTo(indexes[start]);
        }
    }

    /** Whether no further append may be sent: the count or the byte limit is reached. */
    public boolean full() {
        return count == capacity || (maxBytes != 0 && bytes >= maxBytes);
    }

    /** The number of appends in flight. */
    public int count() {
        return count;
    }

    /** The payload bytes in flight. */
    public long bytes() {
        return bytes;
    }

    /** Forgets every append in flight. */
    public void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }

    /** The most appends in flight. */
    public int capacity() {
        return capacity;
    }

    /** The most payload bytes in flight; 0 means no byte limit. */
    public long maxBytes() {
        return maxBytes;
    }

    private int slot(int offset) {
        return (start + offset) % indexes.length;
    }

    // Unrolls the ring into a larger array so that the oldest append is at slot 0 again.
    private void grow() {
        int size = Math.min(capacity, Math.max(INITIAL_SLOTS, indexes.length * 2));
        long[] newIndexes = new long[size];
        long[] newSizes = new long[size];
        for (int i = 0; i < count; i++) {
            newIndexes[i] = indexes[slot(i)];
            newSizes[i] = sizes[slot(i)];
        }
        indexes = newIndexes;
        sizes = newSizes;
        start = 0;
    }

    @Override
    public String toString() {
        long[] held = new long[count];
        for (int i = 0; i < count; i++) {
            held[i] = indexes[slot(i)];
        }
        return count + "/" + capacity + " " + bytes + (maxBytes == 0 ? "" : "/" + maxBytes) + "B "
            + Arrays.toString(held);
    }
}

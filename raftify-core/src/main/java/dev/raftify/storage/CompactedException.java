package dev.raftify.storage;

/** The requested index lies before the log's first index: it was compacted into a snapshot. */
public final class CompactedException extends StorageException {
    public CompactedException(long index, long firstIndex) {
        super("index " + index + " is compacted (first index is " + firstIndex + ")");
    }
}

package dev.raftify.storage;

/** A snapshot older than the one already stored was offered; applying it would move the store backwards. */
public final class SnapshotOutOfDateException extends StorageException {
    public SnapshotOutOfDateException(long offered, long stored) {
        super("snapshot at index " + offered + " is older than the stored snapshot at index " + stored);
    }
}

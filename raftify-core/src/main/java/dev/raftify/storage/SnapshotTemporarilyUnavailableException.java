package dev.raftify.storage;

/** No snapshot recent enough is ready yet; the core retries later. */
public final class SnapshotTemporarilyUnavailableException extends StorageException {
    public SnapshotTemporarilyUnavailableException(String message) {
        super(message);
    }
}

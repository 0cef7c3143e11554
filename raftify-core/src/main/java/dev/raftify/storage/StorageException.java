package dev.raftify.storage;

/** A failure of the storage layer. Subclasses say precisely what went wrong. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}

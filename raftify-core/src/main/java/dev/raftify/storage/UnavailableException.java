package dev.raftify.storage;

/** The requested index lies past the last index of the log. */
public final class UnavailableException extends StorageException {
    public UnavailableException(long index, long lastIndex) {
        super("index " + index + " is unavailable (last index is " + lastIndex + ")");
    }
}

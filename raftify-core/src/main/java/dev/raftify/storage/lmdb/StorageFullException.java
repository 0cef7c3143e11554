package dev.raftify.storage.lmdb;

import dev.raftify.storage.StorageException;
import java.nio.file.Path;

/**
 * A write did not fit: the disk is full, or the map reached {@link LmdbOptions#maxMapSize()}. The write was
 * rolled back as a whole; everything acknowledged before it is still on disk.
 */
public final class StorageFullException extends StorageException {
    StorageFullException(Path directory, String reason, Throwable cause) {
        super("store at " + directory + " is full: " + reason + "; the write was not applied", cause);
    }
}

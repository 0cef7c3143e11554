package dev.raftify.storage.lmdb;

import dev.raftify.storage.StorageException;
import java.nio.file.Path;

/**
 * The snapshot a read view saw was replaced by a newer one, and its file deleted, before the view opened it: read
 * again from a new view. Happens to inspection tools reading a store while its node runs.
 */
public final class SnapshotReplacedException extends StorageException {
    SnapshotReplacedException(Path directory, String file) {
        super("the snapshot of store at " + directory + " was replaced while it was being read (" + file
                + " is gone); read it again");
    }
}

package dev.raftify.storage.lmdb;

import dev.raftify.storage.StorageException;
import java.nio.file.Path;

/** The store was written in a format this build cannot read (newer, or unknown). */
public final class UnsupportedFormatVersionException extends StorageException {
    private final long version;

    UnsupportedFormatVersionException(Path directory, long version) {
        super("store at " + directory + " has format version " + version + ", but this build of Raftify reads only "
                + "format versions " + LmdbFormat.OLDEST_READABLE_VERSION + " to " + LmdbFormat.FORMAT_VERSION
                + (version > LmdbFormat.FORMAT_VERSION ? " (the store was written by a newer Raftify; upgrade)" : ""));
        this.version = version;
    }

    public long version() {
        return version;
    }
}

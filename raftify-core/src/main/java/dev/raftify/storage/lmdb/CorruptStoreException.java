package dev.raftify.storage.lmdb;

import dev.raftify.storage.StorageException;
import java.nio.file.Path;

/** A store file is damaged: LMDB rejected it, or a record does not decode or contradicts the layout. */
public final class CorruptStoreException extends StorageException {
    CorruptStoreException(Path directory, String what) {
        super("store at " + directory + " is corrupt: " + what);
    }

    CorruptStoreException(Path directory, String what, Throwable cause) {
        super("store at " + directory + " is corrupt: " + what, cause);
    }
}

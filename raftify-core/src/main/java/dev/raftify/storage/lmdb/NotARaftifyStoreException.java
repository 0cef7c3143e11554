package dev.raftify.storage.lmdb;

import dev.raftify.storage.StorageException;
import java.nio.file.Path;

/** The directory exists but does not hold a Raftify store (a foreign LMDB environment, or unrelated files). */
public final class NotARaftifyStoreException extends StorageException {
    NotARaftifyStoreException(Path directory, String reason) {
        super(directory + " is not a Raftify store: " + reason);
    }
}

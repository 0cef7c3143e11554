package dev.raftify.storage.lmdb;

import dev.raftify.storage.StorageException;
import java.nio.file.Path;

/** No directory exists at the given path (and the open mode does not create one). */
public final class StoreNotFoundException extends StorageException {
    StoreNotFoundException(Path directory) {
        super("no Raftify store at " + directory + ": the directory does not exist");
    }
}

package dev.raftify.storage.lmdb;

import dev.raftify.storage.StorageException;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Another writer (another process, or this one) already has the store open read-write. */
public final class StoreLockedException extends StorageException {
    private final OptionalLong holderPid;

    StoreLockedException(Path directory, OptionalLong holderPid, String detail) {
        super("store at " + directory + " is locked by "
                + (holderPid.isPresent() ? "process " + holderPid.getAsLong() : "another process (PID unknown)")
                + ": " + detail);
        this.holderPid = holderPid;
    }

    /** The PID of the process holding the lock, when it could be read from the lock file. */
    public OptionalLong holderPid() {
        return holderPid;
    }
}

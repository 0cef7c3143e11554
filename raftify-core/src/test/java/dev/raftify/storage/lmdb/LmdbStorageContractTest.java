package dev.raftify.storage.lmdb;

import dev.raftify.storage.MutableStorage;
import dev.raftify.storage.StorageContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The shared contract, against LMDB; "restart" closes the environment and opens it again. */
class LmdbStorageContractTest extends StorageContractTest {

    @TempDir
    Path dir;

    @Override
    protected MutableStorage newStorage() {
        // A small map, so that the growth path runs during the contract too.
        return LmdbStorage.open(dir.resolve("store"), LmdbOptions.defaults().withMapSize(LmdbOptions.MIB));
    }

    @Override
    protected MutableStorage reopen(MutableStorage storage) {
        storage.close();
        return newStorage();
    }
}

package dev.raftify.storage;

/** The shared contract, against the in-memory reference implementation. */
class MemStorageContractTest extends StorageContractTest {

    @Override
    protected MutableStorage newStorage() {
        return new MemStorage();
    }

    @Override
    protected MutableStorage reopen(MutableStorage storage) {
        // Memory has no restart; the contract's durability checks then hold trivially.
        return storage;
    }
}

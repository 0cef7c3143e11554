package dev.raftify.storage.lmdb;

/**
 * How {@link LmdbStorage#open} opens a store. Immutable; start from {@link #defaults()} and adjust with the
 * {@code with...} methods.
 *
 * @param mapSize the initial size of LMDB's memory map in bytes. It only reserves address space (the file grows
 *     as data is written), and the store grows it by itself when it fills, so this is a starting point, not a cap
 * @param maxMapSize the map never grows past this; a write that needs more fails with
 *     {@link StorageFullException}
 * @param createIfMissing whether a read-write open creates the directory and an empty store when the path does
 *     not exist (a node's first start); otherwise such an open fails with {@link StoreNotFoundException}
 * @param unsafeNoSync UNSAFE, off by default: open LMDB with {@code MDB_NOSYNC}, so that commits return before
 *     their data reaches the disk. A power failure or kernel crash then loses recent commits that the node has
 *     already acknowledged (a process crash does not, as the page cache survives it), which breaks Raft's safety
 *     (a node could forget its vote or entries it told the leader it stored). For throwaway benchmarks and
 *     tests only
 */
public record LmdbOptions(long mapSize, long maxMapSize, boolean createIfMissing, boolean unsafeNoSync) {

    public static final long MIB = 1L << 20;

    public LmdbOptions {
        if (mapSize < MIB) {
            throw new IllegalArgumentException("mapSize must be at least 1 MiB, got " + mapSize);
        }
        if (maxMapSize < mapSize) {
            throw new IllegalArgumentException("maxMapSize " + maxMapSize + " is below mapSize " + mapSize);
        }
    }

    /** 256 MiB to start, growing up to 1 TiB; creates a missing store; every commit fsynced. */
    public static LmdbOptions defaults() {
        return new LmdbOptions(256 * MIB, 1L << 40, true, false);
    }

    public LmdbOptions withMapSize(long bytes) {
        return new LmdbOptions(bytes, Math.max(bytes, maxMapSize), createIfMissing, unsafeNoSync);
    }

    public LmdbOptions withMaxMapSize(long bytes) {
        return new LmdbOptions(mapSize, bytes, createIfMissing, unsafeNoSync);
    }

    public LmdbOptions withCreateIfMissing(boolean create) {
        return new LmdbOptions(mapSize, maxMapSize, create, unsafeNoSync);
    }

    /** See {@link LmdbOptions}: trades durability for speed; never use it for a real node. */
    public LmdbOptions withUnsafeNoSync(boolean noSync) {
        return new LmdbOptions(mapSize, maxMapSize, createIfMissing, noSync);
    }
}

package dev.raftify.storage;

import java.io.InputStream;

/**
 * The data of a stored (or sealed) snapshot, opened for streaming: a state machine restores from it, a leader sends
 * it to a follower, a tool inspects it, without it ever being in memory whole. The data stays readable while the
 * reader is open even if the store replaces the snapshot meanwhile. Used by one thread at a time; close it.
 */
public interface SnapshotReader extends AutoCloseable {

    /** The data's size in bytes. */
    long size();

    /** The CRC-32C (Castagnoli) the data must have. */
    int crc32c();

    /**
     * The data as one stream: the first call returns it at the first byte, later calls the same stream where the
     * earlier reads left it (so a reader whose header was read can be handed on). A store that records a checksum verifies it as the end
     * is reached: a read that reaches the end of data whose size or checksum differs from the recorded ones throws
     * {@link StorageException} ({@code CorruptStoreException} for LMDB).
     */
    InputStream stream();

    @Override
    void close();
}

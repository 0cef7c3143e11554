package dev.raftify.storage.lmdb;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The on-disk layout, in one place (described for readers without this code in {@code docs/storage-format.md}).
 *
 * <p>Keys are direct buffers, as lmdbjava requires. The constant ones are shared between threads: lmdbjava only
 * reads their address, position and limit, never moves them.
 */
final class LmdbFormat {

    /**
     * Bumped on any change an older build would misread. Version 2, the one written, keeps snapshot data in files
     * ({@link #SNAPSHOT_DIR}); version 1 kept it inside LMDB ({@link #KEY_SNAPSHOT_DATA}). A read-write open upgrades
     * a version 1 store; a read-only open reads it as it is.
     */
    static final int FORMAT_VERSION = 2;

    /** The oldest version this build still opens. */
    static final int OLDEST_READABLE_VERSION = 1;

    /** Files inside the store directory. */
    static final String DATA_FILE = "data.mdb";
    static final String LMDB_LOCK_FILE = "lock.mdb";
    static final String NODE_LOCK_FILE = "raftify.lock";
    /** The directory of snapshot data files (format version 2). */
    static final String SNAPSHOT_DIR = "snapshots";

    /** Named databases. */
    static final String DB_ENTRIES = "entries";
    static final String DB_META = "meta";
    static final String DB_PEERS = "peers";
    static final int MAX_DBS = 3;

    /** The value of {@link #KEY_MAGIC}: identifies a Raftify store among LMDB environments. */
    static final String MAGIC = "raftify-store";

    static final ByteBuffer KEY_MAGIC = key("magic");
    static final ByteBuffer KEY_FORMAT_VERSION = key("format_version");
    static final ByteBuffer KEY_HARD_STATE = key("hard_state");
    static final ByteBuffer KEY_CONF_STATE = key("conf_state");
    static final ByteBuffer KEY_LOG_BASE = key("log_base");
    static final ByteBuffer KEY_SNAPSHOT_META = key("snapshot_meta");
    /** Format version 1 only: the snapshot's data itself. */
    static final ByteBuffer KEY_SNAPSHOT_DATA = key("snapshot_data");
    /** Format version 2: a SnapshotFile naming the file that holds the snapshot's data. */
    static final ByteBuffer KEY_SNAPSHOT_FILE = key("snapshot_file");

    /** log_base: the index and term of the entry just before the first stored one (16 bytes). */
    static final int LOG_BASE_SIZE = 16;

    private LmdbFormat() {
    }

    static ByteBuffer key(String ascii) {
        byte[] bytes = ascii.getBytes(US_ASCII);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    static ByteBuffer bytesValue(byte[] bytes) {
        return ByteBuffer.allocateDirect(Math.max(bytes.length, 1)).put(bytes).flip();
    }

    /** Writes {@code value} as an 8-byte big-endian key into {@code buf} (capacity >= 8), ready to pass to LMDB. */
    static ByteBuffer u64(ByteBuffer buf, long value) {
        buf.clear();
        buf.order(ByteOrder.BIG_ENDIAN).putLong(value);
        return buf.flip();
    }

    /** Reads an 8-byte big-endian number from an LMDB key or value, whatever the buffer's byte order. */
    static long readU64(ByteBuffer buf) {
        return buf.order(ByteOrder.BIG_ENDIAN).getLong(buf.position());
    }

    static String ascii(ByteBuffer buf) {
        byte[] bytes = new byte[buf.remaining()];
        buf.duplicate().get(bytes);
        return new String(bytes, US_ASCII);
    }
}

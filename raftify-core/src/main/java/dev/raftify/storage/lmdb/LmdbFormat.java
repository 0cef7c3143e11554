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

    /** Bumped on any change an older build would misread. Version 1 is the layout documented today. */
    static final int FORMAT_VERSION = 1;

    /** Files inside the store directory. */
    static final String DATA_FILE = "data.mdb";
    static final String LMDB_LOCK_FILE = "lock.mdb";
    static final String NODE_LOCK_FILE = "raftify.lock";

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
    static final ByteBuffer KEY_SNAPSHOT_DATA = key("snapshot_data");

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

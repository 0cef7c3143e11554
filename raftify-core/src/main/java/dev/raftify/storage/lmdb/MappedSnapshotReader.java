package dev.raftify.storage.lmdb;

import dev.raftify.storage.SnapshotReader;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The snapshot data of a format version 1 store, read where LMDB mapped it: valid only while the read transaction
 * it came from is open. Nothing was recorded to verify it against.
 */
final class MappedSnapshotReader implements SnapshotReader {
    private final ByteBuffer data;
    private final int crc;
    private InputStream stream;

    MappedSnapshotReader(ByteBuffer data) {
        this.data = data;
        CRC32C c = new CRC32C();
        c.update(data.duplicate());
        this.crc = (int) c.getValue();
    }

    @Override
    public long size() {
        return data.remaining();
    }

    @Override
    public int crc32c() {
        return crc;
    }

    @Override
    public InputStream stream() {
        if (stream == null) {
            stream = newStream();
        }
        return stream;
    }

    private InputStream newStream() {
        ByteBuffer buf = data.duplicate();
        return new InputStream() {
            @Override
            public int read() {
                return buf.hasRemaining() ? buf.get() & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                if (!buf.hasRemaining()) {
                    return -1;
                }
                int n = Math.min(len, buf.remaining());
                buf.get(b, off, n);
                return n;
            }

            @Override
            public int available() {
                return buf.remaining();
            }
        };
    }

    @Override
    public void close() {
        // The map belongs to LMDB.
    }
}

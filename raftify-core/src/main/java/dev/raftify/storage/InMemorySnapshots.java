package dev.raftify.storage;

import com.google.protobuf.ByteString;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/** Snapshot data kept in memory: for {@link MemStorage} and any store that does not keep it in files. */
final class InMemorySnapshots {

    private InMemorySnapshots() {
    }

    static SnapshotWriter writer() {
        return new SnapshotWriter() {
            private final ByteString.Output out = ByteString.newOutput();
            private boolean sealed;

            @Override
            public OutputStream stream() {
                return out;
            }

            @Override
            public long size() {
                return out.size();
            }

            @Override
            public ByteString seal() {
                if (sealed) {
                    throw new IllegalStateException("the snapshot is already sealed");
                }
                sealed = true;
                return out.toByteString();
            }

            @Override
            public void close() {
                // Nothing outside this object to delete.
            }
        };
    }

    static SnapshotReader reader(ByteString data) {
        CRC32C crc = new CRC32C();
        crc.update(data.asReadOnlyByteBuffer());
        int value = (int) crc.getValue();
        return new SnapshotReader() {
            private InputStream stream;

            @Override
            public long size() {
                return data.size();
            }

            @Override
            public int crc32c() {
                return value;
            }

            @Override
            public InputStream stream() {
                if (stream == null) {
                    stream = data.newInput();
                }
                return stream;
            }

            @Override
            public void close() {
                // Nothing to release.
            }
        };
    }
}

package dev.raftify.storage;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.Snapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads small snapshots' data whole, for assertions. */
public final class TestSnapshots {
    private TestSnapshots() {
    }

    /** The data of {@code snapshot}, read through {@code store} (a reference for LMDB, the data for MemStorage). */
    public static ByteString content(MutableStorage store, Snapshot snapshot) {
        try (SnapshotReader r = store.openSnapshot(snapshot)) {
            return content(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything the reader's stream yields (which verifies size and checksum at the end). */
    public static ByteString content(SnapshotReader r) {
        try (InputStream in = r.stream()) {
            return ByteString.readFrom(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

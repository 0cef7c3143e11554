package dev.raftify.cli.store;

import dev.raftify.storage.SnapshotFormat;
import dev.raftify.storage.SnapshotReader;
import dev.raftify.storage.lmdb.LmdbReadView;
import dev.raftify.storage.lmdb.SnapshotReplacedException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a stored snapshot's data holds, read as a stream (a snapshot of any size is never in memory whole). The
 * engine writes a {@code SnapshotHeader} (the peer address book) followed by the state machine's bytes; stores of
 * format version 1 hold a {@code SnapshotData} (the same two things as one protobuf); data in neither layout is
 * taken as the application's raw bytes (see {@link SnapshotFormat}).
 *
 * @param format the layout: {@code SnapshotHeader}, {@code SnapshotData} or {@code raw}
 * @param peers the address book carried by the snapshot (empty when raw)
 * @param dataSize the whole data's size in bytes
 * @param stateMachineSize the state machine's part of it
 * @param preview the state machine's first bytes (at most the number asked for)
 */
public record SnapshotContent(String format, Map<Long, String> peers, long dataSize, long stateMachineSize,
        byte[] preview) {

    /** Reads a view's snapshot again, from a new view, when the node replaced it meanwhile (at most a few times). */
    public static <T> T withRetry(Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (SnapshotReplacedException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** The content of the view's latest snapshot (only its header and the preview are read). */
    public static SnapshotContent of(LmdbReadView view, int previewBytes) {
        try (SnapshotReader r = view.openSnapshot()) {
            return read(r, previewBytes, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the header and the preview; with {@code copyTo}, also copies every state machine byte to it (reading
     * the data to its end, which verifies its checksum).
     */
    public static SnapshotContent read(SnapshotReader reader, int previewBytes, OutputStream copyTo)
            throws IOException {
        InputStream in = new BufferedInputStream(reader.stream(), 64 * 1024);
        SnapshotFormat.Header h = SnapshotFormat.readHeader(in, reader.size(), true);
        byte[] head = in.readNBytes((int) Math.min(previewBytes, h.stateMachineSize()));
        if (copyTo != null) {
            copyTo.write(head);
            in.transferTo(copyTo);
        }
        // No data at all (no snapshot) is shown as raw, as before.
        String format = reader.size() == 0 ? "raw" : name(h.kind());
        return new SnapshotContent(format, h.peers(), reader.size(), h.stateMachineSize(), head);
    }

    private static String name(SnapshotFormat.Kind kind) {
        return switch (kind) {
            case HEADER -> "SnapshotHeader";
            case LEGACY -> "SnapshotData";
            case RAW -> "raw";
        };
    }

    /** Data that cannot be read (a missing or damaged file): {@code why} says what is wrong. */
    public static SnapshotContent unreadable(long recordedSize, String why) {
        return new SnapshotContent("unreadable: " + why, Map.of(), recordedSize, 0, new byte[0]);
    }

    public boolean wrapped() {
        return format.equals("SnapshotHeader") || format.equals("SnapshotData");
    }

    /** {@code 1.2 KiB (SnapshotHeader: 3 peers, state machine 1.1 KiB)}. */
    public String summary() {
        if (format.startsWith("unreadable")) {
            return format;
        }
        if (dataSize == 0) {
            return "none";
        }
        String size = Bytes.size(dataSize);
        return wrapped() ? size + " (" + format + ": " + peers.size() + " peers, state machine "
                + Bytes.size(stateMachineSize) + ")" : size + " (state machine bytes)";
    }
}

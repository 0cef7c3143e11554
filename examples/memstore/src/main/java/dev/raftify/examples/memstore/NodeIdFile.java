package dev.raftify.examples.memstore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalLong;

/**
 * The node id, kept in the data directory ({@code memstore-node-id}) beside the Raft store, so that a restart
 * needs only {@code --data-dir}. It is written once the node is a member (after bootstrap, or after a join was
 * accepted), so a directory without it never finished joining.
 */
final class NodeIdFile {
    static final String NAME = "memstore-node-id";

    private NodeIdFile() {}

    static OptionalLong read(Path dataDir) throws IOException {
        Path f = dataDir.resolve(NAME);
        if (!Files.exists(f)) {
            return OptionalLong.empty();
        }
        String s = Files.readString(f, StandardCharsets.US_ASCII).trim();
        try {
            return OptionalLong.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw new IOException(f + " does not hold a node id: '" + s + "'");
        }
    }

    /** Written to a temporary file and renamed, so a crash never leaves a half-written id. */
    static void write(Path dataDir, long id) throws IOException {
        Path tmp = dataDir.resolve(NAME + ".tmp");
        Files.writeString(tmp, id + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, dataDir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

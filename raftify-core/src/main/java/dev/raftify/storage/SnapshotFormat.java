package dev.raftify.storage;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.raftify.proto.service.Peer;
import dev.raftify.proto.service.SnapshotHeader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content of a snapshot's data as the engine writes it: a small header (the peer address book) and then the
 * state machine's own bytes, unframed up to the end, so that {@code StateMachine.snapshot} and {@code restore}
 * stream straight to and from the file or the wire:
 *
 * <pre>
 *   8 bytes   0x07 "RFTSNP" 0x01 (the magic; its last byte is the version of this layout)
 *   varint    n, the header's length
 *   n bytes   SnapshotHeader (protobuf: repeated Peer peers = 1)
 *   the rest  the state machine's bytes
 * </pre>
 *
 * <p>Data written before that layout (storage format version 1, or a peer running an older Raftify) is a protobuf
 * {@code SnapshotData}: peers (field 1), then the state machine's bytes (field 2, length-delimited). The reader
 * recognizes both; a tool may also ask it to take bytes that are neither as the application's raw bytes.
 */
public final class SnapshotFormat {

    /**
     * The first bytes of data in this layout. No SnapshotData starts with them (its first byte is 0x0a or 0x12), and
     * no protobuf parser takes them for a message (0x07 would be a tag of field 0), so a Raftify that expects a
     * SnapshotData refuses this data outright instead of misreading it.
     */
    public static final byte[] MAGIC = {0x07, 'R', 'F', 'T', 'S', 'N', 'P', 1};

    /** Headers beyond this are refused as damaged: an address book is a few KB. */
    static final int MAX_HEADER_BYTES = 1 << 20;

    /** What a snapshot's data turned out to hold. */
    public enum Kind {
        /** The header layout above. */
        HEADER,
        /** A SnapshotData protobuf (storage format version 1 and older peers). */
        LEGACY,
        /** Neither: the application's bytes as they are (only when the caller allows it). */
        RAW
    }

    /**
     * A snapshot's header; its stream is left at the state machine's first byte.
     *
     * @param kind the layout
     * @param peers the address book it carries (empty for {@link Kind#RAW})
     * @param headerSize how many bytes precede the state machine's
     * @param stateMachineSize how many bytes the state machine's take (the rest of the data)
     */
    public record Header(Kind kind, Map<Long, String> peers, long headerSize, long stateMachineSize) {}

    private SnapshotFormat() {
    }

    /** Writes the magic and the header; the state machine's bytes follow. */
    public static void writeHeader(OutputStream out, Map<Long, String> peers) throws IOException {
        SnapshotHeader.Builder h = SnapshotHeader.newBuilder();
        new TreeMap<>(peers).forEach((id, addr) -> h.addPeers(Peer.newBuilder().setNodeId(id).setAddress(addr)));
        out.write(MAGIC);
        h.build().writeDelimitedTo(out);
    }

    /**
     * Reads the header of snapshot data of {@code totalSize} bytes, leaving {@code in} at the state machine's first
     * byte.
     *
     * @param allowRaw whether data that is in neither layout is the application's raw bytes ({@code in} must then
     *     support mark and reset); otherwise it is refused
     * @throws IOException if the data is in neither layout (and raw is not allowed), or ends early
     */
    public static Header readHeader(InputStream in, long totalSize, boolean allowRaw) throws IOException {
        if (allowRaw) {
            if (!in.markSupported()) {
                throw new IllegalArgumentException("reading raw snapshot data needs a stream that supports mark");
            }
            in.mark(MAX_HEADER_BYTES + 64);
        }
        try {
            return parse(in, totalSize);
        } catch (IOException e) {
            if (!allowRaw) {
                throw e;
            }
            in.reset();
            return new Header(Kind.RAW, Map.of(), 0, totalSize);
        }
    }

    private static Header parse(InputStream in, long totalSize) throws IOException {
        if (totalSize == 0) {
            // An empty SnapshotData: no peers, an empty state machine.
            return new Header(Kind.LEGACY, Map.of(), 0, 0);
        }
        int first = in.read();
        if (first < 0) {
            throw new EOFException("snapshot data ends before its first byte");
        }
        if (first == MAGIC[0]) {
            byte[] rest = new byte[MAGIC.length - 1];
            readFully(in, rest);
            if (!Arrays.equals(rest, 0, rest.length, MAGIC, 1, MAGIC.length)) {
                throw new IOException("snapshot data starts with neither the snapshot magic nor a SnapshotData (0x07 "
                        + new String(MAGIC, 1, MAGIC.length - 2, US_ASCII) + " 0x01 expected)");
            }
            long[] consumed = {MAGIC.length};
            long length = readVarint(in, consumed);
            if (length > MAX_HEADER_BYTES || consumed[0] + length > totalSize) {
                throw new IOException("snapshot header length " + length + " does not fit the " + totalSize
                        + " bytes of data");
            }
            byte[] bytes = new byte[(int) length];
            readFully(in, bytes);
            SnapshotHeader h = SnapshotHeader.parseFrom(bytes);
            if (!h.getUnknownFields().asMap().isEmpty()) {
                throw new IOException("snapshot header has fields this Raftify does not know");
            }
            long headerSize = consumed[0] + length;
            return new Header(Kind.HEADER, peers(h.getPeersList()), headerSize, totalSize - headerSize);
        }
        return parseLegacy(first, in, totalSize);
    }

    /**
     * A SnapshotData streamed: peers first, then the state machine's bytes as the last field, which must end exactly
     * where the data ends (protobuf encoders write fields in number order; an empty state machine is left out).
     */
    private static Header parseLegacy(int firstTag, InputStream in, long totalSize) throws IOException {
        Map<Long, String> peers = new TreeMap<>();
        long[] consumed = {1};
        long tag = firstTag;
        if ((tag & 0x80) != 0) {
            throw new IOException("snapshot data is not a SnapshotData (unexpected tag)");
        }
        while (true) {
            if (tag == 0x0a) {
                long length = readVarint(in, consumed);
                if (length > MAX_HEADER_BYTES || consumed[0] + length > totalSize) {
                    throw new IOException("snapshot data is not a SnapshotData (peer of " + length + " bytes)");
                }
                byte[] bytes = new byte[(int) length];
                readFully(in, bytes);
                consumed[0] += length;
                Peer p = Peer.parseFrom(bytes);
                if (!p.getUnknownFields().asMap().isEmpty()) {
                    throw new IOException("snapshot data is not a SnapshotData (unknown peer field)");
                }
                peers.put(p.getNodeId(), p.getAddress());
            } else if (tag == 0x12) {
                long length = readVarint(in, consumed);
                if (consumed[0] + length != totalSize) {
                    throw new IOException("snapshot data is not a SnapshotData (state machine of " + length
                            + " bytes after " + consumed[0] + " bytes of header, in " + totalSize + " bytes)");
                }
                return new Header(Kind.LEGACY, Collections.unmodifiableMap(peers), consumed[0], length);
            } else {
                throw new IOException("snapshot data is not a SnapshotData (unexpected tag " + tag + ")");
            }
            if (consumed[0] == totalSize) {
                return new Header(Kind.LEGACY, Collections.unmodifiableMap(peers), consumed[0], 0);
            }
            tag = readVarint(in, consumed);
        }
    }

    private static Map<Long, String> peers(Iterable<Peer> list) {
        Map<Long, String> m = new TreeMap<>();
        for (Peer p : list) {
            m.put(p.getNodeId(), p.getAddress());
        }
        return Collections.unmodifiableMap(m);
    }

    private static long readVarint(InputStream in, long[] consumed) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("snapshot data ends inside a varint");
            }
            consumed[0]++;
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("snapshot data holds a malformed varint");
    }

    private static void readFully(InputStream in, byte[] buf) throws IOException {
        int n = in.readNBytes(buf, 0, buf.length);
        if (n < buf.length) {
            throw new EOFException("snapshot data ends early");
        }
    }
}

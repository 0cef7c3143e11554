package dev.raftify.storage.lmdb;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftify.proto.service.SnapshotFile;
import dev.raftify.storage.SnapshotReader;
import dev.raftify.storage.SnapshotWriter;
import dev.raftify.storage.StorageException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot data files of a store (format version 2), in {@code <store>/snapshots/}:
 *
 * <ul>
 *   <li>{@code snapshot-<index, 20 digits>-<term>.snap}: a stored snapshot's data, named when it is stored
 *   (a second snapshot at the same index and term gets {@code -1}, {@code -2}... before {@code .snap}, so a file a
 *   committed state refers to is never overwritten);</li>
 *   <li>{@code <16 hex digits>.tmp}: data being written or sealed but not stored yet.</li>
 * </ul>
 *
 * <p>Storing one: the data is written to a temporary file and fsynced ({@link Writer#seal()}); then renamed to its
 * final name and the directory fsynced ({@link #adopt}); only then does one LMDB transaction refer to it (and compact
 * the log). Files that no committed state refers to are orphans: the older snapshots once the transaction commits
 * ({@link #deleteStaleExcept}), anything left by a crash at the next read-write open ({@link #deleteOrphans}).
 */
final class SnapshotFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotFiles.class);

    static final Pattern STORED = Pattern.compile("snapshot-\\d{20}-\\d+(-\\d+)?\\.snap");
    static final Pattern TEMPORARY = Pattern.compile("[0-9a-f]{16}\\.tmp");
    private static final int BUFFER = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    final Path storeDir;
    final Path dir;

    SnapshotFiles(Path storeDir) {
        this.storeDir = storeDir;
        this.dir = storeDir.resolve(LmdbFormat.SNAPSHOT_DIR);
    }

    /** Creates the directory if missing (read-write opens only), durably. */
    void createDirectory() {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        StoreOpener.fsyncDirectory(storeDir);
    }

    static String storedName(long index, long term, int generation) {
        return String.format("snapshot-%020d-%d%s.snap", index, term, generation == 0 ? "" : "-" + generation);
    }

    /** A reference written by this store (stored or sealed), or null when {@code data} is not one. */
    static SnapshotFile parseRef(ByteString data) {
        if (data.isEmpty()) {
            return null;
        }
        try {
            SnapshotFile ref = SnapshotFile.parseFrom(data);
            if (!ref.getUnknownFields().asMap().isEmpty() || !ref.toByteString().equals(data)) {
                return null;
            }
            String n = ref.getName();
            return STORED.matcher(n).matches() || TEMPORARY.matcher(n).matches() ? ref : null;
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    static boolean isTemporary(SnapshotFile ref) {
        return TEMPORARY.matcher(ref.getName()).matches();
    }

    // ---------------------------------------------------------------- writing

    Writer newWriter() throws IOException {
        createDirectory();
        while (true) {
            byte[] nonce = new byte[8];
            RANDOM.nextBytes(nonce);
            Path temp = dir.resolve(HexFormat.of().formatHex(nonce) + ".tmp");
            try {
                return new Writer(temp, FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE));
            } catch (FileAlreadyExistsException e) {
                // 64 random bits collided; draw again.
            }
        }
    }

    /** Streams into a temporary file, computing size and CRC-32C as the bytes go by. */
    static final class Writer implements SnapshotWriter {
        private final Path temp;
        private final FileChannel channel;
        private final CRC32C crc = new CRC32C();
        private final OutputStream stream;
        private long size;
        private boolean sealed;
        private boolean closed;

        Writer(Path temp, FileChannel channel) {
            this.temp = temp;
            this.channel = channel;
            OutputStream buffered = new BufferedOutputStream(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    writeToChannel(ByteBuffer.wrap(b, off, len));
                }
            }, BUFFER);
            this.stream = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    checkWritable();
                    buffered.write(b);
                    size++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    checkWritable();
                    buffered.write(b, off, len);
                    size += len;
                }

                @Override
                public void flush() throws IOException {
                    buffered.flush();
                }

                @Override
                public void close() throws IOException {
                    // Closing the stream is not sealing: only flush.
                    buffered.flush();
                }
            };
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        private void checkWritable() throws IOException {
            if (sealed || closed) {
                throw new IOException("snapshot file " + temp + " is " + (sealed ? "sealed" : "closed"));
            }
        }

        /** Writes {@code buf} (heap or direct, such as an LMDB value) without going through the stream's buffer. */
        void writeBuffer(ByteBuffer buf) throws IOException {
            checkWritable();
            stream.flush();
            int n = buf.remaining();
            writeToChannel(buf);
            size += n;
        }

        private void writeToChannel(ByteBuffer buf) throws IOException {
            crc.update(buf.duplicate());
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }

        @Override
        public long size() {
            return size;
        }

        int crc32c() {
            return (int) crc.getValue();
        }

        @Override
        public ByteString seal() throws IOException {
            if (sealed) {
                throw new IllegalStateException("the snapshot is already sealed");
            }
            stream.flush();
            channel.force(true);
            channel.close();
            sealed = true;
            return ref().toByteString();
        }

        SnapshotFile ref() {
            return SnapshotFile.newBuilder().setName(temp.getFileName().toString()).setSize(size).setCrc32C(crc32c())
                    .build();
        }

        /** Deletes the temporary file; once a store renamed it to its final name, there is nothing left to delete. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // Deleting it below is what matters.
            }
            deleteQuietly(temp);
        }
    }

    /**
     * Renames a sealed temporary file to a stored snapshot's name and fsyncs the directory, so the name survives a
     * crash before the LMDB transaction that will refer to it.
     */
    SnapshotFile adopt(SnapshotFile sealed, long index, long term) {
        Path from = dir.resolve(sealed.getName());
        for (int generation = 0; ; generation++) {
            String name = storedName(index, term, generation);
            Path to = dir.resolve(name);
            if (Files.exists(to)) {
                continue;
            }
            try {
                long actual = Files.size(from);
                if (actual != sealed.getSize()) {
                    throw new StorageException("snapshot file " + from + " has " + actual + " bytes, not the "
                            + sealed.getSize() + " it was sealed with");
                }
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                throw new StorageException("snapshot file " + from + " is gone (its writer was closed before the "
                        + "snapshot was stored)", e);
            } catch (IOException e) {
                throw new StorageException("cannot rename snapshot file " + from + " to " + to + ": "
                        + e.getMessage(), e);
            }
            StoreOpener.fsyncDirectory(dir);
            return sealed.toBuilder().setName(name).build();
        }
    }

    /** After a transaction stored {@code current}: the older snapshots' files are orphans. */
    void deleteStaleExcept(String current) {
        for (String name : list()) {
            if (!name.equals(current) && STORED.matcher(name).matches()) {
                deleteQuietly(dir.resolve(name));
            }
        }
    }

    /**
     * At a read-write open, before anything is written: every snapshot file but {@code current} (null: none) is an
     * orphan, left by a crash or by a transfer that never ended. Files of other names are left alone.
     */
    void deleteOrphans(String current) {
        List<String> deleted = new ArrayList<>();
        for (String name : list()) {
            if (!name.equals(current) && (STORED.matcher(name).matches() || TEMPORARY.matcher(name).matches())) {
                deleteQuietly(dir.resolve(name));
                deleted.add(name);
            }
        }
        if (!deleted.isEmpty()) {
            LOG.info("store {}: deleted {} snapshot file(s) no committed state refers to: {}", storeDir,
                    deleted.size(), deleted);
        }
    }

    /** The names in the directory (none when it does not exist). */
    List<String> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new StorageException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.toString());
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Opens the file {@code ref} names and checks its size.
     *
     * @throws NoSuchFileException if it does not exist
     * @throws CorruptStoreException if its size is not the recorded one
     */
    Reader open(SnapshotFile ref) throws IOException {
        Path file = dir.resolve(ref.getName());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = ch.size();
            if (size != ref.getSize()) {
                throw new CorruptStoreException(storeDir, "snapshot file " + ref.getName() + " has " + size
                        + " bytes, but the store recorded " + ref.getSize());
            }
            return new Reader(file, ch, ref);
        } catch (RuntimeException | IOException e) {
            ch.close();
            throw e;
        }
    }

    /** A snapshot file opened for reading; its stream verifies the size and checksum at the end. */
    final class Reader implements SnapshotReader {
        private final Path file;
        private final FileChannel channel;
        private final SnapshotFile ref;
        private InputStream stream;

        Reader(Path file, FileChannel channel, SnapshotFile ref) {
            this.file = file;
            this.channel = channel;
            this.ref = ref;
        }

        @Override
        public long size() {
            return ref.getSize();
        }

        @Override
        public int crc32c() {
            return ref.getCrc32C();
        }

        @Override
        public InputStream stream() {
            if (stream == null) {
                stream = new BufferedInputStream(new VerifyingStream(channel, ref.getSize(), ref.getCrc32C(),
                        () -> new CorruptStoreException(storeDir, "snapshot file " + ref.getName() + " does not "
                                + "match its recorded checksum (CRC-32C "
                                + Integer.toUnsignedString(ref.getCrc32C(), 16) + ") and size (" + ref.getSize()
                                + " bytes)")), BUFFER);
            }
            return stream;
        }

        Path file() {
            return file;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Read-only: nothing to lose.
            }
        }
    }

    /** Reads a channel from its start; reaching the end checks that size and CRC-32C are the expected ones. */
    static final class VerifyingStream extends InputStream {
        private final FileChannel channel;
        private final long expectedSize;
        private final int expectedCrc;
        private final java.util.function.Supplier<RuntimeException> mismatch;
        private final CRC32C crc = new CRC32C();
        private long position;
        private boolean verified;

        VerifyingStream(FileChannel channel, long expectedSize, int expectedCrc,
                java.util.function.Supplier<RuntimeException> mismatch) {
            this.channel = channel;
            this.expectedSize = expectedSize;
            this.expectedCrc = expectedCrc;
            this.mismatch = mismatch;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            int n = channel.read(buf, position);
            if (n < 0) {
                verify();
                return -1;
            }
            crc.update(b, off, n);
            position += n;
            if (position > expectedSize) {
                throw mismatch.get();
            }
            return n;
        }

        private void verify() {
            if (!verified) {
                if (position != expectedSize || (int) crc.getValue() != expectedCrc) {
                    throw mismatch.get();
                }
                verified = true;
            }
        }

        @Override
        public void close() {
            // The reader owns the channel.
        }
    }
}

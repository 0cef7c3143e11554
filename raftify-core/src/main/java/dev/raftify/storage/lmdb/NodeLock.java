package dev.raftify.storage.lmdb;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.raftify.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock that makes a node the only writer of a store: an OS lock on {@code raftify.lock} holding the
 * owner's PID.
 *
 * <p>LMDB alone would let two processes write the same environment (it serializes their transactions), which
 * would interleave two nodes' logs; hence this separate lock. The OS releases it when the process dies, so a
 * crashed node never leaves a stale lock.
 *
 * <p>Each JVM also keeps a registry of the stores it has open, in any mode, and refuses a second open: POSIX
 * record locks belong to the process, so closing a second channel on the same file (ours, or LMDB's on
 * {@code lock.mdb}) would silently drop the first one's locks.
 */
final class NodeLock implements AutoCloseable {

    private static final Set<Path> OPEN_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private final Path registered;
    private final FileChannel channel;
    private final FileLock lock;

    private NodeLock(Path registered, FileChannel channel, FileLock lock) {
        this.registered = registered;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Records that this process opened {@code directory}; read-only opens take only this, not the file lock.
     *
     * @return the key to pass to {@link #unregister(Path)} on close
     */
    static Path register(Path directory) {
        Path key = directory.toAbsolutePath().normalize();
        if (!OPEN_IN_THIS_PROCESS.add(key)) {
            throw new StoreLockedException(directory, OptionalLong.of(ProcessHandle.current().pid()),
                    "it is already open in this process; share that instance (LMDB forbids opening an environment"
                            + " twice in one process)");
        }
        return key;
    }

    static void unregister(Path key) {
        OPEN_IN_THIS_PROCESS.remove(key);
    }

    /** Registers the directory in this process and takes the exclusive file lock, writing our PID into it. */
    static NodeLock acquire(Path directory) {
        Path key = register(directory);
        Path file = directory.resolve(LmdbFormat.NODE_LOCK_FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                OptionalLong pid = readPid(channel);
                throw new StoreLockedException(directory, pid, "a node already has it open read-write (lock file "
                        + file + "); stop that node, or open the store read-only");
            }
            writePid(channel);
            return new NodeLock(key, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            unregister(key);
            throw new StorageException("cannot lock store at " + directory + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            unregister(key);
            throw e;
        }
    }

    /**
     * Records our PID for the error message of a second writer. Best effort: on a full disk the write can fail,
     * and a node must still be able to open its store then (to read it, or after space is freed).
     */
    private static void writePid(FileChannel channel) {
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(US_ASCII)), 0);
        } catch (IOException e) {
            // The lock is held; only the diagnostic PID is missing.
        }
    }

    private static OptionalLong readPid(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(32);
        channel.read(buf, 0);
        String text = new String(buf.array(), 0, buf.position(), US_ASCII).trim();
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            // The holder may not have written its PID yet (it writes right after locking).
            return OptionalLong.empty();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Already failing; the original error is the one to report.
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases the lock anyway.
        } finally {
            closeQuietly(channel);
            unregister(registered);
        }
    }
}

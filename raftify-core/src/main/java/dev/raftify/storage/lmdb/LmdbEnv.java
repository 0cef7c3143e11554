package dev.raftify.storage.lmdb;

import dev.raftify.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.LmdbNativeException;
import org.lmdbjava.Txn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open LMDB environment with Raftify's three databases (and the store's snapshot files beside it), and the
 * transaction discipline around it: read
 * transactions, write transactions that commit once, map growth on {@code MDB_MAP_FULL}, and translation of LMDB's
 * errors into Raftify's typed exceptions. Opening and validating is {@link StoreOpener}'s job.
 */
final class LmdbEnv implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LmdbEnv.class);
    private static final int ENOSPC = 28;
    private static final int EDQUOT = 122;
    private static final int EIO = 5;
    private static final long NEARLY_FULL_BYTES = 1L << 20;
    // Growing the map needs every transaction of this process to be closed; read views are meant to be short.
    private static final long RESIZE_WAIT_SECONDS = 30;

    final Path directory;
    final boolean readOnly;
    final Env<ByteBuffer> env;
    final Dbi<ByteBuffer> entries;
    final Dbi<ByteBuffer> meta;
    final Dbi<ByteBuffer> peers;
    final SnapshotFiles snapshots;
    private final long maxMapSize;
    private final AutoCloseable processLock;
    // Read side: any open transaction. Write side: changing the map size (LMDB requires no open transaction in
    // the process while mdb_env_set_map_size runs).
    private final ReentrantReadWriteLock txnGate = new ReentrantReadWriteLock();
    private volatile boolean closed;

    LmdbEnv(Path directory, boolean readOnly, Env<ByteBuffer> env, Dbi<ByteBuffer> entries, Dbi<ByteBuffer> meta,
            Dbi<ByteBuffer> peers, long maxMapSize, AutoCloseable processLock) {
        this.directory = directory;
        this.readOnly = readOnly;
        this.env = env;
        this.entries = entries;
        this.meta = meta;
        this.peers = peers;
        this.snapshots = new SnapshotFiles(directory);
        this.maxMapSize = maxMapSize;
        this.processLock = processLock;
    }

    /** Begins a read transaction; the caller must pass it to {@link #endRead(Txn)}. */
    Txn<ByteBuffer> beginRead() {
        while (true) {
            checkOpen();
            txnGate.readLock().lock();
            try {
                return env.txnRead();
            } catch (Dbi.MapResizedException e) {
                // Another process (the writer) grew the map past ours: adopt its size, then retry.
                txnGate.readLock().unlock();
                resize(0, e);
            } catch (LmdbException e) {
                txnGate.readLock().unlock();
                throw translate(e, "beginning a read transaction");
            }
        }
    }

    void endRead(Txn<ByteBuffer> txn) {
        try {
            txn.close();
        } finally {
            txnGate.readLock().unlock();
        }
    }

    /** Runs {@code body} in a read transaction. */
    <T> T read(Function<LmdbReadView, T> body) {
        try (LmdbReadView view = new LmdbReadView(this)) {
            return body.apply(view);
        }
    }

    /**
     * Runs {@code body} in one write transaction and commits it: one fsync (unless the unsafe no-sync option is
     * on). If the map fills, the transaction is rolled back, the map doubled and {@code body} run again from
     * scratch, so {@code body} must only touch the transaction it is given.
     */
    <T> T write(Function<Txn<ByteBuffer>, T> body) {
        if (readOnly) {
            throw new StorageException("store at " + directory + " is open read-only; it cannot be written");
        }
        while (true) {
            checkOpen();
            Env.MapFullException full;
            txnGate.readLock().lock();
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                T result = body.apply(txn);
                txn.commit();
                return result;
            } catch (Env.MapFullException e) {
                full = e;
            } catch (LmdbException e) {
                throw translate(e, "writing");
            } finally {
                txnGate.readLock().unlock();
            }
            grow(full);
        }
    }

    private void grow(Env.MapFullException cause) {
        long current = env.info().mapSize;
        if (current >= maxMapSize) {
            throw new StorageFullException(directory, "the LMDB map reached its configured maximum of " + maxMapSize
                    + " bytes (LmdbOptions.maxMapSize)", cause);
        }
        long next = current > maxMapSize / 2 ? maxMapSize : current * 2;
        resize(next, cause);
        LOG.info("LMDB map of {} full at {} bytes; grew it to {} bytes", directory, current, next);
    }

    /** Sets the map size ({@code 0}: adopt the size another process recorded) with no transaction open. */
    private void resize(long size, Exception cause) {
        if (txnGate.getReadHoldCount() > 0) {
            throw new StorageException("cannot grow the LMDB map of store at " + directory + " while this thread "
                    + "holds an open LmdbReadView; close the view before writing", cause);
        }
        try {
            if (!txnGate.writeLock().tryLock(RESIZE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new StorageException("cannot grow the LMDB map of store at " + directory + ": read views stayed"
                        + " open for " + RESIZE_WAIT_SECONDS + " s", cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while growing the LMDB map of store at " + directory, e);
        }
        try {
            checkOpen();
            env.setMapSize(size);
        } catch (LmdbNativeException e) {
            throw new StorageFullException(directory, "cannot grow the LMDB map to " + size + " bytes ("
                    + e.getMessage() + ")", e);
        } finally {
            txnGate.writeLock().unlock();
        }
    }

    /** Maps an LMDB failure to the exception a caller can act on. */
    StorageException translate(LmdbException e, String doing) {
        if (e instanceof LmdbNativeException n) {
            int rc = n.getResultCode();
            if (rc == ENOSPC || rc == EDQUOT) {
                return new StorageFullException(directory, "no space left on the device (" + e.getMessage() + ")", e);
            }
            if (rc == EIO) {
                // LMDB turns a short write, which is how a filling disk usually shows, into EIO. Tell the two apart
                // by what is left: a disk with room to spare had a real I/O error.
                long free = usableSpace();
                if (free >= 0 && free < NEARLY_FULL_BYTES) {
                    return new StorageFullException(directory, "no space left on the device (a write failed with "
                            + e.getMessage() + ", and " + free + " bytes are free)", e);
                }
            }
            if (e instanceof LmdbNativeException.PageCorruptedException
                    || e instanceof LmdbNativeException.PageNotFoundException) {
                return new CorruptStoreException(directory, "LMDB failed " + doing + ": " + e.getMessage(), e);
            }
        }
        if (e instanceof Env.AlreadyClosedException) {
            return new StorageException("store at " + directory + " is closed", e);
        }
        return new StorageException("LMDB failed " + doing + " in store at " + directory + ": " + e.getMessage(), e);
    }

    private long usableSpace() {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    void checkOpen() {
        if (closed) {
            throw new StorageException("store at " + directory + " is closed");
        }
    }

    long mapSize() {
        return env.info().mapSize;
    }

    /**
     * Waits (a bounded time) for read views of other threads to end, then closes the environment and releases the
     * lock. A view left open by the closing thread itself would wait forever, so that is refused at once.
     */
    @Override
    public void close() {
        if (txnGate.getReadHoldCount() > 0) {
            throw new StorageException("cannot close store at " + directory + " while this thread holds an open "
                    + "LmdbReadView; close the view first");
        }
        try {
            if (!txnGate.writeLock().tryLock(RESIZE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new StorageException("cannot close store at " + directory + ": read views of other threads "
                        + "stayed open for " + RESIZE_WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while closing store at " + directory, e);
        }
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                env.close();
            } finally {
                releaseProcessLock();
            }
        } finally {
            txnGate.writeLock().unlock();
        }
    }

    private void releaseProcessLock() {
        try {
            processLock.close();
        } catch (Exception e) {
            LOG.warn("releasing the lock of {} failed: {}", directory, e.toString());
        }
    }
}

package dev.raftify.storage.lmdb;

import static dev.raftify.storage.lmdb.LmdbFormat.DATA_FILE;
import static dev.raftify.storage.lmdb.LmdbFormat.DB_ENTRIES;
import static dev.raftify.storage.lmdb.LmdbFormat.DB_META;
import static dev.raftify.storage.lmdb.LmdbFormat.DB_PEERS;
import static dev.raftify.storage.lmdb.LmdbFormat.LMDB_LOCK_FILE;
import static dev.raftify.storage.lmdb.LmdbFormat.NODE_LOCK_FILE;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.raftify.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.LmdbNativeException;
import org.lmdbjava.Txn;

/**
 * Opens a store directory: checks that it is one (or creates it), takes the node lock for a writer, opens LMDB
 * and validates the marker and format version, so that every way a directory can be wrong ends in one clear
 * typed exception rather than a stack trace from LMDB or a silently empty store.
 */
final class StoreOpener {

    private static final int ENOENT = 2;
    private static final int EPERM = 1;
    private static final int EACCES = 13;
    // Files a store directory may hold before its first commit (a crash during creation leaves some of them).
    private static final Set<String> CREATION_LEFTOVERS = Set.of(NODE_LOCK_FILE, LMDB_LOCK_FILE, DATA_FILE);

    private StoreOpener() {
    }

    static LmdbEnv openReadWrite(Path dir, LmdbOptions options) {
        if (!Files.exists(dir)) {
            if (!options.createIfMissing()) {
                throw new StoreNotFoundException(dir);
            }
            createDirectory(dir);
        }
        requireDirectory(dir);
        boolean hasData = Files.exists(dir.resolve(DATA_FILE));
        if (!hasData) {
            List<String> foreign = listing(dir).stream().filter(n -> !CREATION_LEFTOVERS.contains(n)).toList();
            if (!foreign.isEmpty()) {
                throw new NotARaftifyStoreException(dir, "it holds other files (" + preview(foreign)
                        + ") and no " + DATA_FILE);
            }
        }
        boolean lockFileExisted = Files.exists(dir.resolve(NODE_LOCK_FILE));
        NodeLock lock = NodeLock.acquire(dir);
        Env<ByteBuffer> env = null;
        try {
            EnvFlags[] flags = options.unsafeNoSync()
                    ? new EnvFlags[] {EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC}
                    : new EnvFlags[] {EnvFlags.MDB_NOTLS};
            env = openEnv(dir, flags);
            // Opened with the size recorded in the file (it may have grown in an earlier run); never shrink it.
            if (env.info().mapSize < options.mapSize()) {
                env.setMapSize(options.mapSize());
            }
            requireNotTruncated(dir, env);
            List<String> names;
            try (Txn<ByteBuffer> txn = beginRead(env)) {
                names = databaseNames(env, txn);
            }
            Dbi<ByteBuffer>[] dbis = names.isEmpty() ? initialize(dir, env) : validate(dir, env, names, false);
            return new LmdbEnv(dir, false, env, dbis[0], dbis[1], dbis[2], options.maxMapSize(), lock);
        } catch (RuntimeException | Error e) {
            if (env != null) {
                env.close();
            }
            lock.close();
            if (!lockFileExisted && e instanceof NotARaftifyStoreException) {
                // Leave a foreign directory as we found it.
                deleteQuietly(dir.resolve(NODE_LOCK_FILE));
            }
            throw e;
        }
    }

    /**
     * Opens for inspection. Creates and modifies no file: LMDB's {@code MDB_RDONLY} maps the data file read-only.
     * When {@code lock.mdb} exists, LMDB registers this reader in that file's shared reader table, which is what
     * keeps a running writer from reusing pages we read; when it is absent (a copied store), {@code MDB_NOLOCK}
     * keeps LMDB from creating it.
     */
    static LmdbEnv openReadOnly(Path dir) {
        if (!Files.exists(dir)) {
            throw new StoreNotFoundException(dir);
        }
        requireDirectory(dir);
        if (!Files.exists(dir.resolve(DATA_FILE))) {
            List<String> files = listing(dir);
            throw new NotARaftifyStoreException(dir, files.isEmpty() ? "the directory is empty"
                    : "it has no " + DATA_FILE + " (it holds " + preview(files) + ")");
        }
        if (sizeOf(dir.resolve(DATA_FILE)) == 0) {
            // A writer treats an empty data file as a creation cut short and initializes it; a reader cannot.
            throw new CorruptStoreException(dir, DATA_FILE + " is empty");
        }
        Path registration = NodeLock.register(dir);
        Env<ByteBuffer> env = null;
        try {
            EnvFlags[] flags = Files.exists(dir.resolve(LMDB_LOCK_FILE))
                    ? new EnvFlags[] {EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOTLS}
                    : new EnvFlags[] {EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOLOCK};
            env = openEnv(dir, flags);
            requireNotTruncated(dir, env);
            List<String> names;
            try (Txn<ByteBuffer> txn = beginRead(env)) {
                names = databaseNames(env, txn);
            }
            if (names.isEmpty()) {
                throw new NotARaftifyStoreException(dir, "its LMDB environment is empty");
            }
            Dbi<ByteBuffer>[] dbis = validate(dir, env, names, true);
            return new LmdbEnv(dir, true, env, dbis[0], dbis[1], dbis[2], Long.MAX_VALUE,
                    () -> NodeLock.unregister(registration));
        } catch (RuntimeException | Error e) {
            if (env != null) {
                env.close();
            }
            NodeLock.unregister(registration);
            throw e;
        }
    }

    private static Env<ByteBuffer> openEnv(Path dir, EnvFlags... flags) {
        try {
            // Map size 0: take the size recorded in the file, so that a store grown earlier opens whole.
            return Env.create().setMaxDbs(LmdbFormat.MAX_DBS).setMapSize(0).open(dir.toFile(), flags);
        } catch (Env.FileInvalidException e) {
            throw new CorruptStoreException(dir, DATA_FILE + " is not a valid LMDB file (" + e.getMessage() + ")", e);
        } catch (Env.VersionMismatchException e) {
            throw new CorruptStoreException(dir, DATA_FILE + " was written by an incompatible LMDB version ("
                    + e.getMessage() + ")", e);
        } catch (LmdbNativeException e) {
            int rc = e.getResultCode();
            if (rc == ENOENT && Files.exists(dir.resolve(DATA_FILE))) {
                throw new CorruptStoreException(dir, DATA_FILE + " is empty or too short to hold LMDB's header", e);
            }
            if (rc == EACCES || rc == EPERM) {
                throw new StorageException("cannot open store at " + dir + ": permission denied (" + e.getMessage()
                        + ")", e);
            }
            if (e instanceof LmdbNativeException.PageCorruptedException
                    || e instanceof LmdbNativeException.PageNotFoundException) {
                throw new CorruptStoreException(dir, "LMDB rejected " + DATA_FILE + ": " + e.getMessage(), e);
            }
            throw new StorageException("cannot open the LMDB environment of store at " + dir + ": "
                    + e.getMessage(), e);
        } catch (LmdbException e) {
            throw new StorageException("cannot open the LMDB environment of store at " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * A data file that lacks pages its meta page references would crash the JVM (SIGBUS) on the first read of a
     * missing page, so it is refused before any read. The read transaction pins the newest committed state while
     * {@link DataFileExtent} reads it.
     */
    private static void requireNotTruncated(Path dir, Env<ByteBuffer> env) {
        int pageSize = env.stat().pageSize;
        try (Txn<ByteBuffer> pin = beginRead(env)) {
            DataFileExtent.requireWhole(dir, pageSize);
        }
    }

    /**
     * A read transaction at open time. A writer in another process may have grown the map since this process
     * opened the environment; LMDB then refuses the transaction until this process adopts the new size.
     */
    private static Txn<ByteBuffer> beginRead(Env<ByteBuffer> env) {
        for (int attempt = 1; ; attempt++) {
            try {
                return env.txnRead();
            } catch (Dbi.MapResizedException e) {
                if (attempt == 10) {
                    throw e;
                }
                env.setMapSize(0);
            }
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new StorageException("cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }

    /** The names in LMDB's main database: the named databases (and, in a foreign environment, plain keys). */
    private static List<String> databaseNames(Env<ByteBuffer> env, Txn<ByteBuffer> txn) {
        Dbi<ByteBuffer> main = env.openDbi(txn, null, null, false);
        List<String> names = new ArrayList<>();
        try (Cursor<ByteBuffer> c = main.openCursor(txn)) {
            for (boolean more = c.first(); more; more = c.next()) {
                ByteBuffer k = c.key();
                byte[] bytes = new byte[k.remaining()];
                k.duplicate().get(bytes);
                names.add(new String(bytes, UTF_8));
            }
        }
        return names;
    }

    /** Creates the databases and the identity records of a new store, in one durable transaction. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Dbi<ByteBuffer>[] initialize(Path dir, Env<ByteBuffer> env) {
        Dbi<ByteBuffer>[] dbis = new Dbi[3];
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            dbis[0] = env.openDbi(txn, DB_ENTRIES.getBytes(UTF_8), null, false, DbiFlags.MDB_CREATE);
            dbis[1] = env.openDbi(txn, DB_META.getBytes(UTF_8), null, false, DbiFlags.MDB_CREATE);
            dbis[2] = env.openDbi(txn, DB_PEERS.getBytes(UTF_8), null, false, DbiFlags.MDB_CREATE);
            LogWriter.initialize(dbis[1], txn);
            txn.commit();
        }
        // LMDB syncs data.mdb but not the directory: make the new files' names durable too.
        fsyncDirectory(dir);
        return dbis;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Dbi<ByteBuffer>[] validate(Path dir, Env<ByteBuffer> env, List<String> names, boolean readOnly) {
        if (!names.contains(DB_META)) {
            throw new NotARaftifyStoreException(dir, "its LMDB environment has no '" + DB_META + "' database (it holds "
                    + preview(names) + ")");
        }
        Dbi<ByteBuffer>[] dbis = new Dbi[3];
        // Handles opened in a read transaction stay valid for the environment once it commits.
        try (Txn<ByteBuffer> txn = beginRead(env)) {
            try {
                dbis[1] = env.openDbi(txn, DB_META.getBytes(UTF_8), null, false);
            } catch (Dbi.IncompatibleException | Dbi.BadDbiException e) {
                throw new NotARaftifyStoreException(dir, "'" + DB_META + "' in its LMDB environment is not a database");
            }
            ByteBuffer magic = dbis[1].get(txn, LmdbFormat.KEY_MAGIC);
            if (magic == null || !LmdbFormat.MAGIC.equals(LmdbFormat.ascii(magic))) {
                throw new NotARaftifyStoreException(dir, "its '" + DB_META + "' database has no Raftify marker");
            }
            ByteBuffer version = dbis[1].get(txn, LmdbFormat.KEY_FORMAT_VERSION);
            if (version == null || version.remaining() != 4) {
                throw new CorruptStoreException(dir, "the format version record is "
                        + (version == null ? "missing" : version.remaining() + " bytes long instead of 4"));
            }
            long v = Integer.toUnsignedLong(version.order(ByteOrder.BIG_ENDIAN).getInt(version.position()));
            if (v < LmdbFormat.OLDEST_READABLE_VERSION || v > LmdbFormat.FORMAT_VERSION) {
                throw new UnsupportedFormatVersionException(dir, v);
            }
            for (String required : List.of(DB_ENTRIES, DB_PEERS)) {
                if (!names.contains(required)) {
                    throw new CorruptStoreException(dir, "the '" + required + "' database is missing");
                }
            }
            dbis[0] = env.openDbi(txn, DB_ENTRIES.getBytes(UTF_8), null, false);
            dbis[2] = env.openDbi(txn, DB_PEERS.getBytes(UTF_8), null, false);
            ByteBuffer base = dbis[1].get(txn, LmdbFormat.KEY_LOG_BASE);
            if (base == null || base.remaining() != LmdbFormat.LOG_BASE_SIZE) {
                throw new CorruptStoreException(dir, "the log_base record is "
                        + (base == null ? "missing" : base.remaining() + " bytes long instead of 16"));
            }
            txn.commit();
        }
        return dbis;
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null) {
                fsyncDirectory(parent);
            }
        } catch (IOException e) {
            throw new StorageException("cannot create store directory " + dir + ": " + e.getMessage(), e);
        }
    }

    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            throw new StorageException("cannot fsync directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void requireDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new NotARaftifyStoreException(dir, "it is not a directory");
        }
    }

    private static List<String> listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new StorageException("cannot list store directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String preview(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // Only tidying up after a refused open; the refusal is what the caller needs to see.
        }
    }
}

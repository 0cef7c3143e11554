package dev.raftify.storage.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.storage.SnapshotReader;
import dev.raftify.storage.StorageException;
import dev.raftify.storage.TestSnapshots;
import dev.raftify.storage.WriteBatch;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/** LMDB-specific behaviour: opening (and refusing to open), read-only mode, map growth, streaming reads. */
class LmdbStorageTest {

    @TempDir
    Path tmp;

    private Path storeWithLog(int entries) {
        Path dir = tmp.resolve("store");
        try (LmdbStorage s = LmdbStorage.open(dir)) {
            s.write(new WriteBatch(null, entries(1, entries, 1),
                    HardState.newBuilder().setTerm(1).setCommit(entries).build(), StoreChild.VOTERS,
                    Map.of(1L, "127.0.0.1:60061")));
        }
        return dir;
    }

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(StoreChild.entry(i, term));
        }
        return out;
    }

    // ---- opening errors ----

    @Test
    void missingDirectoryIsNotFoundForReadOnlyAndForAWriterThatMayNotCreate() {
        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> LmdbStorage.openReadOnly(missing))
                .isInstanceOf(StoreNotFoundException.class)
                .hasMessage("no Raftify store at " + missing + ": the directory does not exist");
        assertThatThrownBy(() -> LmdbStorage.open(missing, LmdbOptions.defaults().withCreateIfMissing(false)))
                .isInstanceOf(StoreNotFoundException.class)
                .hasMessage("no Raftify store at " + missing + ": the directory does not exist");
        assertThat(missing).doesNotExist();
    }

    @Test
    void aFileIsNotAStore() throws IOException {
        Path file = Files.writeString(tmp.resolve("file.txt"), "hello");
        assertThatThrownBy(() -> LmdbStorage.open(file))
                .isInstanceOf(NotARaftifyStoreException.class)
                .hasMessage(file + " is not a Raftify store: it is not a directory");
        assertThatThrownBy(() -> LmdbStorage.openReadOnly(file))
                .isInstanceOf(NotARaftifyStoreException.class)
                .hasMessage(file + " is not a Raftify store: it is not a directory");
    }

    @Test
    void aDirectoryOfOtherFilesIsNotAStoreAndIsLeftUntouched() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(dir.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> LmdbStorage.open(dir))
                .isInstanceOf(NotARaftifyStoreException.class)
                .hasMessage(dir + " is not a Raftify store: it holds other files (notes.txt) and no data.mdb");
        assertThatThrownBy(() -> LmdbStorage.openReadOnly(dir))
                .isInstanceOf(NotARaftifyStoreException.class)
                .hasMessage(dir + " is not a Raftify store: it has no data.mdb (it holds notes.txt)");
        assertThat(list(dir)).containsExactly("notes.txt");
    }

    @Test
    void anEmptyDirectoryIsNotAStoreForReadOnlyButBecomesOneForAWriter() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> LmdbStorage.openReadOnly(dir))
                .isInstanceOf(NotARaftifyStoreException.class)
                .hasMessage(dir + " is not a Raftify store: the directory is empty");
        try (LmdbStorage s = LmdbStorage.open(dir)) {
            assertThat(s.formatVersion()).isEqualTo(2);
        }
    }

    @Test
    void aForeignLmdbEnvironmentIsNotAStore() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("foreign"));
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(2).open(dir.toFile())) {
            Dbi<ByteBuffer> users = env.openDbi("users", DbiFlags.MDB_CREATE);
            users.put(bytes("alice"), bytes("admin"));
        }
        List<String> before = list(dir);
        assertThatThrownBy(() -> LmdbStorage.openReadOnly(dir))
                .isInstanceOf(NotARaftifyStoreException.class)
                .hasMessage(dir + " is not a Raftify store: its LMDB environment has no 'meta' database (it holds users)");
        assertThatThrownBy(() -> LmdbStorage.open(dir))
                .isInstanceOf(NotARaftifyStoreException.class)
                .hasMessage(dir + " is not a Raftify store: its LMDB environment has no 'meta' database (it holds users)");
        assertThat(list(dir)).as("no lock file left behind").isEqualTo(before);
    }

    @Test
    void aForeignMetaDatabaseWithoutOurMarkerIsNotAStore() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("foreign-meta"));
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(2).open(dir.toFile())) {
            env.openDbi("meta", DbiFlags.MDB_CREATE).put(bytes("owner"), bytes("someone else"));
        }
        assertThatThrownBy(() -> LmdbStorage.openReadOnly(dir))
                .isInstanceOf(NotARaftifyStoreException.class)
                .hasMessage(dir + " is not a Raftify store: its 'meta' database has no Raftify marker");
    }

    @Test
    void aNewerFormatVersionIsRefusedWithAnUpgradeHint() {
        Path dir = storeWithLog(3);
        setRawMeta(dir, "format_version", ByteBuffer.allocateDirect(4).putInt(3).flip());
        String expected = "store at " + dir + " has format version 3, but this build of Raftify reads only format "
                + "versions 1 to 2 (the store was written by a newer Raftify; upgrade)";
        assertThatThrownBy(() -> LmdbStorage.open(dir))
                .isInstanceOf(UnsupportedFormatVersionException.class).hasMessage(expected);
        assertThatThrownBy(() -> LmdbStorage.openReadOnly(dir))
                .isInstanceOf(UnsupportedFormatVersionException.class).hasMessage(expected);
    }

    @Test
    void anUnknownFormatVersionIsRefused() {
        Path dir = storeWithLog(3);
        setRawMeta(dir, "format_version", ByteBuffer.allocateDirect(4).putInt(0).flip());
        assertThatThrownBy(() -> LmdbStorage.openReadOnly(dir))
                .isInstanceOf(UnsupportedFormatVersionException.class)
                .hasMessage("store at " + dir + " has format version 0, but this build of Raftify reads only format "
                        + "versions 1 to 2");
    }

    @Test
    void aMissingFormatVersionIsCorruption() {
        Path dir = storeWithLog(3);
        setRawMeta(dir, "format_version", null);
        assertThatThrownBy(() -> LmdbStorage.openReadOnly(dir))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessage("store at " + dir + " is corrupt: the format version record is missing");
    }

    @Test
    void aDataFileWithAGarbageHeaderIsCorrupt() throws IOException {
        Path dir = storeWithLog(3);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("data.mdb").toFile(), "rw")) {
            byte[] garbage = new byte[8192];
            new java.util.Random(1).nextBytes(garbage);
            f.write(garbage);
        }
        assertThatThrownBy(() -> LmdbStorage.openReadOnly(dir))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessageStartingWith("store at " + dir + " is corrupt: data.mdb is not a valid LMDB file");
        assertThatThrownBy(() -> LmdbStorage.open(dir))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessageStartingWith("store at " + dir + " is corrupt: data.mdb is not a valid LMDB file");
    }

    @Test
    void aTruncatedDataFileIsCorruptInsteadOfCrashingTheJvm() throws IOException {
        Path dir = storeWithLog(2000);
        long size = Files.size(dir.resolve("data.mdb"));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("data.mdb").toFile(), "rw")) {
            f.setLength(size / 2);
        }
        assertThatThrownBy(() -> LmdbStorage.openReadOnly(dir))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessageMatching("store at " + java.util.regex.Pattern.quote(dir.toString())
                        + " is corrupt: data.mdb is truncated: it has \\d+ bytes, but its last committed transaction "
                        + "references \\d+ bytes");
    }

    @Test
    void anEmptyDataFileIsCorruptForAReader() throws IOException {
        Path dir = storeWithLog(3);
        Files.write(dir.resolve("data.mdb"), new byte[0]);
        assertThatThrownBy(() -> LmdbStorage.openReadOnly(dir))
                .isInstanceOf(CorruptStoreException.class)
                .hasMessage("store at " + dir + " is corrupt: data.mdb is empty");
    }

    @Test
    void anEntryThatDoesNotDecodeIsReportedWithItsIndex() {
        Path dir = storeWithLog(5);
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(3).open(dir.toFile())) {
            Dbi<ByteBuffer> entries = env.openDbi("entries");
            entries.put(ByteBuffer.allocateDirect(8).putLong(3).flip(), bytes("\u00ff\u00ff\u00ff not protobuf"));
        }
        try (LmdbStorage s = LmdbStorage.openReadOnly(dir)) {
            assertThatThrownBy(() -> s.entries(1, 6, Long.MAX_VALUE))
                    .isInstanceOf(CorruptStoreException.class)
                    .hasMessage("store at " + dir + " is corrupt: entry 3 does not decode");
            assertThat(s.entries(1, 3, Long.MAX_VALUE)).hasSize(2);
        }
    }

    // ---- locking and modes ----

    @Test
    void aSecondOpenInTheSameProcessIsRefused() {
        Path dir = storeWithLog(1);
        long pid = ProcessHandle.current().pid();
        try (LmdbStorage first = LmdbStorage.open(dir)) {
            String expected = "store at " + dir + " is locked by process " + pid + ": it is already open in this "
                    + "process; share that instance (LMDB forbids opening an environment twice in one process)";
            assertThatThrownBy(() -> LmdbStorage.open(dir)).isInstanceOf(StoreLockedException.class)
                    .hasMessage(expected);
            assertThatThrownBy(() -> LmdbStorage.openReadOnly(dir)).isInstanceOf(StoreLockedException.class)
                    .hasMessage(expected);
            assertThat(first.lastIndex()).isEqualTo(1);
        }
        try (LmdbStorage again = LmdbStorage.open(dir)) {
            assertThat(again.lastIndex()).as("closing released the lock").isEqualTo(1);
        }
    }

    @Test
    void aReadOnlyStoreRefusesWrites() {
        Path dir = storeWithLog(3);
        try (LmdbStorage s = LmdbStorage.openReadOnly(dir)) {
            assertThat(s.isReadOnly()).isTrue();
            assertThatThrownBy(() -> s.append(entries(4, 4, 1)))
                    .isInstanceOf(StorageException.class)
                    .hasMessage("store at " + dir + " is open read-only; it cannot be written");
        }
    }

    @Test
    void aClosedStoreSaysSo() {
        Path dir = storeWithLog(1);
        LmdbStorage s = LmdbStorage.open(dir);
        s.close();
        s.close();
        assertThatThrownBy(s::lastIndex).isInstanceOf(StorageException.class)
                .hasMessage("store at " + dir + " is closed");
    }

    /**
     * A reader registers in LMDB's shared reader table inside {@code lock.mdb} (that is what keeps a running writer
     * from recycling the pages it reads), so only that coordination file may change; the store's data does not,
     * and no file appears.
     */
    @Test
    void readOnlyOpenCreatesNoFileAndLeavesTheDataUntouched() throws IOException {
        Path dir = storeWithLog(50);
        Map<String, String> before = fingerprint(dir);
        before.remove("lock.mdb");
        try (LmdbStorage s = LmdbStorage.openReadOnly(dir)) {
            assertThat(s.lastIndex()).isEqualTo(50);
        }
        Map<String, String> after = fingerprint(dir);
        assertThat(after.remove("lock.mdb")).isNotNull();
        assertThat(after).isEqualTo(before);

        // A copied store may lack LMDB's lock file: a reader then opens without one and creates nothing at all.
        Files.delete(dir.resolve("lock.mdb"));
        Files.delete(dir.resolve("raftify.lock"));
        before = fingerprint(dir);
        try (LmdbStorage s = LmdbStorage.openReadOnly(dir)) {
            assertThat(s.entries(1, 51, Long.MAX_VALUE)).isEqualTo(entries(1, 50, 1));
        }
        assertThat(fingerprint(dir)).isEqualTo(before);
        assertThat(list(dir)).containsExactly("data.mdb");
    }

    @Test
    void readOnlyAccessorsDescribeTheStore() {
        Path dir = tmp.resolve("store");
        ConfState cs = StoreChild.VOTERS;
        try (LmdbStorage s = LmdbStorage.open(dir)) {
            s.append(entries(1, 30, 2));
            s.createSnapshot(10, cs, ByteString.copyFromUtf8("snap"));
            s.setHardState(HardState.newBuilder().setTerm(2).setVote(1).setCommit(25).build());
            s.setConfState(cs);
            s.setPeers(Map.of(1L, "a:1", 2L, "b:2"));
        }
        try (LmdbStorage s = LmdbStorage.openReadOnly(dir); LmdbReadView v = s.readView()) {
            assertThat(v.formatVersion()).isEqualTo(2);
            assertThat(v.hardState().getCommit()).isEqualTo(25);
            assertThat(v.confState()).isEqualTo(cs);
            assertThat(v.snapshotMetadata().getIndex()).isEqualTo(10);
            try (SnapshotReader r = v.openSnapshot()) {
                assertThat(TestSnapshots.content(r).toStringUtf8()).isEqualTo("snap");
            }
            assertThat(v.snapshotFilePath()).hasFileName("snapshot-00000000000000000010-2.snap").hasContent("snap");
            assertThat(v.snapshotFile().getSize()).isEqualTo(4);
            assertThat(v.firstIndex()).isEqualTo(11);
            assertThat(v.lastIndex()).isEqualTo(30);
            assertThat(v.peers()).containsExactly(Map.entry(1L, "a:1"), Map.entry(2L, "b:2"));
            List<Long> seen = new ArrayList<>();
            assertThat(v.forEachEntry(0, 15, e -> seen.add(e.getIndex()))).isEqualTo(4);
            assertThat(seen).containsExactly(11L, 12L, 13L, 14L);
            assertThat(v.forEachEntry(31, 100, e -> { })).isZero();
        }
    }

    @Test
    void closingWhileTheSameThreadHoldsAViewIsRefusedInsteadOfHangingForever() {
        Path dir = storeWithLog(3);
        LmdbStorage s = LmdbStorage.open(dir);
        LmdbReadView view = s.readView();
        assertThatThrownBy(s::close).isInstanceOf(StorageException.class)
                .hasMessage("cannot close store at " + dir + " while this thread holds an open LmdbReadView; close "
                        + "the view first");
        assertThat(view.lastIndex()).as("the refused close left the store usable").isEqualTo(3);
        view.close();
        s.close();
        try (LmdbStorage reopened = LmdbStorage.open(dir)) {
            assertThat(reopened.lastIndex()).as("the lock was released").isEqualTo(3);
        }
    }

    // ---- map size ----

    @Test
    void theMapGrowsWhenFullAndNothingIsLost() {
        Path dir = tmp.resolve("store");
        ByteString kb = ByteString.copyFrom(new byte[1024]);
        try (LmdbStorage s = LmdbStorage.open(dir, LmdbOptions.defaults().withMapSize(LmdbOptions.MIB))) {
            long before = s.mapSize();
            for (long i = 1; i <= 8000; i += 100) {
                List<Entry> batch = new ArrayList<>();
                for (long j = i; j < i + 100; j++) {
                    batch.add(Entry.newBuilder().setIndex(j).setTerm(1).setData(kb).build());
                }
                s.append(batch);
            }
            assertThat(s.mapSize()).isGreaterThanOrEqualTo(8 * before);
        }
        try (LmdbStorage s = LmdbStorage.open(dir, LmdbOptions.defaults().withMapSize(LmdbOptions.MIB))) {
            assertThat(s.mapSize()).as("a grown map opens whole").isGreaterThan(8 * LmdbOptions.MIB);
            assertThat(s.lastIndex()).isEqualTo(8000);
            assertThat(s.forEachEntry(1, 8001, e -> assertThat(e.getData()).isEqualTo(kb))).isEqualTo(8000);
        }
    }

    @Test
    void reachingTheMaximumMapSizeIsStorageFullAndKeepsWhatWasWritten() {
        Path dir = tmp.resolve("store");
        LmdbOptions small = LmdbOptions.defaults().withMapSize(LmdbOptions.MIB).withMaxMapSize(2 * LmdbOptions.MIB);
        ByteString kb = ByteString.copyFrom(new byte[1024]);
        long written = 0;
        try (LmdbStorage s = LmdbStorage.open(dir, small)) {
            StorageFullException full = null;
            while (full == null) {
                List<Entry> batch = new ArrayList<>();
                for (long j = written + 1; j <= written + 50; j++) {
                    batch.add(Entry.newBuilder().setIndex(j).setTerm(1).setData(kb).build());
                }
                try {
                    s.append(batch);
                    written += 50;
                } catch (StorageFullException e) {
                    full = e;
                }
            }
            assertThat(full).hasMessage("store at " + dir + " is full: the LMDB map reached its configured maximum of "
                    + 2 * LmdbOptions.MIB + " bytes (LmdbOptions.maxMapSize); the write was not applied");
            assertThat(s.lastIndex()).isEqualTo(written);
            s.setHardState(HardState.newBuilder().setCommit(written).build());
        }
        try (LmdbStorage s = LmdbStorage.open(dir)) {
            assertThat(s.lastIndex()).isEqualTo(written);
            assertThat(s.hardState().getCommit()).isEqualTo(written);
            s.append(List.of(Entry.newBuilder().setIndex(written + 1).setTerm(1).setData(kb).build()));
            assertThat(s.lastIndex()).as("a larger maximum lets it continue").isEqualTo(written + 1);
        }
    }

    // ---- helpers ----

    /** Writes (or with {@code null}, deletes) a raw meta record, bypassing LmdbStorage, to fake other versions. */
    private static void setRawMeta(Path dir, String key, ByteBuffer value) {
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(3).open(dir.toFile())) {
            Dbi<ByteBuffer> meta = env.openDbi("meta");
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                if (value == null) {
                    meta.delete(txn, bytes(key));
                } else {
                    meta.put(txn, bytes(key), value);
                }
                txn.commit();
            }
        }
    }

    private static ByteBuffer bytes(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Name, size, modification time and content hash of every file. */
    private static Map<String, String> fingerprint(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (String name : list(dir)) {
            Path p = dir.resolve(name);
            out.put(name, Files.size(p) + "|" + Files.getLastModifiedTime(p) + "|" + sha256(p));
        }
        return out;
    }

    private static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

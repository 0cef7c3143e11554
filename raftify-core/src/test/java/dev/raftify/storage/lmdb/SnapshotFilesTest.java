package dev.raftify.storage.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.storage.SnapshotReader;
import dev.raftify.storage.SnapshotWriter;
import dev.raftify.storage.TestSnapshots;
import dev.raftify.storage.WriteBatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/**
 * Snapshot data files (format version 2): the order that keeps "snapshot + compaction" atomic across crashes,
 * orphans, verification of size and checksum, what a read-only open may not do, and the upgrade of a version 1
 * store.
 */
class SnapshotFilesTest {

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("store");
    }

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(StoreChild.entry(i, term));
        }
        return out;
    }

    /** A store with entries 1..20 (term 1) and a snapshot at 5. */
    private Path storeWithSnapshotAt5() {
        try (LmdbStorage s = LmdbStorage.open(dir())) {
            s.write(new WriteBatch(null, entries(1, 20, 1), HardState.newBuilder().setTerm(1).setCommit(20).build(),
                    StoreChild.VOTERS, Map.of(1L, "127.0.0.1:60061")));
            s.createSnapshot(5, StoreChild.VOTERS, StoreChild.snapshotData(5));
        }
        return dir();
    }

    private static List<String> files(Path store) throws IOException {
        Path d = store.resolve("snapshots");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String name(long index, long term) {
        return String.format("snapshot-%020d-%d.snap", index, term);
    }

    private static void assertSnapshotAt5(LmdbStorage s) {
        assertThat(s.snapshotMetadata().getIndex()).isEqualTo(5);
        assertThat(TestSnapshots.content(s, s.latestSnapshot())).isEqualTo(StoreChild.snapshotData(5));
        assertThat(s.firstIndex()).as("the log is not compacted past the old snapshot").isEqualTo(6);
        assertThat(s.lastIndex()).isEqualTo(20);
    }

    // ---------------------------------------------------------------- atomicity

    /**
     * The process dies (halt: no finally, no cleanup) after the new snapshot's file was written, fsynced and renamed
     * to its final name, but before the transaction that records it: the store still has the old snapshot and the
     * old log, the new file is an orphan, which a read-only open leaves alone and the next read-write open deletes.
     */
    @Test
    void aCrashBetweenTheFileAndTheTransactionLeavesTheOldSnapshot() throws IOException {
        Path store = storeWithSnapshotAt5();
        try (ChildJvm child = ChildJvm.start("snapcrash", store.toString(), "12")) {
            assertThat(child.waitFor(Duration.ofSeconds(60))).isZero();
            assertThat(child.lines()).containsExactly("RENAMED [" + name(5, 1) + ", " + name(12, 1) + "]");
        }
        assertThat(files(store)).containsExactly(name(5, 1), name(12, 1));
        try (LmdbStorage ro = LmdbStorage.openReadOnly(store)) {
            assertSnapshotAt5(ro);
        }
        assertThat(files(store)).as("a read-only open deletes nothing").containsExactly(name(5, 1), name(12, 1));
        try (LmdbStorage rw = LmdbStorage.open(store)) {
            assertSnapshotAt5(rw);
            assertThat(files(store)).as("the orphan is gone").containsExactly(name(5, 1));
            // And the store goes on: the next snapshot at 12 works (the orphan's name is free again).
            rw.createSnapshot(12, StoreChild.VOTERS, StoreChild.snapshotData(12));
            assertThat(files(store)).containsExactly(name(12, 1));
        }
    }

    @Test
    void aTransactionThatFailsDeletesTheRenamedFileAndKeepsTheOldSnapshot() throws IOException {
        Path store = storeWithSnapshotAt5();
        try (LmdbStorage s = LmdbStorage.open(store)) {
            s.beforeSnapshotCommit(() -> {
                throw new IllegalStateException("injected");
            });
            assertThatThrownBy(() -> s.createSnapshot(12, StoreChild.VOTERS, StoreChild.snapshotData(12)))
                    .hasMessage("injected");
            assertSnapshotAt5(s);
            assertThat(files(store)).containsExactly(name(5, 1));
        }
    }

    @Test
    void storingASnapshotDeletesThePreviousFileAndNeverOverwritesTheCurrentOne() throws IOException {
        Path store = storeWithSnapshotAt5();
        try (LmdbStorage s = LmdbStorage.open(store)) {
            s.createSnapshot(5, StoreChild.VOTERS, ByteString.copyFromUtf8("again at 5"));
            assertThat(files(store)).as("the same index and term get a new name").containsExactly(
                    "snapshot-00000000000000000005-1-1.snap");
            assertThat(TestSnapshots.content(s, s.latestSnapshot()).toStringUtf8()).isEqualTo("again at 5");
            s.createSnapshot(9, StoreChild.VOTERS, ByteString.copyFromUtf8("at 9"));
            assertThat(files(store)).containsExactly(name(9, 1));
        }
    }

    // ---------------------------------------------------------------- writers

    @Test
    void writersThatAreNotStoredLeaveNothing() throws IOException {
        Path store = storeWithSnapshotAt5();
        try (LmdbStorage s = LmdbStorage.open(store)) {
            SnapshotWriter abandoned = s.newSnapshotWriter(-1);
            abandoned.stream().write(new byte[10_000]);
            SnapshotWriter sealed = s.newSnapshotWriter(3);
            sealed.stream().write("abc".getBytes(StandardCharsets.UTF_8));
            ByteString ref = sealed.seal();
            try (SnapshotReader r = s.openSnapshot(Snapshot.newBuilder().setData(ref).build())) {
                assertThat(TestSnapshots.content(r).toStringUtf8()).isEqualTo("abc");
            }
            assertThat(files(store)).hasSize(3);
            abandoned.close();
            sealed.close();
            assertThat(files(store)).containsExactly(name(5, 1));
            assertThatThrownBy(() -> s.createSnapshot(12, StoreChild.VOTERS, ref))
                    .as("a closed writer's data cannot be stored any more")
                    .hasMessageContaining("is gone");
            assertSnapshotAt5(s);
        }
    }

    @Test
    void anOlderSnapshotFromALeaderIsRefusedAndItsFileDeletedByItsWriter() throws IOException {
        Path store = storeWithSnapshotAt5();
        try (LmdbStorage s = LmdbStorage.open(store)) {
            try (SnapshotWriter w = s.newSnapshotWriter(-1)) {
                w.stream().write(1);
                Snapshot old = Snapshot.newBuilder().setData(w.seal())
                        .setMetadata(SnapshotMetadata.newBuilder().setIndex(3).setTerm(1)).build();
                assertThatThrownBy(() -> s.write(new WriteBatch(old, List.of(), null, null)))
                        .isInstanceOf(dev.raftify.storage.SnapshotOutOfDateException.class);
            }
            assertSnapshotAt5(s);
            assertThat(files(store)).containsExactly(name(5, 1));
        }
    }

    // ---------------------------------------------------------------- orphans and damage

    @Test
    void orphansAreDeletedAtAReadWriteOpenAndOtherFilesAreLeftAlone() throws IOException {
        Path store = storeWithSnapshotAt5();
        Path d = store.resolve("snapshots");
        Files.writeString(d.resolve("0123456789abcdef.tmp"), "half written");
        Files.writeString(d.resolve(name(3, 1)), "older");
        Files.writeString(d.resolve(name(7, 2)), "renamed, never committed");
        Files.writeString(d.resolve("notes.txt"), "the operator's");
        try (LmdbStorage s = LmdbStorage.open(store)) {
            assertSnapshotAt5(s);
        }
        assertThat(files(store)).containsExactly("notes.txt", name(5, 1));
    }

    @Test
    void aChecksumMismatchIsCorruptionFoundByReadingToTheEnd() throws IOException {
        Path store = storeWithSnapshotAt5();
        Path file = store.resolve("snapshots").resolve(name(5, 1));
        byte[] bytes = Files.readAllBytes(file);
        bytes[3] ^= 0x20;
        Files.write(file, bytes);
        try (LmdbStorage s = LmdbStorage.open(store); SnapshotReader r = s.openSnapshot(s.latestSnapshot())) {
            assertThat(r.size()).isEqualTo(bytes.length);
            InputStream in = r.stream();
            assertThat(in.readNBytes(bytes.length)).isEqualTo(bytes);
            assertThatThrownBy(in::read).isInstanceOf(CorruptStoreException.class)
                    .hasMessage("store at " + store + " is corrupt: snapshot file " + name(5, 1) + " does not match "
                            + "its recorded checksum (CRC-32C " + Integer.toUnsignedString(r.crc32c(), 16)
                            + ") and size (" + bytes.length + " bytes)");
        }
    }

    @Test
    void aFileOfAnotherSizeIsCorruptionAtOpen() throws IOException {
        Path store = storeWithSnapshotAt5();
        Path file = store.resolve("snapshots").resolve(name(5, 1));
        long size = Files.size(file);
        Files.write(file, new byte[] {'!'}, StandardOpenOption.APPEND);
        String expected = "store at " + store + " is corrupt: snapshot file " + name(5, 1) + " has " + (size + 1)
                + " bytes, but the store recorded " + size;
        assertThatThrownBy(() -> LmdbStorage.open(store)).isInstanceOf(CorruptStoreException.class)
                .hasMessage(expected);
        try (LmdbStorage ro = LmdbStorage.openReadOnly(store); LmdbReadView v = ro.readView()) {
            assertThatThrownBy(v::openSnapshot).isInstanceOf(CorruptStoreException.class).hasMessage(expected);
        }
    }

    @Test
    void aMissingFileIsCorruption() throws IOException {
        Path store = storeWithSnapshotAt5();
        Files.delete(store.resolve("snapshots").resolve(name(5, 1)));
        String expected = "store at " + store + " is corrupt: snapshot file " + name(5, 1) + " is missing from "
                + store.resolve("snapshots");
        assertThatThrownBy(() -> LmdbStorage.open(store)).isInstanceOf(CorruptStoreException.class)
                .hasMessage(expected);
        try (LmdbStorage ro = LmdbStorage.openReadOnly(store); LmdbReadView v = ro.readView()) {
            assertThatThrownBy(v::openSnapshot).isInstanceOf(CorruptStoreException.class).hasMessage(expected);
        }
    }

    /** A reader's view of the store may be older than the node's: its snapshot file may be gone by then. */
    @Test
    void aSnapshotReplacedAfterAViewBeganIsReportedAsReplaced() throws IOException {
        Path store = storeWithSnapshotAt5();
        try (LmdbStorage s = LmdbStorage.open(store)) {
            try (LmdbReadView old = s.readView()) {
                s.createSnapshot(9, StoreChild.VOTERS, StoreChild.snapshotData(9));
                assertThat(old.snapshotMetadata().getIndex()).isEqualTo(5);
                assertThatThrownBy(old::openSnapshot).isInstanceOf(SnapshotReplacedException.class);
            }
            try (LmdbReadView fresh = s.readView(); SnapshotReader r = fresh.openSnapshot()) {
                assertThat(TestSnapshots.content(r)).isEqualTo(StoreChild.snapshotData(9));
            }
        }
    }

    /** Once open, a snapshot's data stays readable even after the store replaced (and deleted) its file. */
    @Test
    void anOpenReaderOutlivesTheReplacementOfItsFile() throws IOException {
        Path store = storeWithSnapshotAt5();
        try (LmdbStorage s = LmdbStorage.open(store);
                SnapshotReader r = s.openSnapshot(s.latestSnapshot())) {
            s.createSnapshot(9, StoreChild.VOTERS, StoreChild.snapshotData(9));
            assertThat(files(store)).containsExactly(name(9, 1));
            assertThat(TestSnapshots.content(r)).isEqualTo(StoreChild.snapshotData(5));
        }
    }

    // ---------------------------------------------------------------- read-only

    @Test
    void aReadOnlyOpenCreatesChangesAndDeletesNothing() throws IOException {
        Path store = storeWithSnapshotAt5();
        Files.writeString(store.resolve("snapshots").resolve("0123456789abcdef.tmp"), "orphan");
        Map<String, String> before = fingerprint(store);
        before.remove("lock.mdb");
        try (LmdbStorage ro = LmdbStorage.openReadOnly(store); LmdbReadView v = ro.readView();
                SnapshotReader r = v.openSnapshot()) {
            assertThat(TestSnapshots.content(r)).isEqualTo(StoreChild.snapshotData(5));
            assertThatThrownBy(() -> ro.newSnapshotWriter(-1)).hasMessageContaining("read-only");
        }
        Map<String, String> after = fingerprint(store);
        after.remove("lock.mdb");
        assertThat(after).isEqualTo(before);
    }

    // ---------------------------------------------------------------- format version 1

    /** Rewrites a store as format version 1 had it: the snapshot's data inside LMDB, no snapshots/ directory. */
    private static void downgrade(Path store, byte[] legacyData) throws IOException {
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(3).setMapSize(64L << 20).open(store.toFile())) {
            Dbi<ByteBuffer> meta = env.openDbi("meta");
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                meta.delete(txn, direct("snapshot_file".getBytes(StandardCharsets.US_ASCII)));
                meta.put(txn, direct("snapshot_data".getBytes(StandardCharsets.US_ASCII)), direct(legacyData));
                meta.put(txn, direct("format_version".getBytes(StandardCharsets.US_ASCII)),
                        ByteBuffer.allocateDirect(4).putInt(1).flip());
                txn.commit();
            }
        }
        try (Stream<Path> s = Files.list(store.resolve("snapshots"))) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(store.resolve("snapshots"));
    }

    private static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(Math.max(1, bytes.length)).put(bytes).flip();
    }

    @Test
    void aFormatVersion1StoreIsReadAsItIsReadOnlyAndUpgradedByAReadWriteOpen() throws IOException {
        Path store = storeWithSnapshotAt5();
        byte[] legacy = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(5).nextBytes(legacy);
        downgrade(store, legacy);
        Map<String, String> before = fingerprint(store);
        before.remove("lock.mdb");
        try (LmdbStorage ro = LmdbStorage.openReadOnly(store); LmdbReadView v = ro.readView()) {
            assertThat(v.formatVersion()).isEqualTo(1);
            assertThat(v.snapshotFile().getName()).isEmpty();
            assertThat(v.snapshotFilePath()).isNull();
            try (SnapshotReader r = v.openSnapshot()) {
                assertThat(TestSnapshots.content(r).toByteArray()).isEqualTo(legacy);
            }
        }
        Map<String, String> after = fingerprint(store);
        after.remove("lock.mdb");
        assertThat(after).as("nothing created or changed").isEqualTo(before);

        try (LmdbStorage rw = LmdbStorage.open(store)) {
            assertThat(rw.formatVersion()).isEqualTo(2);
            assertThat(files(store)).containsExactly(name(5, 1));
            assertThat(TestSnapshots.content(rw, rw.latestSnapshot()).toByteArray()).isEqualTo(legacy);
            assertThat(rw.firstIndex()).isEqualTo(6);
            assertThat(rw.lastIndex()).isEqualTo(20);
        }
        try (LmdbStorage ro = LmdbStorage.openReadOnly(store); LmdbReadView v = ro.readView()) {
            assertThat(v.snapshotFile().getSize()).isEqualTo(legacy.length);
            assertThat(v.snapshot().getData()).as("the old record is gone; the data is the file's reference")
                    .isEqualTo(v.snapshotFile().toByteString());
        }
    }

    @Test
    void aFormatVersion1StoreWithoutSnapshotIsUpgradedToo() throws IOException {
        try (LmdbStorage s = LmdbStorage.open(dir())) {
            s.append(entries(1, 3, 1));
        }
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(3).open(dir().toFile())) {
            Dbi<ByteBuffer> meta = env.openDbi("meta");
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                meta.put(txn, direct("format_version".getBytes(StandardCharsets.US_ASCII)),
                        ByteBuffer.allocateDirect(4).putInt(1).flip());
                txn.commit();
            }
        }
        try (LmdbStorage rw = LmdbStorage.open(dir())) {
            assertThat(rw.formatVersion()).isEqualTo(2);
            assertThat(rw.lastIndex()).isEqualTo(3);
            assertThat(files(dir())).isEmpty();
        }
    }

    /** Name, size, modification time and content hash of every file, subdirectories included. */
    private static Map<String, String> fingerprint(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Files.size(p) + "|" + Files.getLastModifiedTime(p) + "|"
                        + sha256(p));
            }
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isDirectory).toList()) {
                out.put(dir.relativize(p) + "/", "dir");
            }
        }
        return out;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

package dev.raftify.cli.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.LockHolder;
import dev.raftify.cli.support.Stores;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/** Every way a storage directory can be wrong: one line on stderr, nothing on stdout, exit code 3. */
class OfflineErrorsTest {

    @TempDir
    Path tmp;

    private static void assertStoreError(Cli.Result r, String expectedLine) {
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("raftify-cli: " + expectedLine + "\n");
    }

    @Test
    void missingDirectory() {
        Path dir = tmp.resolve("nope");
        for (String cmd : new String[] {"logs", "metadata", "snapshot"}) {
            assertStoreError(Cli.run("describe", cmd, dir.toString()),
                    "no Raftify store at " + dir + ": the directory does not exist");
        }
        assertStoreError(Cli.run("check", dir.toString()), "no Raftify store at " + dir + ": the directory does not exist");
    }

    @Test
    void directoryThatIsNotAStore() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(dir.resolve("cat.jpg"), "meow");
        Cli.Result r = Cli.run("describe", "metadata", dir.toString());
        assertStoreError(r, dir + " is not a Raftify store: it has no data.mdb (it holds cat.jpg)");
        assertThat(dir.resolve("raftify.lock")).doesNotExist();
    }

    @Test
    void fileInsteadOfDirectory() throws IOException {
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");
        assertStoreError(Cli.run("describe", "logs", file.toString()), file + " is not a Raftify store: it is not a directory");
    }

    @Test
    void foreignLmdbEnvironment() {
        Path dir = tmp.resolve("other-app");
        dir.toFile().mkdirs();
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(2).open(dir.toFile())) {
            Dbi<ByteBuffer> db = env.openDbi("things", org.lmdbjava.DbiFlags.MDB_CREATE);
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                db.put(txn, buf("k"), buf("v"));
                txn.commit();
            }
        }
        assertStoreError(Cli.run("describe", "metadata", dir.toString()),
                dir + " is not a Raftify store: its LMDB environment has no 'meta' database (it holds things)");
    }

    @Test
    void corruptDataFile() throws IOException {
        Path dir = tmp.resolve("node-1");
        Stores.writeThreeNodeStore(dir);
        byte[] garbage = new byte[8192];
        java.util.Arrays.fill(garbage, (byte) 0x5a);
        Files.write(dir.resolve("data.mdb"), garbage, StandardOpenOption.TRUNCATE_EXISTING);
        Cli.Result r = Cli.run("describe", "logs", dir.toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).startsWith("raftify-cli: store at " + dir + " is corrupt: data.mdb is not a valid LMDB file")
                .endsWith("\n").hasLineCount(1);
    }

    @Test
    void truncatedDataFile() throws IOException {
        Path dir = tmp.resolve("node-1");
        Stores.writeLongStore(dir, 2_000);
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve("data.mdb"), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        Cli.Result r = Cli.run("check", dir.toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).startsWith("raftify-cli: store at " + dir + " is corrupt: data.mdb is truncated: it has ")
                .hasLineCount(1);
    }

    @Test
    void newerFormatVersion() {
        Path dir = tmp.resolve("node-1");
        Stores.writeThreeNodeStore(dir);
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(3).open(dir.toFile())) {
            Dbi<ByteBuffer> meta = env.openDbi("meta");
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                meta.put(txn, buf("format_version"), ByteBuffer.allocateDirect(4).putInt(0, 3));
                txn.commit();
            }
        }
        assertStoreError(Cli.run("describe", "metadata", dir.toString()), "store at " + dir + " has format version 3, "
                + "but this build of Raftify reads only format versions 1 to 2 (the store was written by a newer "
                + "Raftify; upgrade)");
    }

    private static Path snapshotFile(Path dir) throws IOException {
        try (var files = Files.list(dir.resolve("snapshots"))) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    @Test
    void missingSnapshotFile() throws IOException {
        Path dir = tmp.resolve("node-1");
        Stores.writeThreeNodeStore(dir);
        Path file = snapshotFile(dir);
        Files.delete(file);
        String expected = "store at " + dir + " is corrupt: snapshot file " + file.getFileName() + " is missing from "
                + dir.resolve("snapshots");
        assertStoreError(Cli.run("describe", "snapshot", dir.toString()), expected);
        Cli.Result metadata = Cli.run("describe", "metadata", dir.toString(), "--no-color");
        assertThat(metadata.exitCode()).as("the rest of the metadata still shows").isZero();
        assertThat(metadata.out()).contains("unreadable: " + expected.substring(0, 40));
        Cli.Result check = Cli.run("check", dir.toString(), "--no-color");
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(1);
        assertThat(check.out()).contains("✘ snapshot data: the snapshot's data file exists, with the recorded size "
                + "and checksum\n    problem: " + expected + "\n");
    }

    @Test
    void snapshotFileWithAnotherSize() throws IOException {
        Path dir = tmp.resolve("node-1");
        Stores.writeThreeNodeStore(dir);
        Path file = snapshotFile(dir);
        long size = Files.size(file);
        Files.write(file, new byte[] {1}, StandardOpenOption.APPEND);
        Cli.Result check = Cli.run("check", dir.toString(), "--no-color");
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(1);
        assertThat(check.out()).contains("    problem: store at " + dir + " is corrupt: snapshot file "
                + file.getFileName() + " has " + (size + 1) + " bytes, but the store recorded " + size + "\n");
    }

    /** Same size, one byte changed: only reading the whole file finds it (describe reads just the header). */
    @Test
    void snapshotFileWithAnotherChecksum() throws IOException {
        Path dir = tmp.resolve("node-1");
        Stores.writeThreeNodeStore(dir);
        Path file = snapshotFile(dir);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(file, bytes);
        Cli.Result check = Cli.run("check", dir.toString(), "--no-color");
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(1);
        assertThat(check.out()).contains("    problem: store at " + dir + " is corrupt: snapshot file "
                + file.getFileName() + " does not match its recorded checksum");
        assertThat(Cli.run("describe", "snapshot", dir.toString()).exitCode()).isZero();
        Path saved = tmp.resolve("state.bin");
        Cli.Result save = Cli.run("describe", "snapshot", dir.toString(), "--save-state-machine", saved.toString());
        assertThat(save.exitCode()).as(save.toString()).isEqualTo(3);
        assertThat(save.err()).contains("does not match its recorded checksum");
        assertThat(saved).as("a copy cut short is not left behind").doesNotExist();
    }

    @Test
    void stackTraceOnlyWithVerbose() {
        Path dir = tmp.resolve("nope");
        Cli.Result quiet = Cli.run("describe", "metadata", dir.toString());
        assertThat(quiet.err()).doesNotContain("\tat ");
        Cli.Result verbose = Cli.run("describe", "metadata", dir.toString(), "--verbose");
        assertThat(verbose.exitCode()).isEqualTo(3);
        assertThat(verbose.err()).startsWith("raftify-cli: no Raftify store at ")
                .contains("StoreNotFoundException").contains("\tat ");
    }

    @Test
    void readsBesideARunningNode() throws IOException {
        Path dir = tmp.resolve("node-1");
        Stores.writeThreeNodeStore(dir);
        try (LockHolder node = LockHolder.start(dir)) {
            Cli.Result r = Cli.run("describe", "metadata", dir.toString(), "-o", "json");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("\"last_index\": 11");
            assertThat(Cli.run("check", dir.toString()).exitCode()).isZero();
        }
    }

    @Test
    void usageErrorsExitWithTwo() {
        Cli.Result r = Cli.run("describe", "logs", tmp.toString(), "--tail", "3", "--from", "2");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("raftify-cli: --tail cannot be combined with --from or --limit\n"
                + "Try 'raftify-cli describe logs --help' for more information.\n");
        Cli.Result bad = Cli.run("describe", "logs", tmp.toString(), "--output", "yaml");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("raftify-cli: Invalid value for option '--output': expected one of [table, json]");
    }

    private static ByteBuffer buf(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }
}

package dev.raftify.cli.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.Golden;
import dev.raftify.cli.support.Stores;
import dev.raftify.storage.lmdb.LmdbStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by a Raftify of storage format version 1 (snapshot data inside LMDB): the offline commands read it
 * as it is, without changing it; a node's read-write open upgrades it, and the commands then read the file.
 */
class FormatVersion1Test {

    @TempDir
    Path tmp;

    @Test
    void readOnlyCommandsReadTheOldFormAndChangeNothing() throws IOException {
        Path dir = tmp.resolve("node-1");
        Stores.writeThreeNodeStore(dir);
        Stores.downgradeToFormatVersion1(dir);
        String store = dir.toString();

        Cli.Result snap = Cli.run("describe", "snapshot", store, "--no-color");
        assertThat(snap.exitCode()).as(snap.toString()).isZero();
        Golden.assertMatches("describe-snapshot-v1.txt", snap.out());

        Cli.Result check = Cli.run("check", store, "--no-color");
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.out()).contains("✔ snapshot data: ")
                .contains("warning: the snapshot's data is inside LMDB (format version 1); the node moves it to a "
                        + "file at its next start");

        Path saved = tmp.resolve("state.bin");
        assertThat(Cli.run("describe", "snapshot", store, "--save-state-machine", saved.toString()).exitCode())
                .isZero();
        assertThat(saved).hasContent("{\"x\":\"1\"}");

        assertThat(dir.resolve("snapshots")).as("a read-only open creates nothing").doesNotExist();
        assertThat(Cli.run("describe", "metadata", store, "-o", "json").out()).contains("\"format_version\": 1");
    }

    @Test
    void aReadWriteOpenMovesTheSnapshotToAFileWithTheSameContent() throws IOException {
        Path dir = tmp.resolve("node-1");
        Stores.writeThreeNodeStore(dir);
        Stores.downgradeToFormatVersion1(dir);
        LmdbStorage.open(dir).close();

        assertThat(Files.list(dir.resolve("snapshots")).map(p -> p.getFileName().toString()).toList())
                .containsExactly("snapshot-00000000000000000003-1.snap");
        Cli.Result snap = Cli.run("describe", "snapshot", dir.toString(), "-o", "json");
        assertThat(snap.exitCode()).as(snap.toString()).isZero();
        // The old bytes, verbatim: still a SnapshotData, with the same peers and state machine.
        assertThat(snap.out()).contains("\"file\": \"snapshots/snapshot-00000000000000000003-1.snap\"")
                .contains("\"format\": \"SnapshotData\"").contains("\"state_machine_preview\": \"{\\\"x\\\":\\\"1\\\"}\"")
                .contains("\"address\": \"127.0.0.1:60063\"");
        Cli.Result check = Cli.run("check", dir.toString(), "--no-color");
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.out()).doesNotContain("warning");
        assertThat(Cli.run("describe", "metadata", dir.toString(), "-o", "json").out())
                .contains("\"format_version\": 2");
    }
}

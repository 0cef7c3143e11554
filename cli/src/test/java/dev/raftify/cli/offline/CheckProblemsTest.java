package dev.raftify.cli.offline;

import static dev.raftify.cli.support.Stores.addVoter;
import static dev.raftify.cli.support.Stores.entry;
import static dev.raftify.cli.support.Stores.voters;
import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.Golden;
import dev.raftify.cli.support.Stores;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.storage.WriteBatch;
import dev.raftify.storage.lmdb.LmdbStorage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.Txn;

/** {@code check} finds each kind of inconsistency, prints it, and exits 1. */
class CheckProblemsTest {

    @TempDir
    Path tmp;

    @Test
    void reportsEveryProblemItFinds() {
        Path dir = tmp.resolve("bad");
        try (LmdbStorage s = LmdbStorage.open(dir)) {
            s.write(new WriteBatch(null, List.of(addVoter(1, 1, 1), addVoter(2, 1, 2), entry(3, 3, "a"),
                    entry(4, 2, "b"), entry(5, 3, "c")),
                    HardState.newBuilder().setTerm(2).setVote(1).setCommit(50).build(), voters(1, 2, 9), Map.of()));
            // Compacting without a snapshot leaves entries 1..2 nowhere.
            s.compact(2);
        }
        Cli.Result table = Cli.run("check", dir.toString(), "--no-color");
        assertThat(table.exitCode()).as(table.toString()).isEqualTo(1);
        Golden.assertMatches("check-problems.txt", table.out());
        Cli.Result json = Cli.run("check", dir.toString(), "-o", "json");
        assertThat(json.exitCode()).isEqualTo(1);
        Golden.assertMatches("check-problems.json", json.out());
    }

    @Test
    void confStateThatTheLogNeverReaches() {
        Path dir = tmp.resolve("conf");
        try (LmdbStorage s = LmdbStorage.open(dir)) {
            s.write(new WriteBatch(null, List.of(addVoter(1, 1, 1), addVoter(2, 1, 2), addVoter(3, 1, 3),
                    Stores.jointChange(4, 1, ConfChangeTransition.Explicit, 4, 1), Stores.leaveJoint(5, 1)),
                    HardState.newBuilder().setTerm(1).setVote(1).setCommit(5).build(), voters(1, 2, 3), Stores.PEERS));
        }
        Cli.Result ok = Cli.run("check", dir.toString(), "--no-color");
        // voters [1, 2, 3] is reached after entry 3 (the node may not have applied 4 and 5 yet): consistent.
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
        assertThat(ok.out()).doesNotContain("problem").doesNotContain("warning");

        try (LmdbStorage s = LmdbStorage.open(dir)) {
            s.setConfState(voters(1, 3));
        }
        Cli.Result bad = Cli.run("check", dir.toString(), "--no-color");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.out()).contains("    problem: the conf state (voters [1, 3]) is not a membership the log reaches "
                + "up to the commit index 5; expected voters [2, 3, 4] (after entry 5)");
    }

    @Test
    void gapInTheLog() {
        Path dir = tmp.resolve("gap");
        Stores.writeLongStore(dir, 10);
        try (Env<ByteBuffer> env = Env.create().setMaxDbs(3).open(dir.toFile())) {
            Dbi<ByteBuffer> entries = env.openDbi("entries");
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                entries.delete(txn, ByteBuffer.allocateDirect(8).putLong(0, 6));
                txn.commit();
            }
        }
        Cli.Result r = Cli.run("check", dir.toString(), "--no-color");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("✘ log: ").contains("    problem: store at " + dir
                + " is corrupt: the log skips from entry 5 to entry 7 (the scan stopped at entry 6)");
    }
}

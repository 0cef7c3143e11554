package dev.raftify.cli.offline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.LockHolder;
import dev.raftify.cli.support.Stores;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.storage.lmdb.LmdbStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code recover}: warns, needs the confirmation flag, refuses a running node, and rewrites the membership. */
class RecoverTest {

    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void store() {
        dir = tmp.resolve("node-1");
        Stores.writeThreeNodeStore(dir);
        try (LmdbStorage s = LmdbStorage.open(dir)) {
            // A joint configuration with a learner, as a cluster may be left when it loses quorum mid-change.
            s.setConfState(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(4).addVotersOutgoing(1)
                    .addVotersOutgoing(2).addVotersOutgoing(3).addLearners(5).setAutoLeave(true).build());
        }
    }

    private ConfState stored() {
        try (LmdbStorage s = LmdbStorage.openReadOnly(dir)) {
            return s.confState();
        }
    }

    @Test
    void refusesWithoutConfirmation() {
        ConfState before = stored();
        Cli.Result r = Cli.run("recover", dir.toString(), "--voters", "1", "--no-color");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("WARNING: recover rewrites the membership of " + dir)
                .endsWith("raftify-cli: refusing to rewrite the membership without --yes-i-know-this-can-lose-data\n");
        assertThat(r.out()).contains("Membership of " + dir + ": not written.");
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void dryRunShowsTheChangeAndWritesNothing() {
        ConfState before = stored();
        Cli.Result r = Cli.run("recover", dir.toString(), "--voters", "1,2", "--dry-run", "--no-color");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                ┌────────────┬───────────────────────────────────────────────────────────────────────┬───────────────────────────────────────────────────────────┐
                │            │ before                                                                │ after                                                     │
                ├────────────┼───────────────────────────────────────────────────────────────────────┼───────────────────────────────────────────────────────────┤
                │ conf_state │ voters [1, 2, 4], learners [5], voters_outgoing [1, 2, 3], auto_leave │ voters [1, 2], learners [5]                               │
                │ peers      │ [1 = 127.0.0.1:60061, 2 = 127.0.0.1:60062, 3 = 127.0.0.1:60063]       │ [1 = 127.0.0.1:60061, 2 = 127.0.0.1:60062, 3 = (removed)] │
                └────────────┴───────────────────────────────────────────────────────────────────────┴───────────────────────────────────────────────────────────┘
                warning: node 5 has no address in the peer address book (set one with --peer 5=<host:port> unless it is this node)
                Membership of %s: dry run: nothing written.
                """.formatted(dir));
        assertThat(stored()).isEqualTo(before);
    }

    @Test
    void rewritesTheMembershipWhenConfirmed() {
        Cli.Result r = Cli.run("recover", dir.toString(), "--voters", "1,2", "--clear-learners",
                "--peer", "2=10.0.0.2:60061", "--yes-i-know-this-can-lose-data", "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("\"outcome\": \"written\"");
        assertThat(stored()).isEqualTo(ConfState.newBuilder().addVoters(1).addVoters(2).build());
        try (LmdbStorage s = LmdbStorage.openReadOnly(dir)) {
            assertThat(s.peers()).as("node 3, left out, keeps a tombstone so its id is never reused")
                    .isEqualTo(Map.of(1L, "127.0.0.1:60061", 2L, "10.0.0.2:60061", 3L, ""));
        }
        Cli.Result again = Cli.run("recover", dir.toString(), "--voters", "2,1", "--clear-learners", "--no-color");
        assertThat(again.exitCode()).as("a second identical run changes nothing and needs no flag").isZero();
        assertThat(again.out()).endsWith("Membership of " + dir + ": unchanged.\n");
    }

    @Test
    void refusesWhileTheNodeRuns() throws IOException {
        try (LockHolder node = LockHolder.start(dir)) {
            Cli.Result r = Cli.run("recover", dir.toString(), "--voters", "1", "--yes-i-know-this-can-lose-data");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
            assertThat(r.err()).endsWith("raftify-cli: store at " + dir + " is locked by process " + node.pid()
                    + ": " + lockDetail(r.err()) + "; stop the node before running recover\n");
        }
        assertThat(stored().getVotersOutgoingList()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void rejectsContradictoryIds() {
        Cli.Result r = Cli.run("recover", dir.toString(), "--voters", "1,2", "--learners", "2");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("raftify-cli: node 2 cannot be both voter and learner\n");
    }

    /** The storage layer's own wording of why the lock is held, between the PID and our hint. */
    private static String lockDetail(String err) {
        String line = err.lines().filter(l -> l.startsWith("raftify-cli: ")).findFirst().orElseThrow();
        int start = line.indexOf(": ", line.indexOf("is locked by process ")) + 2;
        return line.substring(start, line.indexOf("; stop the node"));
    }
}

package dev.raftify.storage.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What needs a second process: the node lock, a reader beside a live writer, a disk that fills up. */
class LmdbMultiProcessTest {

    @TempDir
    Path tmp;

    @Test
    void aSecondWriterIsToldWhichProcessHoldsTheStore() throws IOException {
        Path dir = tmp.resolve("store");
        try (ChildJvm holder = ChildJvm.start("hold", dir.toString())) {
            holder.awaitLine("READY 0"::equals, Duration.ofSeconds(20));
            assertThatThrownBy(() -> LmdbStorage.open(dir))
                    .isInstanceOf(StoreLockedException.class)
                    .hasMessage("store at " + dir + " is locked by process " + holder.pid() + ": a node already has it "
                            + "open read-write (lock file " + dir.resolve("raftify.lock") + "); stop that node, or "
                            + "open the store read-only")
                    .satisfies(e -> assertThat(((StoreLockedException) e).holderPid()).hasValue(holder.pid()));
            try (LmdbStorage reader = LmdbStorage.openReadOnly(dir)) {
                assertThat(reader.formatVersion()).as("a reader is welcome while the node runs").isEqualTo(2);
            }
        }
        // SIGKILLed holder: the OS dropped its lock, so the next node starts without any cleanup.
        try (LmdbStorage s = LmdbStorage.open(dir)) {
            assertThat(s.lastIndex()).isZero();
        }
    }

    /**
     * A reader process opens, reads and closes the store again and again while a writer process appends, overwrites
     * uncommitted tails, snapshots, compacts and grows the map. Each view must show one committed state: the log
     * starts right after the snapshot, is contiguous and intact, holds every committed entry, and the commit index
     * never goes backwards between views nor falls behind what the writer had reported before the view began.
     */
    @Test
    void aReaderBesideALiveWriterAlwaysSeesAConsistentState() {
        Path dir = tmp.resolve("store");
        try (ChildJvm writer = ChildJvm.start("churn", dir.toString(), "7")) {
            writer.awaitLine(l -> l.startsWith("C "), Duration.ofSeconds(20));
            long lastSeenCommit = 0;
            int views = 0;
            long initialMap = 0;
            long finalMap = 0;
            Instant end = Instant.now().plusSeconds(4);
            while (Instant.now().isBefore(end) || views < 20) {
                long reported = lastReportedCommit(writer.lines());
                try (LmdbStorage reader = LmdbStorage.openReadOnly(dir); LmdbReadView v = reader.readView()) {
                    HardState hs = v.hardState();
                    SnapshotMetadata snap = v.snapshotMetadata();
                    assertThat(hs.getCommit()).isGreaterThanOrEqualTo(Math.max(reported, lastSeenCommit));
                    assertThat(v.firstIndex()).isEqualTo(snap.getIndex() + 1);
                    assertThat(v.lastIndex()).isGreaterThanOrEqualTo(hs.getCommit());
                    long[] prev = {snap.getIndex(), snap.getTerm()};
                    v.forEachEntry(v.firstIndex(), v.lastIndex() + 1, (Entry e) -> {
                        assertThat(e.getIndex()).isEqualTo(prev[0] + 1);
                        assertThat(e.getTerm()).isGreaterThanOrEqualTo(prev[1]);
                        assertThat(e.getData()).isEqualTo(StoreChild.entryData(e.getIndex(), e.getTerm()));
                        prev[0] = e.getIndex();
                        prev[1] = e.getTerm();
                    });
                    lastSeenCommit = hs.getCommit();
                    finalMap = reader.mapSize();
                    initialMap = initialMap == 0 ? finalMap : initialMap;
                }
                views++;
            }
            // One snapshot of the child's output: it is still writing, so two calls could disagree.
            List<String> lines = writer.lines();
            assertThat(lines.get(lines.size() - 1)).as("the writer kept going").matches("[CS] \\d+");
            assertThat(lastReportedCommit(lines)).isGreaterThan(lastSeenCommit / 2);
            System.out.printf("%d consistent read-only views; commit reached %d; map %d -> %d bytes%n", views,
                    lastSeenCommit, initialMap, finalMap);
        }
    }

    private static long lastReportedCommit(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("C ")) {
                return Long.parseLong(lines.get(i).substring(2));
            }
        }
        return 0;
    }

    /**
     * A real full disk: the child runs in its own mount namespace on a 4 MiB tmpfs (skipped where user namespaces
     * are not available). It must report the full disk as such, and keep every write acknowledged before.
     */
    @Test
    void aFullDiskIsReportedAsSuchAndLosesNothingAcknowledged() throws IOException, InterruptedException {
        Path mount = java.nio.file.Files.createDirectories(tmp.resolve("small-disk"));
        assumeTrue(unshareWorks(), "needs unshare -rm (user and mount namespaces) to mount a small tmpfs");
        try (ChildJvm child = ChildJvm.start(List.of("unshare", "-rm", "sh", "-c",
                "mount -t tmpfs -o size=4m tmpfs \"$0\" && exec \"$@\"", mount.toString()),
                "fill", mount.resolve("store").toString())) {
            assertThat(child.waitFor(Duration.ofSeconds(60))).isZero();
            List<String> lines = child.lines();
            String full = lines.stream().filter(l -> l.startsWith("FULL ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no FULL line in " + lines));
            // LMDB reports the full disk as ENOSPC or, when a write came up short, as EIO; both must read "full".
            assertThat(full).startsWith("FULL store at " + mount.resolve("store") + " is full: no space left on the "
                    + "device (").endsWith("); the write was not applied");
            System.out.println(full);
            long acknowledged = lastReportedCommit(lines);
            assertThat(acknowledged).isPositive();
            assertThat(lines.get(lines.size() - 1)).isEqualTo("REOPENED " + acknowledged + " " + acknowledged);
        }
    }

    private static boolean unshareWorks() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("unshare", "-rm", "sh", "-c",
                "d=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs \"$d\" && umount \"$d\"; rmdir \"$d\"")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }
}

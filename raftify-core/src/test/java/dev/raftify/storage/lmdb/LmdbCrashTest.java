package dev.raftify.storage.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.storage.SnapshotReader;
import dev.raftify.storage.TestSnapshots;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing child JVM with SIGKILL at random moments, again and again on the same store, and checks after
 * each kill that the store reopens cleanly and holds everything the child reported as written: the commit index,
 * every committed entry unchanged (same term, same bytes), the snapshot, and a log without gaps.
 */
class LmdbCrashTest {

    private static final int KILLS = 52;

    @TempDir
    Path dir;

    @Test
    void everythingAcknowledgedSurvivesSigkill() {
        Path store = dir.resolve("store");
        Random random = new Random(20240611L);
        long reportedCommit = 0;
        long reportedSnapshot = 0;
        // Terms of committed entries seen so far: a committed entry must never change afterwards.
        Map<Long, Long> committedTerms = new HashMap<>();
        for (int run = 0; run < KILLS; run++) {
            try (ChildJvm child = ChildJvm.start("churn", store.toString(), Long.toString(random.nextLong()))) {
                if (run % 13 == 12) {
                    // Every 13th child runs until it has taken a snapshot past index 0, however slow the machine,
                    // so that kills also land amid snapshots and compaction (the others may die too young for one).
                    child.awaitLine(l -> l.startsWith("S ") && Long.parseLong(l.substring(2)) > 0,
                            Duration.ofSeconds(90));
                } else if (random.nextInt(5) > 0) {
                    child.awaitLine(l -> l.startsWith("OPEN"), Duration.ofSeconds(20));
                }
                // Fault injection, not synchronization: a random delay places the kill at an arbitrary point
                // (sometimes still inside start-up or open, usually amid writes, snapshots and map growth).
                sleep(random.nextInt(120));
                child.kill();
                for (String line : child.lines()) {
                    if (line.startsWith("C ")) {
                        reportedCommit = Math.max(reportedCommit, Long.parseLong(line.substring(2)));
                    } else if (line.startsWith("S ")) {
                        reportedSnapshot = Math.max(reportedSnapshot, Long.parseLong(line.substring(2)));
                    }
                }
            }
            verify(store, run, reportedCommit, reportedSnapshot, committedTerms);
        }
        System.out.printf("%d kills; last reported commit %d, snapshot %d%n", KILLS, reportedCommit,
                reportedSnapshot);
        assertThat(reportedCommit).as("the children made progress").isGreaterThan(KILLS);
        assertThat(reportedSnapshot).as("the children took snapshots").isPositive();
    }

    private static void verify(Path store, int run, long reportedCommit, long reportedSnapshot,
            Map<Long, Long> committedTerms) {
        String at = "after kill #" + (run + 1);
        if (reportedCommit == 0 && !store.resolve(LmdbFormat.DATA_FILE).toFile().exists()) {
            return; // Killed before it created anything.
        }
        try (LmdbStorage s = LmdbStorage.open(store); LmdbReadView v = s.readView()) {
            HardState hs = v.hardState();
            SnapshotMetadata snap = v.snapshotMetadata();
            assertThat(hs.getCommit()).as(at + ": commit index").isGreaterThanOrEqualTo(reportedCommit);
            assertThat(snap.getIndex()).as(at + ": snapshot index").isGreaterThanOrEqualTo(reportedSnapshot);
            assertThat(v.firstIndex()).as(at + ": the log starts right after the snapshot")
                    .isEqualTo(snap.getIndex() + 1);
            assertThat(v.lastIndex()).as(at + ": committed entries are all there").isGreaterThanOrEqualTo(hs.getCommit());
            if (snap.getIndex() > 0) {
                try (SnapshotReader r = v.openSnapshot()) {
                    assertThat(TestSnapshots.content(r)).as(at).isEqualTo(StoreChild.snapshotData(snap.getIndex()));
                }
                // Files of snapshots being written, or renamed but not committed, when the kill came are orphans
                // that the read-write open deleted.
                assertThat(snapshotFiles(store)).as(at + ": no orphan snapshot file")
                        .containsExactly(v.snapshotFile().getName());
                assertThat(v.term(snap.getIndex())).as(at).isEqualTo(snap.getTerm());
            }
            long[] previous = {snap.getIndex(), snap.getTerm()};
            long count = v.forEachEntry(v.firstIndex(), v.lastIndex() + 1, (Entry e) -> {
                assertThat(e.getIndex()).as(at + ": no gap").isEqualTo(previous[0] + 1);
                assertThat(e.getTerm()).as(at + ": terms never decrease").isGreaterThanOrEqualTo(previous[1]);
                assertThat(e.getData()).as(at + ": entry " + e.getIndex() + " intact")
                        .isEqualTo(StoreChild.entryData(e.getIndex(), e.getTerm()));
                if (e.getIndex() <= hs.getCommit()) {
                    Long before = committedTerms.putIfAbsent(e.getIndex(), e.getTerm());
                    assertThat(before == null || before == e.getTerm())
                            .as(at + ": committed entry " + e.getIndex() + " kept its term " + before).isTrue();
                }
                previous[0] = e.getIndex();
                previous[1] = e.getTerm();
            });
            assertThat(count).isEqualTo(v.lastIndex() - v.firstIndex() + 1);
            committedTerms.keySet().removeIf(i -> i <= snap.getIndex());
        }
    }

    private static List<String> snapshotFiles(Path store) {
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(store.resolve("snapshots"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package dev.raftify.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftify.Raft;
import dev.raftify.StateMachine;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted node replays entries its previous incarnation proposed. Found by the chaos run (seed 822347970):
 * request ids restarted at 1, so a replayed old entry completed a new request with the old entry's result, and a
 * write was acknowledged that was never applied.
 */
class RequestIdentityAcrossRestartsTest {
    @TempDir
    Path dir;

    /** Echoes each command; can hold the apply thread at its first entry. */
    static final class Echo implements StateMachine {
        final CountDownLatch release;

        Echo(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public byte[] apply(long index, byte[] command) throws InterruptedException {
            release.await();
            return command;
        }

        @Override
        public void snapshot(OutputStream out) {}

        @Override
        public void restore(InputStream in) {}
    }

    private Raft start(String address, StateMachine sm) throws Exception {
        return Raft.builder(1, address).dataDir(dir.resolve("node-1")).stateMachine(sm)
                .config(LocalCluster.fastConfig()).initialMembers(Map.of(1L, address)).build().start();
    }

    @Test
    void aReplayedEntryOfAnEarlierIncarnationNeverCompletesANewRequest() throws Exception {
        String address = "127.0.0.1:" + LocalCluster.freePort();
        try (Raft first = start(address, new Echo(new CountDownLatch(0)))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> first.node().isLeader());
            // The snapshot holds the membership, so the restarted node may campaign while old-1 waits (a node
            // with committed but unapplied membership changes does not).
            first.node().makeSnapshot().get(5, TimeUnit.SECONDS);
            for (int i = 1; i <= 3; i++) {
                first.node().propose(("old-" + i).getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
            }
        }
        // The snapshot predates them: the restarted node applies old-1..old-3 again. Hold it before the first of them,
        // propose, then let it go: each new request must get its own result, never an old one's.
        CountDownLatch release = new CountDownLatch(1);
        try (Raft second = start(address, new Echo(release))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> second.node().isLeader());
            List<CompletableFuture<byte[]>> fresh = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                fresh.add(second.node().propose(("new-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            release.countDown();
            for (int i = 1; i <= 5; i++) {
                assertThat(new String(fresh.get(i - 1).get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8))
                        .isEqualTo("new-" + i);
            }
        }
    }
}

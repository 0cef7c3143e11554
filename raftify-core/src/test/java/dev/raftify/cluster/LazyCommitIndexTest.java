package dev.raftify.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftify.Raft;
import dev.raftify.metrics.MicrometerRaftMetrics;
import dev.raftify.storage.lmdb.LmdbStorage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Ready whose only change is the commit index costs no disk write (the commit index is volatile in Raft); it is
 * written with the next durable write, or when the node closes.
 */
class LazyCommitIndexTest {
    @TempDir
    Path dir;

    @Test
    void aCommitOnlyReadyIsNotWrittenButACloseRecordsIt() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String addr = "127.0.0.1:" + LocalCluster.freePort();
        int writes = 40;
        long lastIndex;
        try (Raft raft = start(addr, new KvStateMachine(), registry)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> raft.node().isLeader());
            raft.node().propose(KvStateMachine.put("warm", "up")).get(5, TimeUnit.SECONDS);
            long before = registry.get("raftify.storage.fsync").timer().count();
            for (int i = 0; i < writes; i++) {
                // One at a time: each write is its own Ready, then its commit is another.
                raft.node().propose(KvStateMachine.put("k" + i, "v" + i)).get(5, TimeUnit.SECONDS);
            }
            long durableWrites = registry.get("raftify.storage.fsync").timer().count() - before;
            // Writing the commit index each time it moves would make it 2 per proposal.
            assertThat(durableWrites).isBetween((long) writes, writes + 5L);
            lastIndex = raft.node().status().get(5, TimeUnit.SECONDS).getCommitIndex();
        }
        try (LmdbStorage store = LmdbStorage.openReadOnly(dir)) {
            assertThat(store.initialState().hardState().getCommit()).isEqualTo(lastIndex);
        }
        // A restarted single member applies everything up to the stored commit index before it hears anyone.
        KvStateMachine sm = new KvStateMachine();
        try (Raft raft = start(addr, sm, new SimpleMeterRegistry())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> ("v" + (writes - 1)).equals(sm.map.get("k" + (writes - 1))));
        }
    }

    private Raft start(String addr, KvStateMachine sm, SimpleMeterRegistry registry) throws Exception {
        return Raft.builder(1, addr).dataDir(dir).stateMachine(sm).config(LocalCluster.fastConfig())
                .initialMembers(Map.of(1L, addr)).metrics(new MicrometerRaftMetrics(registry, 1)).build().start();
    }
}

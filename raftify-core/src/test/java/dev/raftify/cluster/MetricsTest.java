package dev.raftify.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftify.Raft;
import dev.raftify.metrics.MicrometerRaftMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTest {
    @TempDir
    Path dir;

    @Test
    void aNodeReportsProposalStorageAndLeadershipMetrics() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String addr = "127.0.0.1:" + LocalCluster.freePort();
        KvStateMachine sm = new KvStateMachine();
        try (Raft raft = Raft.builder(1, addr).dataDir(dir).stateMachine(sm).config(LocalCluster.fastConfig())
                .initialMembers(Map.of(1L, addr)).metrics(new MicrometerRaftMetrics(registry, 1)).build().start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> raft.node().isLeader());
            for (int i = 0; i < 5; i++) {
                raft.node().propose(KvStateMachine.put("k" + i, "v")).get(5, TimeUnit.SECONDS);
            }
            assertThat(registry.get("raftify.proposal.apply.latency").tag("node", "1").timer().count()).isEqualTo(5);
            assertThat(registry.get("raftify.proposal.commit.latency").timer().count()).isEqualTo(5);
            assertThat(registry.get("raftify.storage.fsync").timer().count()).isGreaterThanOrEqualTo(5);
            assertThat(registry.get("raftify.storage.batch.entries").summary().totalAmount())
                    .isGreaterThanOrEqualTo(5);
            assertThat(registry.get("raftify.leader.changes").counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("raftify.elections").counter().count()).isGreaterThanOrEqualTo(1);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> registry.get("raftify.commit.index").gauge().value() >= 6);
        }
    }
}

package dev.raftify.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.raftify.Raft;
import dev.raftify.proto.service.ProposeArgs;
import dev.raftify.proto.service.ProposeResponse;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.transport.Channels;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Futures complete on the executor the application chose. */
class CallbackExecutorTest {
    @TempDir
    Path dir;

    @Test
    void requestsCompleteOnTheInjectedExecutor() throws Exception {
        AtomicInteger tasks = new AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-callbacks"));
        String address = "127.0.0.1:" + LocalCluster.freePort();
        try (Raft raft = Raft.builder(1, address).dataDir(dir.resolve("node-1")).stateMachine(new KvStateMachine())
                .config(LocalCluster.fastConfig()).initialMembers(Map.of(1L, address))
                .callbackExecutor(r -> {
                    tasks.incrementAndGet();
                    pool.execute(r);
                }).build().start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> raft.node().isLeader());
            // The pool is held until the callback is attached, so the future cannot complete before it.
            CountDownLatch attached = new CountDownLatch(1);
            pool.execute(() -> {
                try {
                    attached.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            CompletableFuture<String> thread = raft.node().propose(KvStateMachine.put("k", "v"))
                    .thenApply(r -> Thread.currentThread().getName());
            attached.countDown();
            assertThat(thread.get(5, TimeUnit.SECONDS)).isEqualTo("app-callbacks");
            assertThat(tasks.get()).isPositive();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theProposeRpcAnswersWithoutTheApplicationsExecutor() throws Exception {
        // The engine's own gRPC service completes on the apply thread: one thread wake-up less per remote write.
        AtomicInteger tasks = new AtomicInteger();
        String address = "127.0.0.1:" + LocalCluster.freePort();
        KvStateMachine sm = new KvStateMachine();
        try (Raft raft = Raft.builder(1, address).dataDir(dir.resolve("node-1")).stateMachine(sm)
                .config(LocalCluster.fastConfig()).initialMembers(Map.of(1L, address))
                .callbackExecutor(r -> {
                    tasks.incrementAndGet();
                    r.run();
                }).build().start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> raft.node().isLeader());
            raft.node().propose(KvStateMachine.put("warm", "up")).get(5, TimeUnit.SECONDS);
            int before = tasks.get();
            assertThat(before).isPositive();
            ManagedChannel ch = Channels.open(address, "raftify", null, 1 << 20);
            try {
                for (int i = 0; i < 5; i++) {
                    ProposeResponse r = RaftServiceGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
                            .propose(ProposeArgs.newBuilder()
                                    .setData(ByteString.copyFrom(KvStateMachine.put("k" + i, "v" + i))).build());
                    assertThat(r.hasError()).as("%s", r).isFalse();
                }
            } finally {
                ch.shutdownNow();
            }
            assertThat(sm.map).containsEntry("k4", "v4");
            assertThat(tasks.get()).isEqualTo(before);
        }
    }
}

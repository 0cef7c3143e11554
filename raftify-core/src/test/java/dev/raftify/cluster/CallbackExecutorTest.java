package dev.raftify.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.raftify.Raft;
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
}

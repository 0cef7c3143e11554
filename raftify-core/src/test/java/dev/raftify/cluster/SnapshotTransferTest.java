package dev.raftify.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.raftify.Config;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.proto.service.InstallSnapshotResponse;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.proto.service.SnapshotChunk;
import dev.raftify.transport.Channels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots moving between real nodes (gRPC on loopback, LMDB): streamed from the leader's snapshot file in chunks,
 * received into a file, installed; and the receiving side's refusals, each of which leaves no file behind.
 */
class SnapshotTransferTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    LocalCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private List<String> snapshotFiles(long node) throws IOException {
        Path snapshots = dir.resolve("node-" + node).resolve("snapshots");
        if (!Files.isDirectory(snapshots)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(snapshots)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A snapshot of 24 MiB against a gRPC message limit of 1 MiB and chunks of 256 KiB: it can only arrive as about a
     * hundred chunks. The follower's state machine ends equal to the leader's, byte for byte (the restore checks
     * every bulk byte), and restores again from its own file after a restart.
     */
    @Test
    void aLaggingFollowerCatchesUpByASnapshotFarLargerThanAGrpcMessage() throws Exception {
        Config config = LocalCluster.fastConfig().toBuilder()
                // Fewer needless elections while the disk is busy writing the snapshot.
                .electionTick(25)
                .maxGrpcMessageSize(MIB)
                .snapshotChunkSize(256 * 1024)
                .maxSizePerMsg(256 * 1024)
                .build();
        cluster = new LocalCluster(dir, config).startStatic(3);
        long leader = cluster.awaitLeader();
        long follower = cluster.followerOf(leader);
        cluster.stop(follower);
        long bulk = 24L * MIB;
        for (int i = 0; i < 20; i++) {
            cluster.node(leader).propose(KvStateMachine.put("key" + i, "v" + i)).get(5, TimeUnit.SECONDS);
        }
        cluster.node(leader).propose(KvStateMachine.bulk(42, bulk)).get(5, TimeUnit.SECONDS);
        cluster.node(leader).propose(KvStateMachine.put("after", "bulk")).get(5, TimeUnit.SECONDS);
        // Both running nodes compact, so that whichever leads when the follower returns has only a snapshot for it.
        long last = cluster.machines.get(leader).lastApplied;
        SnapshotMetadata taken = null;
        for (long id : cluster.running()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.machines.get(id).lastApplied >= last);
            taken = cluster.node(id).makeSnapshot().get(30, TimeUnit.SECONDS);
            assertThat(taken.getIndex()).isEqualTo(last);
            assertThat(cluster.node(id).status().get(5, TimeUnit.SECONDS).getFirstIndex())
                    .as("node %d compacted its log past what the follower has", id).isEqualTo(last + 1);
            assertThat(snapshotFiles(id)).hasSize(1);
            Path file = dir.resolve("node-" + id).resolve("snapshots").resolve(snapshotFiles(id).get(0));
            assertThat(Files.size(file)).isGreaterThan(bulk);
        }

        cluster.restart(follower);
        KvStateMachine restored = cluster.machines.get(follower);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(restored.restoredBulkBytes).isEqualTo(bulk);
            assertThat(restored.map).isEqualTo(cluster.machines.get(leader).map).hasSize(21);
        });
        NodeStatus s = cluster.node(follower).status().get(5, TimeUnit.SECONDS);
        assertThat(s.getSnapshotIndex()).isEqualTo(last);
        assertThat(snapshotFiles(follower)).as("the received file became the follower's snapshot, nothing else left")
                .containsExactly(String.format("snapshot-%020d-%d.snap", last, taken.getTerm()));
        long current = cluster.awaitLeader();
        assertThat(cluster.node(follower).peers()).isEqualTo(cluster.node(current).peers());

        // Restarted, the follower restores from its own copy of the snapshot (and replays what came after).
        cluster.stop(follower);
        cluster.restart(follower);
        KvStateMachine again = cluster.machines.get(follower);
        assertThat(again.restoredBulkBytes).as("restored while opening").isEqualTo(bulk);
        assertThat(again.map).isEqualTo(cluster.machines.get(leader).map);
        cluster.node(cluster.awaitLeader()).propose(KvStateMachine.put("later", "yes")).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(again.map).containsEntry("later", "yes"));
    }

    // ---------------------------------------------------------------- the receiving side's refusals

    private ManagedChannel channel;

    private ManagedChannel channelTo(long node) {
        if (channel != null) {
            return channel;
        }
        channel = Channels.open(cluster.addresses.get(node), cluster.config.clusterId(), cluster.config.tls(),
                cluster.config.maxGrpcMessageSize());
        return channel;
    }

    @AfterEach
    void closeChannel() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    private static Message header(long from, long to, long index) {
        return Message.newBuilder().setMsgType(MessageType.MsgSnapshot).setFrom(from).setTo(to).setTerm(1)
                .setSnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder().setIndex(index)
                        .setTerm(1)))
                .build();
    }

    private static int crc(byte[] data) {
        CRC32C c = new CRC32C();
        c.update(data);
        return (int) c.getValue();
    }

    /** Sends {@code chunks} in one InstallSnapshot call and completes with the call's outcome. */
    private CompletableFuture<Status> install(long node, List<SnapshotChunk> chunks, boolean complete) {
        CompletableFuture<Status> outcome = new CompletableFuture<>();
        StreamObserver<SnapshotChunk> call = RaftServiceGrpc.newStub(channelTo(node)).installSnapshot(
                new StreamObserver<>() {
                    @Override
                    public void onNext(InstallSnapshotResponse value) {}

                    @Override
                    public void onError(Throwable t) {
                        outcome.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        outcome.complete(Status.OK);
                    }
                });
        chunks.forEach(call::onNext);
        if (complete) {
            call.onCompleted();
        } else {
            // The sender goes away in the middle of the transfer.
            await().atMost(Duration.ofSeconds(5)).until(() -> hasTemporaryFile(node));
            ((ClientCallStreamObserver<SnapshotChunk>) call).cancel("sender gone", null);
            outcome.complete(Status.CANCELLED);
        }
        return outcome;
    }

    private boolean hasTemporaryFile(long node) throws IOException {
        return snapshotFiles(node).stream().anyMatch(n -> n.endsWith(".tmp"));
    }

    @Test
    void transfersThatFailLeaveNoFileBehind() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig()).startStatic(1);
        cluster.awaitLeader();
        byte[] data = new byte[100_000];
        new java.util.Random(1).nextBytes(data);

        // Fewer bytes than declared.
        Status shorter = install(1, List.of(
                SnapshotChunk.newBuilder().setMessage(header(2, 1, 50)).setTotalSize(data.length)
                        .setCrc32C(crc(data)).build(),
                SnapshotChunk.newBuilder().setData(ByteString.copyFrom(data, 0, 60_000)).build()), true)
                .get(10, TimeUnit.SECONDS);
        assertThat(shorter.getCode()).isEqualTo(Status.Code.DATA_LOSS);

        // The declared size, another checksum.
        Status corrupted = install(1, List.of(
                SnapshotChunk.newBuilder().setMessage(header(2, 1, 50)).setTotalSize(data.length)
                        .setCrc32C(crc(data) ^ 1).build(),
                SnapshotChunk.newBuilder().setData(ByteString.copyFrom(data)).setLast(true).build()), true)
                .get(10, TimeUnit.SECONDS);
        assertThat(corrupted.getCode()).isEqualTo(Status.Code.DATA_LOSS);
        assertThat(corrupted.getDescription()).contains("does not match the declared");

        // Whole and intact, but not a snapshot (no header the node can read).
        Status garbage = install(1, List.of(
                SnapshotChunk.newBuilder().setMessage(header(2, 1, 50)).setTotalSize(data.length)
                        .setCrc32C(crc(data)).build(),
                SnapshotChunk.newBuilder().setData(ByteString.copyFrom(data)).setLast(true).build()), true)
                .get(10, TimeUnit.SECONDS);
        assertThat(garbage.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

        // Larger than the disk can take.
        Status huge = install(1, List.of(SnapshotChunk.newBuilder().setMessage(header(2, 1, 50))
                .setTotalSize(Long.MAX_VALUE / 2).build()), true).get(10, TimeUnit.SECONDS);
        assertThat(huge.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(huge.getDescription()).contains("does not fit");

        // Abandoned halfway.
        install(1, List.of(
                SnapshotChunk.newBuilder().setMessage(header(2, 1, 50)).setTotalSize(data.length)
                        .setCrc32C(crc(data)).build(),
                SnapshotChunk.newBuilder().setData(ByteString.copyFrom(data, 0, 10_000)).build()), false)
                .get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(snapshotFiles(1)).as("every refused or abandoned transfer deleted its file").isEmpty());
        assertThat(cluster.node(1).isLeader()).as("the node is unharmed").isTrue();
        assertThat(cluster.node(1).propose(KvStateMachine.put("k", "v")).get(5, TimeUnit.SECONDS)).isEmpty();
    }

    /**
     * A well-formed snapshot the core refuses (it is older than what the node committed) is deleted too: the store
     * only ever adopts what the core installs.
     */
    @Test
    void aStaleSnapshotIsRefusedByTheCoreAndItsFileDeleted() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig()).startStatic(1);
        long leader = cluster.awaitLeader();
        for (int i = 0; i < 5; i++) {
            cluster.node(leader).propose(KvStateMachine.put("k" + i, "v")).get(5, TimeUnit.SECONDS);
        }
        java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
        dev.raftify.storage.SnapshotFormat.writeHeader(content, Map.of(1L, cluster.addresses.get(1L)));
        new KvStateMachine().snapshot(content);
        byte[] data = content.toByteArray();
        Status status = install(1, List.of(
                SnapshotChunk.newBuilder().setMessage(header(2, 1, 2)).setTotalSize(data.length)
                        .setCrc32C(crc(data)).build(),
                SnapshotChunk.newBuilder().setData(ByteString.copyFrom(data)).setLast(true).build()), true)
                .get(10, TimeUnit.SECONDS);
        assertThat(status.getCode()).as("the transfer itself succeeded").isEqualTo(Status.Code.OK);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(snapshotFiles(1)).isEmpty());
        assertThat(cluster.machines.get(1L).map).hasSize(5);
        assertThat(cluster.node(1).status().get(5, TimeUnit.SECONDS).getSnapshotIndex()).isZero();
    }
}

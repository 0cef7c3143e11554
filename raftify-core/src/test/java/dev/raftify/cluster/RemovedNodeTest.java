package dev.raftify.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.raftify.JoinTicket;
import dev.raftify.Raft;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.proto.service.MessageBatch;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.proto.service.SendMessagesResponse;
import dev.raftify.transport.Channels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A removed node is refused for good: its id is never reused and its Raft traffic bounces. */
class RemovedNodeTest {
    @TempDir
    Path dir;

    LocalCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRemovedNodeIsRefusedAndItsIdIsNeverHandedOutAgain() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig()).startStatic(3);
        long leader = cluster.awaitLeader();
        if (leader == 3) {
            cluster.node(3).transferLeader(1).get(10, TimeUnit.SECONDS);
            leader = cluster.awaitLeader();
        }
        // Node 3 has the highest id: before tombstones, removing it let the next joiner get id 3 again.
        ConfState cs = cluster.node(leader).removeNode(3).get(10, TimeUnit.SECONDS);
        assertThat(cs.getVotersList()).containsExactlyInAnyOrder(1L, 2L);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (long id = 1; id <= 2; id++) {
                assertThat(cluster.node(id).status().get().getConfState().getVotersList())
                        .containsExactlyInAnyOrder(1L, 2L);
            }
        });

        for (long id = 1; id <= 2; id++) {
            assertThat(sendAs(3, id).getDescription())
                    .isEqualTo("node 3 was removed from cluster 'raftify' and node " + id + " refuses its messages; "
                            + "to bring it back, wipe its storage and join it as a new member (it gets a new id)");
        }
        assertThat(cluster.node(1).peers()).as("a removed node has no address").doesNotContainKey(3L);

        JoinTicket ticket = Raft.requestId("127.0.0.1:" + LocalCluster.freePort(), cluster.addresses.get(leader),
                cluster.config);
        assertThat(ticket.reservedId()).isEqualTo(4);
        long l = leader;
        assertThatThrownBy(() -> cluster.node(l).addVoter(3, "127.0.0.1:1").get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalArgumentException.class)
                .hasMessage("node 3 was removed from the cluster and node ids are never reused; join that node as a "
                        + "new member with empty storage (it gets a new id)");

        // The tombstone is durable: a restarted member still refuses node 3 and still never hands out its id.
        long follower = leader == 1 ? 2 : 1;
        cluster.stop(follower);
        cluster.restart(follower);
        assertThat(sendAs(3, follower).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(sendAs(3 - follower, follower))
                .as("members are still welcome").isNull();
    }

    /**
     * Streams one stale heartbeat response (term 1: every node has moved past it, so it changes nothing) to node
     * {@code target} as node {@code sender}; returns the status it was refused with, or null if accepted.
     */
    private Status sendAs(long sender, long target) throws Exception {
        ManagedChannel ch = Channels.open(cluster.addresses.get(target), cluster.config.clusterId(), null, 1 << 20);
        try {
            CompletableFuture<Status> outcome = new CompletableFuture<>();
            StreamObserver<MessageBatch> out = RaftServiceGrpc.newStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .sendMessages(new StreamObserver<SendMessagesResponse>() {
                        @Override
                        public void onNext(SendMessagesResponse value) {}

                        @Override
                        public void onError(Throwable t) {
                            outcome.complete(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            outcome.complete(null);
                        }
                    });
            out.onNext(MessageBatch.newBuilder().setSenderId(sender).addMessages(Message.newBuilder()
                    .setMsgType(MessageType.MsgHeartbeatResponse).setFrom(sender).setTo(target).setTerm(1)).build());
            out.onCompleted();
            return outcome.get(15, TimeUnit.SECONDS);
        } finally {
            ch.shutdownNow();
        }
    }
}

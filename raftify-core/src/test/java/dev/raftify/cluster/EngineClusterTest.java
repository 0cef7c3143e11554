package dev.raftify.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.raftify.Config;
import dev.raftify.JoinTicket;
import dev.raftify.NodeClosedException;
import dev.raftify.NotLeaderException;
import dev.raftify.ProposalDroppedException;
import dev.raftify.Raft;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.service.GetStatusArgs;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.transport.Channels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine end to end: real gRPC on loopback, real LMDB, three nodes in one JVM. */
class EngineClusterTest {
    @TempDir
    Path dir;

    LocalCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void staticClusterReplicatesThroughLeaderAndFollower() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig()).startStatic(3);
        long leader = cluster.awaitLeader();
        assertThat(str(cluster.node(leader).propose(KvStateMachine.put("a", "1")).get(5, TimeUnit.SECONDS)))
                .isEmpty();
        long follower = cluster.followerOf(leader);
        // Forwarded to the leader; the result comes back to the follower that proposed it.
        assertThat(str(cluster.node(follower).propose(KvStateMachine.put("a", "2")).get(5, TimeUnit.SECONDS)))
                .isEqualTo("1");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (long id : cluster.running()) {
                assertThat(cluster.machines.get(id).map).containsEntry("a", "2");
            }
        });
        // A linearizable read on a follower sees the last write.
        String v = cluster.node(follower).linearizableRead(() -> cluster.machines.get(follower).map.get("a"))
                .get(5, TimeUnit.SECONDS);
        assertThat(v).isEqualTo("2");
    }

    @Test
    void leaderCrashElectsANewLeaderAndTheOldOneCatchesUp() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig()).startStatic(3);
        long leader = cluster.awaitLeader();
        cluster.node(leader).propose(KvStateMachine.put("k", "before")).get(5, TimeUnit.SECONDS);
        cluster.stop(leader);
        long next = cluster.awaitLeader();
        assertThat(next).isNotEqualTo(leader);
        cluster.node(next).propose(KvStateMachine.put("k", "after")).get(5, TimeUnit.SECONDS);
        cluster.restart(leader);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(cluster.machines.get(leader).map).containsEntry("k", "after"));
    }

    @Test
    void wholeClusterRestartsFromDiskWithStateIntact() throws Exception {
        Config config = LocalCluster.fastConfig().toBuilder().snapshotInterval(7).build();
        cluster = new LocalCluster(dir, config).startStatic(3);
        long leader = cluster.awaitLeader();
        for (int i = 0; i < 20; i++) {
            cluster.node(leader).propose(KvStateMachine.put("key" + i, "v" + i)).get(5, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.running().stream()
                .allMatch(id -> cluster.machines.get(id).map.size() == 20));
        for (long id : cluster.running()) {
            cluster.stop(id);
        }
        for (long id = 1; id <= 3; id++) {
            cluster.restart(id);
        }
        long newLeader = cluster.awaitLeader();
        for (long id = 1; id <= 3; id++) {
            long n = id;
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(cluster.machines.get(n).map).hasSize(20).containsEntry("key19", "v19");
            });
        }
        assertThat(str(cluster.node(newLeader).propose(KvStateMachine.put("key0", "again")).get(5, TimeUnit.SECONDS)))
                .isEqualTo("v0");
    }

    @Test
    void laggingFollowerCatchesUpBySnapshot() throws Exception {
        Config config = LocalCluster.fastConfig().toBuilder().snapshotInterval(10).build();
        cluster = new LocalCluster(dir, config).startStatic(3);
        long leader = cluster.awaitLeader();
        long follower = cluster.followerOf(leader);
        cluster.stop(follower);
        for (int i = 0; i < 50; i++) {
            cluster.node(leader).propose(KvStateMachine.put("key" + i, "v" + i)).get(5, TimeUnit.SECONDS);
        }
        // The leader compacted its log past what the follower has.
        await().atMost(Duration.ofSeconds(5)).until(() -> cluster.node(leader).status().get().getFirstIndex() > 2);
        cluster.restart(follower);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(cluster.machines.get(follower).map).hasSize(50).containsEntry("key49", "v49"));
        NodeStatus s = cluster.node(follower).status().get(5, TimeUnit.SECONDS);
        assertThat(s.getSnapshotIndex()).isGreaterThan(0);
    }

    @Test
    void nodesJoinDynamicallyThroughRequestId() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig()).startStatic(1);
        assertThat(cluster.awaitLeader()).isEqualTo(1);
        cluster.node(1).propose(KvStateMachine.put("x", "1")).get(5, TimeUnit.SECONDS);

        for (int i = 0; i < 2; i++) {
            String addr = "127.0.0.1:" + LocalCluster.freePort();
            JoinTicket ticket = Raft.requestId(addr, cluster.addresses.get(1L), cluster.config);
            long id = ticket.reservedId();
            assertThat(id).isEqualTo(2 + i);
            cluster.addresses.put(id, addr);
            Raft joiner = cluster.start(id, null, ticket);
            ConfState cs = joiner.joinCluster(ticket, false).get(15, TimeUnit.SECONDS);
            assertThat(cs.getVotersList()).contains(id);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (long id = 1; id <= 3; id++) {
                assertThat(cluster.machines.get(id).map).containsEntry("x", "1");
            }
        });
        ConfState cs = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).build();
        assertThat(cluster.node(3).status().get().getConfState()).isEqualTo(cs);
        // A joiner restarted from disk needs no ticket.
        cluster.stop(3);
        cluster.restart(3);
        cluster.node(1).propose(KvStateMachine.put("y", "2")).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(cluster.machines.get(3L).map).containsEntry("y", "2"));
    }

    @Test
    void membershipChangesLearnersPromotionRemovalAndJoint() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig());
        for (long id = 1; id <= 5; id++) {
            cluster.addresses.put(id, "127.0.0.1:" + LocalCluster.freePort());
        }
        Map<Long, String> initial = Map.of(1L, cluster.addresses.get(1L), 2L, cluster.addresses.get(2L),
                3L, cluster.addresses.get(3L));
        for (long id = 1; id <= 3; id++) {
            cluster.start(id, initial, null);
        }
        long leader = cluster.awaitLeader();
        // A learner receives entries but does not vote.
        cluster.start(4, null, new JoinTicket(4, leader, cluster.addresses.get(leader), initial));
        ConfState cs = cluster.node(leader).addLearner(4, cluster.addresses.get(4L)).get(10, TimeUnit.SECONDS);
        assertThat(cs.getLearnersList()).containsExactly(4L);
        cluster.node(leader).propose(KvStateMachine.put("l", "1")).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(cluster.machines.get(4L).map).containsEntry("l", "1"));
        cs = cluster.node(leader).promoteLearner(4).get(10, TimeUnit.SECONDS);
        assertThat(cs.getVotersList()).containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        assertThat(cs.getLearnersList()).isEmpty();

        // A joint change (explicit leave): add 5, remove one follower.
        long removed = cluster.followerOf(leader) == 4 ? 3 : cluster.followerOf(leader);
        cluster.start(5, null, new JoinTicket(5, leader, cluster.addresses.get(leader), cluster.addresses));
        ConfChangeV2 joint = ConfChangeV2.newBuilder().setTransition(ConfChangeTransition.Explicit)
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.AddNode).setNodeId(5))
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.RemoveNode).setNodeId(removed))
                .build();
        cs = cluster.node(leader).changeConfig(joint, Map.of(5L, cluster.addresses.get(5L))).get(10, TimeUnit.SECONDS);
        assertThat(cs.getVotersOutgoingList()).contains(removed);
        cs = cluster.node(leader).leaveJoint().get(10, TimeUnit.SECONDS);
        assertThat(cs.getVotersOutgoingList()).isEmpty();
        assertThat(cs.getVotersList()).contains(5L).doesNotContain(removed);
        cluster.stop(removed);

        // Removing the leader: it hands over, and the rest go on.
        cs = cluster.node(leader).removeNode(leader).get(10, TimeUnit.SECONDS);
        assertThat(cs.getVotersList()).doesNotContain(leader);
        cluster.stop(leader);
        long newLeader = cluster.awaitLeader();
        assertThat(newLeader).isNotEqualTo(leader);
        cluster.node(newLeader).propose(KvStateMachine.put("after-removal", "ok")).get(5, TimeUnit.SECONDS);
        assertThat(cluster.node(newLeader).status().get().getConfState().getVotersCount()).isEqualTo(3);
    }

    @Test
    void leaderTransferAndReadRightAfterIt() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig()).startStatic(3);
        long leader = cluster.awaitLeader();
        cluster.node(leader).propose(KvStateMachine.put("t", "1")).get(5, TimeUnit.SECONDS);
        long target = cluster.followerOf(leader);
        assertThat(cluster.node(leader).transferLeader(target).get(10, TimeUnit.SECONDS)).isEqualTo(target);
        assertThat(cluster.awaitLeader()).isEqualTo(target);
        // The new leader serves a linearizable read that sees the write from the previous term.
        assertThat(cluster.node(target).linearizableRead(() -> cluster.machines.get(target).map.get("t"))
                .get(5, TimeUnit.SECONDS)).isEqualTo("1");
        // Transfer to a non-member fails clearly.
        assertThatThrownBy(() -> cluster.node(target).transferLeader(99).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestsDuringAnElectionCompleteWithAResultOrATypedError() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig()).startStatic(3);
        long leader = cluster.awaitLeader();
        long follower = cluster.followerOf(leader);
        cluster.stop(leader);
        List<CompletableFuture<?>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            futures.add(cluster.node(follower).propose(KvStateMachine.put("e" + i, "v")));
            futures.add(cluster.node(follower).readIndex());
        }
        for (CompletableFuture<?> f : futures) {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOfAny(ProposalDroppedException.class, NotLeaderException.class,
                        TimeoutException.class);
            }
        }
        assertThat(futures).allMatch(CompletableFuture::isDone);
    }

    @Test
    void closingANodeFailsItsPendingRequests() throws Exception {
        // Without check-quorum the leader keeps leading alone, so the proposal below stays pending.
        cluster = new LocalCluster(dir, LocalCluster.fastConfig().toBuilder().checkQuorum(false).build())
                .startStatic(3);
        long leader = cluster.awaitLeader();
        for (long id : cluster.running()) {
            if (id != leader) {
                cluster.stop(id);
            }
        }
        // Appended by the leader but never committed: it stays pending until the node closes.
        CompletableFuture<byte[]> f = cluster.node(leader).propose(KvStateMachine.put("z", "1"));
        Raft r = cluster.nodes.get(leader);
        r.close();
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(NodeClosedException.class);
        assertThatThrownBy(() -> r.node().propose(KvStateMachine.put("z", "2")).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(NodeClosedException.class);
    }

    @Test
    void aCallerFromAnotherClusterIsRefused() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig()).startStatic(1);
        cluster.awaitLeader();
        ManagedChannel ch = Channels.open(cluster.addresses.get(1L), "other-cluster", null, 1 << 20);
        try {
            assertThatThrownBy(() -> RaftServiceGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getStatus(GetStatusArgs.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                        assertThat(e.getStatus().getDescription())
                                .isEqualTo("cluster id mismatch: this node belongs to cluster 'raftify', the caller "
                                        + "to cluster 'other-cluster'");
                    });
        } finally {
            ch.shutdownNow();
        }
    }

    @Test
    void aNodeJoiningAfterCompactionCatchesUpByAFreshSnapshot() throws Exception {
        cluster = new LocalCluster(dir, LocalCluster.fastConfig()).startStatic(3);
        long leader = cluster.awaitLeader();
        for (int i = 0; i < 30; i++) {
            cluster.node(leader).propose(KvStateMachine.put("c" + i, "v" + i)).get(5, TimeUnit.SECONDS);
        }
        // The stored snapshot's membership predates the joiner, so the leader must take a fresh one for it.
        cluster.node(leader).makeSnapshot().get(10, TimeUnit.SECONDS);
        String addr = "127.0.0.1:" + LocalCluster.freePort();
        JoinTicket ticket = Raft.requestId(addr, cluster.addresses.get(leader), cluster.config);
        cluster.addresses.put(ticket.reservedId(), addr);
        Raft joiner = cluster.start(ticket.reservedId(), null, ticket);
        joiner.joinCluster(ticket, false).get(15, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(cluster.machines.get(ticket.reservedId()).map).hasSize(30).containsEntry("c29", "v29"));
        assertThat(joiner.node().status().get(5, TimeUnit.SECONDS).getConfState().getVotersList())
                .contains(1L, 2L, 3L, ticket.reservedId());
    }
}

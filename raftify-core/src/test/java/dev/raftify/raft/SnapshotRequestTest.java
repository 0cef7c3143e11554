package dev.raftify.raft;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.raft.tracker.ProgressState;
import org.junit.jupiter.api.Test;

/**
 * A follower's snapshot request is answered once. Found by the cluster simulation (seed 140): the leader kept
 * the request pending after the snapshot was reported sent, so every later append to that follower became the
 * same snapshot again, which the follower refused as not newer than its commit index; the follower never got
 * another entry.
 */
class SnapshotRequestTest {

    @Test
    void aRequestedSnapshotIsSentOnceThenReplicationResumes() {
        TestCluster c = new TestCluster(11, 1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.propose(1, "b");
        // The leader snapshots its applied state, so it has a snapshot as new as the follower's applied index.
        RawNode leader = c.node(1).raw;
        long applied = c.raft(1).raftLog.applied();
        c.node(1).storage.createSnapshot(applied, c.raft(1).prs.confState(), ByteString.EMPTY);

        c.node(2).raw.requestSnapshot();
        c.stabilize();
        assertThat(snapshotsTo(c, 2)).isEqualTo(1);
        assertThat(c.raft(1).prs.get(2).state()).isEqualTo(ProgressState.SNAPSHOT);

        // The transport reports the snapshot delivered; the follower had refused it (not newer than its commit).
        leader.reportSnapshot(2, SnapshotStatus.FINISH);
        c.stabilize();
        c.propose(1, "c");
        for (int i = 0; i < 5; i++) {
            c.tickAll();
            c.stabilize();
        }

        assertThat(snapshotsTo(c, 2)).isEqualTo(1);
        assertThat(c.node(2).applied.values()).extracting(ByteString::toStringUtf8).contains("c");
        assertThat(c.raft(1).prs.get(2).pendingRequestSnapshot()).isZero();
    }

    private static long snapshotsTo(TestCluster c, long to) {
        return c.delivered.stream()
                .filter(m -> m.getMsgType() == MessageType.MsgSnapshot && m.getTo() == to)
                .count();
    }
}

package dev.raftify.raft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.WriteBatch;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A follower that applies asynchronously must not install a snapshot's membership while a committed
 * membership change it was handed is still to be applied. Found by the cluster simulation (seed 169): the
 * snapshot's joint membership was installed first, and applying the (older) change that enters it then failed
 * with "config is already joint".
 */
class RestoreWithUnappliedConfChangeTest {

    private static final ConfChangeV2 ENTER_JOINT = ConfChangeV2.newBuilder()
            .setTransition(ConfChangeTransition.Explicit)
            .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.AddNode).setNodeId(4))
            .build();

    @Test
    void aSnapshotWaitsUntilHandedOutMembershipChangesAreApplied() {
        MemStorage storage = MemStorage.withVoters(1, 2, 3);
        RawNode node = new RawNode(RaftConfig.builder(2).build(), storage, new Random(1));

        // The leader appends the change at index 1 and commits it.
        Entry change = ConfChangeCodec.encode(ENTER_JOINT).toBuilder().setIndex(1).setTerm(1).build();
        node.step(Message.newBuilder().setMsgType(MessageType.MsgAppend).setFrom(1).setTo(2).setTerm(1)
                .setIndex(0).setLogTerm(0).setCommit(1).addEntries(change).build());
        persist(storage, node.ready(), node);
        Ready rd = node.ready();
        assertThat(rd.committedEntries()).containsExactly(change);
        storage.write(new WriteBatch(null, rd.entries(), rd.hardState(), null));
        // Asynchronous apply: the append is acknowledged, the change is not applied yet.
        node.advanceAppend(rd);

        // A snapshot whose membership already includes the change arrives.
        ConfState joint = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3).addVoters(4)
                .addVotersOutgoing(1).addVotersOutgoing(2).addVotersOutgoing(3).build();
        Message snapshot = Message.newBuilder().setMsgType(MessageType.MsgSnapshot).setFrom(1).setTo(2).setTerm(1)
                .setSnapshot(Snapshot.newBuilder().setMetadata(SnapshotMetadata.newBuilder()
                        .setIndex(5).setTerm(1).setConfState(joint)))
                .build();
        node.step(snapshot);
        assertThat(node.raft().raftLog.unstable().snapshot()).isNull();

        // Applying the change works on the membership it was proposed against.
        assertThat(node.applyConfChange(ENTER_JOINT)).isEqualTo(joint);
        node.advanceApply(1);

        // Once applied, the snapshot is taken when the leader sends it again.
        node.step(snapshot);
        assertThat(node.raft().raftLog.unstable().snapshot()).isNotNull();
    }

    private static void persist(MemStorage storage, Ready rd, RawNode node) {
        storage.write(new WriteBatch(rd.snapshot(), rd.entries(), rd.hardState(), null));
        node.advance(rd);
    }
}

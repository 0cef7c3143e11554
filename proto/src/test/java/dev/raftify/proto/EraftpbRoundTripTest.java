package dev.raftify.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.raftify.proto.eraftpb.ConfChange;
import dev.raftify.proto.eraftpb.ConfChangeSingle;
import dev.raftify.proto.eraftpb.ConfChangeTransition;
import dev.raftify.proto.eraftpb.ConfChangeType;
import dev.raftify.proto.eraftpb.ConfChangeV2;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.EntryType;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.proto.eraftpb.Snapshot;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EraftpbRoundTripTest {

    private static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    private static ConfState confState() {
        return ConfState.newBuilder()
                .addVoters(1).addVoters(2).addVoters(3)
                .addLearners(4)
                .addVotersOutgoing(1).addVotersOutgoing(2)
                .addLearnersNext(5)
                .setAutoLeave(true)
                .build();
    }

    private static Entry entry(long index) {
        return Entry.newBuilder()
                .setEntryType(EntryType.EntryConfChangeV2)
                .setTerm(7)
                .setIndex(index)
                .setData(bytes("data-" + index))
                .setContext(bytes("ctx-" + index))
                .build();
    }

    @ParameterizedTest
    @EnumSource(value = MessageType.class, names = "UNRECOGNIZED", mode = EnumSource.Mode.EXCLUDE)
    void everyMessageTypeRoundTripsWithAllFields(MessageType type) throws InvalidProtocolBufferException {
        Message original = Message.newBuilder()
                .setMsgType(type)
                .setTo(2).setFrom(1).setTerm(9).setLogTerm(8).setIndex(100)
                .addEntries(entry(101)).addEntries(entry(102))
                .setCommit(99).setCommitTerm(8)
                .setSnapshot(Snapshot.newBuilder()
                        .setData(bytes("snap"))
                        .setMetadata(SnapshotMetadata.newBuilder().setConfState(confState()).setIndex(50).setTerm(4)))
                .setRequestSnapshot(33)
                .setReject(true).setRejectHint(77)
                .setContext(bytes("read-ctx"))
                .setDeprecatedPriority(3)
                .setPriority(-5)
                .build();

        Message decoded = Message.parseFrom(original.toByteArray());

        assertThat(decoded).isEqualTo(original);
        assertThat(decoded.getMsgType()).isEqualTo(type);
        assertThat(decoded.getTo()).isEqualTo(2);
        assertThat(decoded.getFrom()).isEqualTo(1);
        assertThat(decoded.getTerm()).isEqualTo(9);
        assertThat(decoded.getLogTerm()).isEqualTo(8);
        assertThat(decoded.getIndex()).isEqualTo(100);
        assertThat(decoded.getEntriesList()).extracting(Entry::getIndex).containsExactly(101L, 102L);
        assertThat(decoded.getEntries(1).getData().toStringUtf8()).isEqualTo("data-102");
        assertThat(decoded.getEntries(1).getContext().toStringUtf8()).isEqualTo("ctx-102");
        assertThat(decoded.getCommit()).isEqualTo(99);
        assertThat(decoded.getCommitTerm()).isEqualTo(8);
        assertThat(decoded.getSnapshot().getMetadata().getIndex()).isEqualTo(50);
        assertThat(decoded.getSnapshot().getMetadata().getTerm()).isEqualTo(4);
        assertThat(decoded.getSnapshot().getMetadata().getConfState()).isEqualTo(confState());
        assertThat(decoded.getSnapshot().getData().toStringUtf8()).isEqualTo("snap");
        assertThat(decoded.getRequestSnapshot()).isEqualTo(33);
        assertThat(decoded.getReject()).isTrue();
        assertThat(decoded.getRejectHint()).isEqualTo(77);
        assertThat(decoded.getContext().toStringUtf8()).isEqualTo("read-ctx");
        assertThat(decoded.getDeprecatedPriority()).isEqualTo(3);
        assertThat(decoded.getPriority()).isEqualTo(-5);
    }

    @Test
    void messageTypeNumbersMatchRaftRs() {
        assertThat(MessageType.MsgHup.getNumber()).isZero();
        assertThat(MessageType.MsgBeat.getNumber()).isEqualTo(1);
        assertThat(MessageType.MsgPropose.getNumber()).isEqualTo(2);
        assertThat(MessageType.MsgAppend.getNumber()).isEqualTo(3);
        assertThat(MessageType.MsgAppendResponse.getNumber()).isEqualTo(4);
        assertThat(MessageType.MsgRequestVote.getNumber()).isEqualTo(5);
        assertThat(MessageType.MsgRequestVoteResponse.getNumber()).isEqualTo(6);
        assertThat(MessageType.MsgSnapshot.getNumber()).isEqualTo(7);
        assertThat(MessageType.MsgHeartbeat.getNumber()).isEqualTo(8);
        assertThat(MessageType.MsgHeartbeatResponse.getNumber()).isEqualTo(9);
        assertThat(MessageType.MsgUnreachable.getNumber()).isEqualTo(10);
        assertThat(MessageType.MsgSnapStatus.getNumber()).isEqualTo(11);
        assertThat(MessageType.MsgCheckQuorum.getNumber()).isEqualTo(12);
        assertThat(MessageType.MsgTransferLeader.getNumber()).isEqualTo(13);
        assertThat(MessageType.MsgTimeoutNow.getNumber()).isEqualTo(14);
        assertThat(MessageType.MsgReadIndex.getNumber()).isEqualTo(15);
        assertThat(MessageType.MsgReadIndexResp.getNumber()).isEqualTo(16);
        assertThat(MessageType.MsgRequestPreVote.getNumber()).isEqualTo(17);
        assertThat(MessageType.MsgRequestPreVoteResponse.getNumber()).isEqualTo(18);
    }

    /** Field numbers are the contract with raft-rs: decode the wire bytes by hand and check each tag. */
    @Test
    void messageFieldNumbersMatchRaftRs() throws IOException {
        Message m = Message.newBuilder()
                .setMsgType(MessageType.MsgAppend).setTo(1).setFrom(2).setTerm(3).setLogTerm(4).setIndex(5)
                .addEntries(Entry.getDefaultInstance()).setCommit(6).setSnapshot(Snapshot.getDefaultInstance())
                .setReject(true).setRejectHint(7).setContext(bytes("c")).setRequestSnapshot(8)
                .setDeprecatedPriority(9).setCommitTerm(10).setPriority(11)
                .build();
        assertThat(fieldNumbers(m.toByteArray()))
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

        Entry e = Entry.newBuilder().setEntryType(EntryType.EntryConfChange).setTerm(1).setIndex(2)
                .setData(bytes("d")).setSyncLog(true).setContext(bytes("x")).build();
        assertThat(fieldNumbers(e.toByteArray())).containsExactly(1, 2, 3, 4, 5, 6);

        HardState hs = HardState.newBuilder().setTerm(1).setVote(2).setCommit(3).build();
        assertThat(fieldNumbers(hs.toByteArray())).containsExactly(1, 2, 3);

        ConfChange cc = ConfChange.newBuilder().setId(1).setChangeType(ConfChangeType.AddLearnerNode)
                .setNodeId(3).setContext(bytes("x")).build();
        assertThat(fieldNumbers(cc.toByteArray())).containsExactly(1, 2, 3, 4);

        assertThat(fieldNumbers(confState().toByteArray())).containsExactly(1, 2, 3, 4, 5);
    }

    private static List<Integer> fieldNumbers(byte[] wire) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(wire);
        List<Integer> numbers = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            int number = WireFormat.getTagFieldNumber(tag);
            if (numbers.isEmpty() || numbers.get(numbers.size() - 1) != number) {
                numbers.add(number);
            }
            in.skipField(tag);
        }
        numbers.sort(Integer::compare);
        return numbers;
    }

    @Test
    void hardStateAndConfStateRoundTrip() throws InvalidProtocolBufferException {
        HardState hs = HardState.newBuilder().setTerm(5).setVote(3).setCommit(42).build();
        HardState decodedHs = HardState.parseFrom(hs.toByteArray());
        assertThat(decodedHs.getTerm()).isEqualTo(5);
        assertThat(decodedHs.getVote()).isEqualTo(3);
        assertThat(decodedHs.getCommit()).isEqualTo(42);

        ConfState decodedCs = ConfState.parseFrom(confState().toByteArray());
        assertThat(decodedCs.getVotersList()).containsExactly(1L, 2L, 3L);
        assertThat(decodedCs.getLearnersList()).containsExactly(4L);
        assertThat(decodedCs.getVotersOutgoingList()).containsExactly(1L, 2L);
        assertThat(decodedCs.getLearnersNextList()).containsExactly(5L);
        assertThat(decodedCs.getAutoLeave()).isTrue();
    }

    @Test
    void confChangesRoundTrip() throws InvalidProtocolBufferException {
        ConfChange v1 = ConfChange.newBuilder().setId(11).setChangeType(ConfChangeType.RemoveNode)
                .setNodeId(4).setContext(bytes("addr")).build();
        ConfChange decodedV1 = ConfChange.parseFrom(v1.toByteArray());
        assertThat(decodedV1.getId()).isEqualTo(11);
        assertThat(decodedV1.getChangeType()).isEqualTo(ConfChangeType.RemoveNode);
        assertThat(decodedV1.getNodeId()).isEqualTo(4);
        assertThat(decodedV1.getContext().toStringUtf8()).isEqualTo("addr");

        ConfChangeV2 v2 = ConfChangeV2.newBuilder()
                .setTransition(ConfChangeTransition.Explicit)
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.AddNode).setNodeId(4))
                .addChanges(ConfChangeSingle.newBuilder().setChangeType(ConfChangeType.AddLearnerNode).setNodeId(5))
                .setContext(bytes("ctx"))
                .build();
        ConfChangeV2 decodedV2 = ConfChangeV2.parseFrom(v2.toByteArray());
        assertThat(decodedV2.getTransition()).isEqualTo(ConfChangeTransition.Explicit);
        assertThat(decodedV2.getChangesList())
                .extracting(ConfChangeSingle::getChangeType, ConfChangeSingle::getNodeId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ConfChangeType.AddNode, 4L),
                        org.assertj.core.groups.Tuple.tuple(ConfChangeType.AddLearnerNode, 5L));
        assertThat(decodedV2.getContext().toStringUtf8()).isEqualTo("ctx");
    }

    @Test
    void enumNumbersMatchRaftRs() {
        assertThat(EntryType.EntryNormal.getNumber()).isZero();
        assertThat(EntryType.EntryConfChange.getNumber()).isEqualTo(1);
        assertThat(EntryType.EntryConfChangeV2.getNumber()).isEqualTo(2);
        assertThat(ConfChangeType.AddNode.getNumber()).isZero();
        assertThat(ConfChangeType.RemoveNode.getNumber()).isEqualTo(1);
        assertThat(ConfChangeType.AddLearnerNode.getNumber()).isEqualTo(2);
        assertThat(ConfChangeTransition.Auto.getNumber()).isZero();
        assertThat(ConfChangeTransition.Implicit.getNumber()).isEqualTo(1);
        assertThat(ConfChangeTransition.Explicit.getNumber()).isEqualTo(2);
    }

    @Test
    void garbageIsRejectedWithAnError() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Message.parseFrom(garbage))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }
}

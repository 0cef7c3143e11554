package dev.raftify.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.proto.service.Error;
import dev.raftify.proto.service.JoinTicket;
import dev.raftify.proto.service.MessageBatch;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.Peer;
import dev.raftify.proto.service.PeerProgress;
import dev.raftify.proto.service.ProgressState;
import dev.raftify.proto.service.ProposeResponse;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.proto.service.RaftServiceOuterClass;
import dev.raftify.proto.service.RequestIdResponse;
import dev.raftify.proto.service.Role;
import dev.raftify.proto.service.SnapshotChunk;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftServiceProtocolTest {

    @Test
    void serviceKeepsRaftifyRpcNamesAndAddsStreams() {
        List<String> methods = RaftServiceOuterClass.getDescriptor()
                .findServiceByName("RaftService").getMethods().stream().map(MethodDescriptor::getName).toList();
        assertThat(methods).contains("RequestId", "ChangeConfig", "Propose", "SendMessage", "GetPeers",
                "LeaveJoint", "DebugNode", "CreateSnapshot", "SendMessages", "InstallSnapshot", "GetStatus",
                "ReadIndex", "TransferLeader");
        assertThat(RaftServiceGrpc.getSendMessagesMethod().getType())
                .isEqualTo(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING);
        assertThat(RaftServiceGrpc.getInstallSnapshotMethod().getType())
                .isEqualTo(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING);
        assertThat(RaftServiceGrpc.getProposeMethod().getType()).isEqualTo(io.grpc.MethodDescriptor.MethodType.UNARY);
    }

    @Test
    void batchesRoundTripInOrder() throws InvalidProtocolBufferException {
        MessageBatch batch = MessageBatch.newBuilder().setSenderId(3)
                .addMessages(Message.newBuilder().setMsgType(MessageType.MsgHeartbeat).setFrom(3).setTo(1).setTerm(4))
                .addMessages(Message.newBuilder().setMsgType(MessageType.MsgAppend).setFrom(3).setTo(1).setIndex(9))
                .build();
        MessageBatch decoded = MessageBatch.parseFrom(batch.toByteArray());
        assertThat(decoded.getSenderId()).isEqualTo(3);
        assertThat(decoded.getMessagesList()).extracting(Message::getMsgType)
                .containsExactly(MessageType.MsgHeartbeat, MessageType.MsgAppend);
        assertThat(decoded.getMessages(1).getIndex()).isEqualTo(9);
    }

    @Test
    void oneofResultsRoundTrip() throws InvalidProtocolBufferException {
        ProposeResponse ok = ProposeResponse.newBuilder().setData(ByteString.copyFromUtf8("OK")).setIndex(12).build();
        ProposeResponse okDecoded = ProposeResponse.parseFrom(ok.toByteArray());
        assertThat(okDecoded.getResultCase()).isEqualTo(ProposeResponse.ResultCase.DATA);
        assertThat(okDecoded.getData().toStringUtf8()).isEqualTo("OK");
        assertThat(okDecoded.getIndex()).isEqualTo(12);

        ProposeResponse err = ProposeResponse.newBuilder().setError(Error.newBuilder()
                .setCode(Error.Code.NOT_LEADER).setMessage("not leader").setLeaderId(2).setLeaderAddress("h:2"))
                .build();
        ProposeResponse errDecoded = ProposeResponse.parseFrom(err.toByteArray());
        assertThat(errDecoded.getResultCase()).isEqualTo(ProposeResponse.ResultCase.ERROR);
        assertThat(errDecoded.getError().getCode()).isEqualTo(Error.Code.NOT_LEADER);
        assertThat(errDecoded.getError().getLeaderId()).isEqualTo(2);
        assertThat(errDecoded.getError().getLeaderAddress()).isEqualTo("h:2");

        RequestIdResponse ticket = RequestIdResponse.newBuilder().setTicket(JoinTicket.newBuilder()
                .setReservedId(4).setLeaderId(1).setLeaderAddress("a:1")
                .addPeers(Peer.newBuilder().setNodeId(1).setAddress("a:1"))).build();
        RequestIdResponse ticketDecoded = RequestIdResponse.parseFrom(ticket.toByteArray());
        assertThat(ticketDecoded.getTicket().getReservedId()).isEqualTo(4);
        assertThat(ticketDecoded.getTicket().getPeers(0).getAddress()).isEqualTo("a:1");
    }

    @Test
    void statusAndChunksRoundTrip() throws InvalidProtocolBufferException {
        NodeStatus status = NodeStatus.newBuilder().setNodeId(1).setAddress("127.0.0.1:60061").setClusterId("c")
                .setRole(Role.LEADER).setTerm(3).setLeaderId(1).setCommitIndex(10).setAppliedIndex(9)
                .setFirstIndex(1).setLastIndex(10)
                .addProgress(PeerProgress.newBuilder().setNodeId(2).setMatchIndex(10).setNextIndex(11)
                        .setState(ProgressState.REPLICATE).setInflight(1).setLastContactMillis(5).setRttMicros(300))
                .build();
        NodeStatus decoded = NodeStatus.parseFrom(status.toByteArray());
        assertThat(decoded.getRole()).isEqualTo(Role.LEADER);
        assertThat(decoded.getProgress(0).getState()).isEqualTo(ProgressState.REPLICATE);
        assertThat(decoded.getProgress(0).getRttMicros()).isEqualTo(300);
        assertThat(decoded.getAppliedIndex()).isEqualTo(9);

        SnapshotChunk chunk = SnapshotChunk.newBuilder().setData(ByteString.copyFrom(new byte[] {1, 2, 3}))
                .setLast(true).build();
        SnapshotChunk chunkDecoded = SnapshotChunk.parseFrom(chunk.toByteArray());
        assertThat(chunkDecoded.getData().toByteArray()).containsExactly(1, 2, 3);
        assertThat(chunkDecoded.getLast()).isTrue();
        assertThat(chunkDecoded.hasMessage()).isFalse();
    }
}

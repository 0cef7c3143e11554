package dev.raftify.bench.cluster;

import com.google.protobuf.UnsafeByteOperations;
import dev.raftify.proto.service.ProposeArgs;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.transport.ClusterIds;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * Writes through Raftify's {@code Propose} RPC on one channel to the leader. Responses are handled on the
 * channel's event loop (direct executor): the callback only records a latency and sends the next write, so a
 * thread hop per response would only add cost to the client, which shares the machine with the members.
 */
final class RaftifyWriteClient implements WriteClient {
    private final ManagedChannel channel;
    private final RaftServiceGrpc.RaftServiceStub stub;

    RaftifyWriteClient(int port) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .directExecutor()
                .intercept(ClusterIds.clientInterceptor(RaftifyMember.CLUSTER_ID))
                .build();
        stub = RaftServiceGrpc.newStub(channel);
    }

    @Override
    public void write(byte[] command, Done done) {
        ProposeArgs args = ProposeArgs.newBuilder().setData(UnsafeByteOperations.unsafeWrap(command)).build();
        stub.propose(args, UnaryWrites.reportTo(done, r -> !r.hasError()));
    }

    @Override
    public void close() {
        UnaryWrites.close(channel);
    }
}

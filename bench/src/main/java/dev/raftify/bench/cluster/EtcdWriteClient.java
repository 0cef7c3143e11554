package dev.raftify.bench.cluster;

import com.google.protobuf.UnsafeByteOperations;
import dev.raftify.bench.etcd.KVGrpc;
import dev.raftify.bench.etcd.PutRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * Writes through etcd's {@code KV/Put} on one gRPC channel to the leader's client URL, the command's 8-byte key
 * as the key and the rest as the value: the same bytes the other engines' state machines store. Responses are
 * handled on the channel's event loop, as in {@link RaftifyWriteClient} and for the same reason.
 */
final class EtcdWriteClient implements WriteClient {
    private final ManagedChannel channel;
    private final KVGrpc.KVStub stub;

    EtcdWriteClient(int clientPort) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", clientPort)
                .usePlaintext()
                .directExecutor()
                .build();
        stub = KVGrpc.newStub(channel);
    }

    @Override
    public void write(byte[] command, Done done) {
        PutRequest put = PutRequest.newBuilder()
                .setKey(UnsafeByteOperations.unsafeWrap(command, 0, 8))
                .setValue(UnsafeByteOperations.unsafeWrap(command, 8, command.length - 8))
                .build();
        stub.put(put, UnaryWrites.reportTo(done, r -> true));
    }

    @Override
    public void close() {
        UnaryWrites.close(channel);
    }
}

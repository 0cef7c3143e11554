package dev.raftify.cli.support;

import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.SnapshotMetadata;
import dev.raftify.proto.service.ChangeConfigArgs;
import dev.raftify.proto.service.ChangeConfigResponse;
import dev.raftify.proto.service.CreateSnapshotArgs;
import dev.raftify.proto.service.CreateSnapshotResponse;
import dev.raftify.proto.service.DebugNodeArgs;
import dev.raftify.proto.service.DebugNodeResponse;
import dev.raftify.proto.service.GetPeersArgs;
import dev.raftify.proto.service.GetPeersResponse;
import dev.raftify.proto.service.GetStatusArgs;
import dev.raftify.proto.service.LeaveJointArgs;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.proto.service.TransferLeaderArgs;
import dev.raftify.proto.service.TransferLeaderResponse;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.stub.StreamObserver;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A scripted RaftService on a real loopback port, standing in for a node until the engine exists: it answers
 * GetStatus with whatever status the test set, checks the cluster id header as a node does, records the calls it
 * gets, and can go silent (calls never answered, as from a partitioned node) or stop (connection refused).
 */
public final class FakeNode extends RaftServiceGrpc.RaftServiceImplBase implements AutoCloseable {

    private static final Metadata.Key<String> CLUSTER_ID =
            Metadata.Key.of("raftify-cluster-id", Metadata.ASCII_STRING_MARSHALLER);

    public final String clusterId;
    private final Server server;
    private final int port;
    private volatile NodeStatus status = NodeStatus.getDefaultInstance();
    private volatile boolean silent;
    public final List<Object> calls = new CopyOnWriteArrayList<>();
    public final List<String> clusterIdsSeen = new CopyOnWriteArrayList<>();
    public volatile Function<ChangeConfigArgs, ChangeConfigResponse> onChangeConfig;
    public volatile Function<TransferLeaderArgs, TransferLeaderResponse> onTransferLeader;
    public volatile ChangeConfigResponse onLeaveJoint;
    public volatile CreateSnapshotResponse onCreateSnapshot;
    public volatile String debugJson = "{\"node_id\":1}";

    private FakeNode(String clusterId, boolean tls, ClientAuth clientAuth) {
        this.clusterId = clusterId;
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(this, new ClusterIdCheck()));
        if (tls) {
            try {
                b.sslContext(GrpcSslContexts.forServer(tlsFile("server.pem"), tlsFile("server.key"))
                        .trustManager(tlsFile("ca.pem")).clientAuth(clientAuth).build());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            this.server = b.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Kept: a stopped server no longer tells its port, and tests still name the address it had.
        this.port = server.getPort();
    }

    public static FakeNode start(String clusterId) {
        return new FakeNode(clusterId, false, ClientAuth.NONE);
    }

    public static FakeNode startTls(ClientAuth clientAuth) {
        return new FakeNode("raftify", true, clientAuth);
    }

    public static File tlsFile(String name) {
        return new File("src/test/resources/tls/" + name);
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    public void setStatus(NodeStatus s) {
        this.status = s;
    }

    public NodeStatus status() {
        return status;
    }

    /** Calls are accepted but never answered: the caller's deadline expires, as with a partitioned node. */
    public void setSilent(boolean silent) {
        this.silent = silent;
    }

    /** Stops listening: connections are refused from now on. */
    public void stop() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private <T> void answer(Object request, StreamObserver<T> out, T response) {
        calls.add(request);
        if (silent) {
            return;
        }
        out.onNext(response);
        out.onCompleted();
    }

    @Override
    public void getStatus(GetStatusArgs request, StreamObserver<NodeStatus> out) {
        answer(request, out, status);
    }

    @Override
    public void getPeers(GetPeersArgs request, StreamObserver<GetPeersResponse> out) {
        answer(request, out, GetPeersResponse.newBuilder().addAllPeers(status.getPeersList())
                .setLeaderId(status.getLeaderId()).build());
    }

    @Override
    public void debugNode(DebugNodeArgs request, StreamObserver<DebugNodeResponse> out) {
        answer(request, out, DebugNodeResponse.newBuilder().setResultJson(debugJson).build());
    }

    @Override
    public void changeConfig(ChangeConfigArgs request, StreamObserver<ChangeConfigResponse> out) {
        answer(request, out, onChangeConfig.apply(request));
    }

    @Override
    public void leaveJoint(LeaveJointArgs request, StreamObserver<ChangeConfigResponse> out) {
        answer(request, out, onLeaveJoint);
    }

    @Override
    public void transferLeader(TransferLeaderArgs request, StreamObserver<TransferLeaderResponse> out) {
        answer(request, out, onTransferLeader.apply(request));
    }

    @Override
    public void createSnapshot(CreateSnapshotArgs request, StreamObserver<CreateSnapshotResponse> out) {
        answer(request, out, onCreateSnapshot != null ? onCreateSnapshot : CreateSnapshotResponse.newBuilder()
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(status.getAppliedIndex()).setTerm(status.getTerm())
                        .setConfState(status.getConfState().equals(ConfState.getDefaultInstance())
                                ? ConfState.getDefaultInstance() : status.getConfState()))
                .build());
    }

    /** What a node does with the cluster id header (docs/protocol.md). */
    private final class ClusterIdCheck implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                          ServerCallHandler<Q, R> next) {
            String id = headers.get(CLUSTER_ID);
            clusterIdsSeen.add(String.valueOf(id));
            if (!clusterId.equals(id)) {
                call.close(Status.FAILED_PRECONDITION.withDescription("this node belongs to cluster '" + clusterId
                        + "', the call is for cluster '" + id + "'"), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
            return next.startCall(call, headers);
        }
    }
}

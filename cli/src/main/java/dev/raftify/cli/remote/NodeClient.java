package dev.raftify.cli.remote;

import com.google.common.util.concurrent.ListenableFuture;
import dev.raftify.proto.service.GetStatusArgs;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.proto.service.RaftServiceGrpc.RaftServiceBlockingStub;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** One node's RaftService, with the CLI's deadline on every call and failures turned into {@link dev.raftify.cli.CliException}. */
public final class NodeClient {
    private final Endpoint endpoint;
    private final ManagedChannel channel;
    private final String clusterId;
    private final Duration timeout;

    NodeClient(Endpoint endpoint, ManagedChannel channel, String clusterId, Duration timeout) {
        this.endpoint = endpoint;
        this.channel = channel;
        this.clusterId = clusterId;
        this.timeout = timeout;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** A blocking call, named {@code rpc} in error messages. */
    public <T> T call(String rpc, Function<RaftServiceBlockingStub, T> body) {
        RaftServiceBlockingStub stub = RaftServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return body.apply(stub);
        } catch (StatusRuntimeException e) {
            throw RemoteErrors.translate(endpoint, rpc, clusterId, timeout, e);
        }
    }

    /** Starts GetStatus without waiting, so that many nodes can be asked at once. */
    public Pending<NodeStatus> statusAsync() {
        ListenableFuture<NodeStatus> f = RaftServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .getStatus(GetStatusArgs.getDefaultInstance());
        return new Pending<>(this, "GetStatus", f);
    }

    public NodeStatus status() {
        return call("GetStatus", s -> s.getStatus(GetStatusArgs.getDefaultInstance()));
    }

    /** A call in flight; {@link #await} returns its answer or throws the translated failure. */
    public record Pending<T>(NodeClient client, String rpc, ListenableFuture<T> future) {
        public T await() {
            try {
                // The call's own deadline bounds the wait.
                return future.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StatusRuntimeException s) {
                    throw RemoteErrors.translate(client.endpoint, rpc, client.clusterId, client.timeout, s);
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                future.cancel(true);
                throw new dev.raftify.cli.CliException(dev.raftify.cli.ExitCode.UNAVAILABLE, "interrupted");
            }
        }
    }
}

package dev.raftify.transport;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The cluster id travels in the {@code raftify-cluster-id} header of every call, so a node of another cluster
 * (or a CLI pointed at the wrong one) is refused before it can disturb anything.
 */
public final class ClusterIds {
    public static final Metadata.Key<String> HEADER =
            Metadata.Key.of("raftify-cluster-id", Metadata.ASCII_STRING_MARSHALLER);

    private ClusterIds() {}

    /** Adds the header to every outgoing call. */
    public static ClientInterceptor clientInterceptor(String clusterId) {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
                    Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(HEADER, clusterId);
                        super.start(listener, headers);
                    }
                };
            }
        };
    }

    /** Refuses calls without the header or with another cluster's id: FAILED_PRECONDITION naming both ids. */
    public static ServerInterceptor serverInterceptor(String clusterId) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                String theirs = headers.get(HEADER);
                if (!clusterId.equals(theirs)) {
                    String msg = theirs == null
                            ? "call without a raftify-cluster-id header refused by cluster '" + clusterId + "'"
                            : "cluster id mismatch: this node belongs to cluster '" + clusterId
                                    + "', the caller to cluster '" + theirs + "'";
                    call.close(Status.FAILED_PRECONDITION.withDescription(msg), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return next.startCall(call, headers);
            }
        };
    }
}

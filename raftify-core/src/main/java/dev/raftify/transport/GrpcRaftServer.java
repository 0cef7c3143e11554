package dev.raftify.transport;

import dev.raftify.Config;
import dev.raftify.TlsConfig;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The node's gRPC server: the RaftService behind the cluster-id check, plaintext or TLS. */
public final class GrpcRaftServer implements AutoCloseable {
    private final Server server;

    public GrpcRaftServer(String address, Config config, RaftServiceImpl service) {
        HostPort hp = HostPort.parse(address);
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(hp.host(), hp.port()))
                // Every RaftServiceImpl handler only posts to the node's mailbox or answers from a future's
                // callback; none blocks. Running them on the event loop saves a thread hand-off per call and
                // per peer message batch (the default executor cost a wake-up and ~10% of a busy node's CPU).
                .directExecutor()
                .maxInboundMessageSize(config.maxGrpcMessageSize())
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(ServerInterceptors.intercept(service, ClusterIds.serverInterceptor(config.clusterId())));
        TlsConfig tls = config.tls();
        if (tls.enabled()) {
            try {
                SslContextBuilder ssl = GrpcSslContexts.forServer(tls.certChain().toFile(), tls.privateKey().toFile());
                if (tls.trustCerts() != null) {
                    ssl.trustManager(tls.trustCerts().toFile());
                }
                ssl.clientAuth(tls.clientAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE);
                b.sslContext(ssl.build());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot set up TLS from " + tls.certChain() + " and "
                        + tls.privateKey() + ": " + e.getMessage(), e);
            }
        }
        this.server = b.build();
    }

    /** @throws IOException if the address cannot be bound (in use, not local), with the address in the message */
    public void start() throws IOException {
        try {
            server.start();
        } catch (IOException e) {
            throw new IOException("cannot serve on " + server + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            // Peers' message streams never end on their own; unary calls were already answered when the node
            // failed its pending requests. A short grace period is enough.
            if (!server.awaitTermination(200, TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

package dev.raftify.transport;

import dev.raftify.TlsConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NegotiationType;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** Builds client channels to nodes: plaintext or TLS (mutual when a certificate is configured), with the cluster id. */
public final class Channels {
    private Channels() {}

    /**
     * @param address {@code host:port}
     * @throws IllegalArgumentException for an address that is not {@code host:port}
     */
    public static ManagedChannel open(String address, String clusterId, TlsConfig tls, int maxMessageSize) {
        HostPort hp = HostPort.parse(address);
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(hp.host(), hp.port())
                .maxInboundMessageSize(maxMessageSize)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .intercept(ClusterIds.clientInterceptor(clusterId));
        if (tls != null && (tls.enabled() || tls.trustCerts() != null)) {
            try {
                SslContextBuilder ssl = GrpcSslContexts.forClient();
                if (tls.trustCerts() != null) {
                    ssl.trustManager(tls.trustCerts().toFile());
                }
                if (tls.certChain() != null) {
                    ssl.keyManager(tls.certChain().toFile(), tls.privateKey().toFile());
                }
                b.sslContext(ssl.build()).negotiationType(NegotiationType.TLS);
            } catch (SSLException e) {
                throw new UncheckedIOException("cannot set up TLS for " + address + ": " + e.getMessage(), e);
            }
        } else {
            b.usePlaintext();
        }
        return b.build();
    }
}

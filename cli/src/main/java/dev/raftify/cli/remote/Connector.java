package dev.raftify.cli.remote;

import dev.raftify.cli.CliException;
import dev.raftify.cli.ExitCode;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Opens channels to nodes (one per address, reused) with the cluster id header, TLS as configured and the CLI's
 * timeout, and closes them all at the end of the command.
 */
public final class Connector implements AutoCloseable {

    /** The gRPC metadata header every call carries (docs/protocol.md). */
    public static final Metadata.Key<String> CLUSTER_ID =
            Metadata.Key.of("raftify-cluster-id", Metadata.ASCII_STRING_MARSHALLER);

    private final LiveOptions options;
    private final SslContext ssl;
    private final Map<Endpoint, NodeClient> clients = new LinkedHashMap<>();
    private final Map<Endpoint, ManagedChannel> channels = new LinkedHashMap<>();

    public Connector(LiveOptions options) {
        this.options = options;
        this.ssl = options.tlsEnabled() ? sslContext(options) : null;
    }

    public synchronized NodeClient client(Endpoint endpoint) {
        return clients.computeIfAbsent(endpoint, e -> {
            NettyChannelBuilder b = NettyChannelBuilder.forAddress(e.host(), e.port())
                    .userAgent("raftify-cli")
                    .maxInboundMessageSize(64 << 20);
            if (ssl != null) {
                b.sslContext(ssl);
                if (options.tlsServerName != null) {
                    b.overrideAuthority(options.tlsServerName);
                }
            } else {
                b.usePlaintext();
            }
            Metadata headers = new Metadata();
            headers.put(CLUSTER_ID, options.clusterId());
            b.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
            ManagedChannel ch = b.build();
            channels.put(e, ch);
            return new NodeClient(e, ch, options.clusterId(), options.timeout());
        });
    }

    private static SslContext sslContext(LiveOptions o) {
        if ((o.tlsCert == null) != (o.tlsKey == null)) {
            throw new CliException(ExitCode.UNAVAILABLE, "--tls-cert and --tls-key go together (mutual TLS needs both)");
        }
        for (var f : new java.nio.file.Path[] {o.tlsCa, o.tlsCert, o.tlsKey}) {
            if (f != null && !Files.isReadable(f)) {
                throw new CliException(ExitCode.UNAVAILABLE, "cannot read TLS file " + f);
            }
        }
        try {
            SslContextBuilder b = GrpcSslContexts.forClient();
            if (o.tlsCa != null) {
                b.trustManager(o.tlsCa.toFile());
            }
            if (o.tlsCert != null) {
                b.keyManager(o.tlsCert.toFile(), o.tlsKey.toFile());
            }
            return b.build();
        } catch (Exception e) {
            // Netty reports a bad PEM file with an exception whose message names the problem.
            throw new CliException(ExitCode.UNAVAILABLE, "cannot set up TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        for (ManagedChannel ch : channels.values()) {
            ch.shutdownNow();
        }
        for (ManagedChannel ch : channels.values()) {
            try {
                ch.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

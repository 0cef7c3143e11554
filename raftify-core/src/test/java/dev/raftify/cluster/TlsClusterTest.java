package dev.raftify.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.raftify.Config;
import dev.raftify.TlsConfig;
import dev.raftify.proto.service.GetStatusArgs;
import dev.raftify.proto.service.NodeStatus;
import dev.raftify.proto.service.RaftServiceGrpc;
import dev.raftify.transport.Channels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS between nodes and for admin clients: certificates are generated here, never committed. */
class TlsClusterTest {
    @TempDir
    Path dir;

    LocalCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aMutualTlsClusterReplicatesAndRefusesClientsWithoutAValidCertificate() throws Exception {
        TestCertificates.Set certs = TestCertificates.create(dir.resolve("pki"), "raftify");
        TlsConfig tls = TlsConfig.of(certs.cert(), certs.key(), certs.caCert(), true);
        Config config = LocalCluster.fastConfig().toBuilder().tls(tls).build();
        cluster = new LocalCluster(dir.resolve("data"), config).startStatic(3);
        long leader = cluster.awaitLeader();
        cluster.node(leader).propose(KvStateMachine.put("secure", "yes")).get(5, TimeUnit.SECONDS);
        assertThat(cluster.machines.get(leader).map).containsEntry("secure", "yes");

        String addr = cluster.addresses.get(leader);
        // A client with the cluster's CA and a certificate it signed is served.
        ManagedChannel good = Channels.open(addr, config.clusterId(), tls, 1 << 20);
        try {
            NodeStatus s = RaftServiceGrpc.newBlockingStub(good).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .getStatus(GetStatusArgs.getDefaultInstance());
            assertThat(s.getNodeId()).isEqualTo(leader);
        } finally {
            good.shutdownNow();
        }
        // A client that trusts the CA but presents no certificate is refused by mutual TLS.
        ManagedChannel noCert = Channels.open(addr, config.clusterId(),
                new TlsConfig(null, null, certs.caCert(), false), 1 << 20);
        // A client with a certificate from another CA is refused too.
        TestCertificates.Set rogue = TestCertificates.create(dir.resolve("rogue"), "rogue");
        ManagedChannel wrongCa = Channels.open(addr, config.clusterId(),
                TlsConfig.of(rogue.cert(), rogue.key(), certs.caCert(), false), 1 << 20);
        // A plaintext client cannot talk to a TLS node at all.
        ManagedChannel plain = Channels.open(addr, config.clusterId(), null, 1 << 20);
        try {
            for (ManagedChannel ch : new ManagedChannel[] {noCert, wrongCa, plain}) {
                assertThatThrownBy(() -> RaftServiceGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .getStatus(GetStatusArgs.getDefaultInstance()))
                        .isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            }
        } finally {
            noCert.shutdownNow();
            wrongCa.shutdownNow();
            plain.shutdownNow();
        }
    }
}

package dev.raftify.cli.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.cli.support.Cli;
import dev.raftify.cli.support.FakeCluster;
import dev.raftify.cli.support.FakeNode;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import org.junit.jupiter.api.Test;

/** Unreachable, timeout, another cluster, TLS: one line, the right exit code, and TLS that works. */
class LiveErrorsTest {

    private static String tls(String name) {
        return FakeNode.tlsFile(name).getPath();
    }

    @Test
    void unreachableAddress() {
        FakeNode gone = FakeNode.start("raftify");
        gone.stop();
        Cli.Result r = Cli.run("describe", "node", gone.address());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("raftify-cli: cannot reach node at " + gone.address() + ": ")
                .contains("Connection refused").hasLineCount(1);
    }

    @Test
    void timeout() {
        try (FakeCluster c = new FakeCluster(1)) {
            c.node(1).setSilent(true);
            Cli.Result r = Cli.run("describe", "node", c.node(1).address(), "--timeout", "200ms");
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("raftify-cli: node at " + c.node(1).address()
                    + " did not answer GetStatus within 200ms\n");
        }
    }

    @Test
    void nodeOfAnotherCluster() {
        try (FakeCluster c = new FakeCluster(1)) {
            Cli.Result r = Cli.run("describe", "node", c.node(1).address(), "--cluster-id", "prod-eu");
            assertThat(r.exitCode()).isEqualTo(4);
            assertThat(r.err()).isEqualTo("raftify-cli: node at " + c.node(1).address() + " refused cluster id "
                    + "'prod-eu' (a node of another cluster?): this node belongs to cluster 'raftify', the call is for "
                    + "cluster 'prod-eu'\n");
            assertThat(c.node(1).clusterIdsSeen).containsExactly("prod-eu");
        }
    }

    @Test
    void badAddressIsAUsageError() {
        Cli.Result r = Cli.run("cluster", "status", "localhost");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("raftify-cli: invalid address: 'localhost' is not host:port\n"
                + "Try 'raftify-cli cluster status --help' for more information.\n");
    }

    @Test
    void tlsWithMutualAuthentication() {
        try (FakeNode node = FakeNode.startTls(ClientAuth.REQUIRE)) {
            node.setStatus(node.status().toBuilder().setNodeId(1).setAddress(node.address()).build());
            Cli.Result ok = Cli.run("describe", "node", node.address(), "-o", "json", "--tls-ca", tls("ca.pem"),
                    "--tls-cert", tls("client.pem"), "--tls-key", tls("client.key"));
            assertThat(ok.exitCode()).as(ok.toString()).isZero();
            assertThat(ok.out()).contains("\"id\": 1");

            Cli.Result wrongCa = Cli.run("describe", "node", node.address(), "--tls-ca", tls("other-ca.pem"),
                    "--tls-cert", tls("client.pem"), "--tls-key", tls("client.key"));
            assertThat(wrongCa.exitCode()).isEqualTo(2);
            assertThat(wrongCa.err()).startsWith("raftify-cli: TLS failure with " + node.address() + ": ")
                    .hasLineCount(1);

            Cli.Result plaintext = Cli.run("describe", "node", node.address(), "--timeout", "2s");
            assertThat(plaintext.exitCode()).isEqualTo(2);
            assertThat(plaintext.err()).startsWith("raftify-cli: cannot reach node at " + node.address())
                    .hasLineCount(1);
        }
    }

    @Test
    void tlsAgainstAPlaintextNode() {
        try (FakeCluster c = new FakeCluster(1)) {
            Cli.Result r = Cli.run("describe", "node", c.node(1).address(), "--tls-ca", tls("ca.pem"));
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).startsWith("raftify-cli: TLS failure with " + c.node(1).address() + ": ")
                    .hasLineCount(1);
        }
    }

    @Test
    void unreadableTlsFile() {
        Cli.Result r = Cli.run("describe", "node", "127.0.0.1:1", "--tls-ca", "/nonexistent/ca.pem");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("raftify-cli: cannot read TLS file /nonexistent/ca.pem\n");
    }
}

package dev.raftify.bench.cluster;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcRequests.ErrorResponse;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.google.protobuf.BytesValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A SOFAJRaft member with its durable defaults: the RocksDB log storage, {@code RaftOptions.sync} left on (the log
 * is fsynced per batch before it is acknowledged), no snapshot URI (so no snapshots). The only settings: the data
 * directories, the group, and an election timeout of 1,000 ms like Raftify's (JRaft's default is 1,000 ms too, and
 * it randomizes each timeout up to {@code maxElectionDelayMs}, 1,000 ms more). Writes arrive on JRaft's own RPC
 * server (bolt) at a processor that hands them to {@link Node#apply} and replies once they are applied.
 */
final class JRaftMember implements Member {
    static final int ELECTION_TIMEOUT_MS = 1000;
    /** Added to JRaft member JVMs only, after the flags all members share (see JRaftRpc.PRE22_GENCODE_PROPERTY). */
    static final List<String> JVM_FLAGS = List.of("-D" + JRaftRpc.PRE22_GENCODE_PROPERTY + "=true");

    private final RaftGroupService service;
    private final Node node;

    JRaftMember(int id, Path dir, List<Integer> ports) throws IOException {
        JRaftRpc.registerWriteSerializer();
        Files.createDirectories(dir);
        PeerId self = JRaftRpc.peer(id, ports);
        NodeOptions options = new NodeOptions();
        options.setElectionTimeoutMs(ELECTION_TIMEOUT_MS);
        options.setInitialConf(JRaftRpc.conf(ports));
        options.setFsm(new JRaftKv());
        options.setLogUri(dir.resolve("log").toString());
        options.setRaftMetaUri(dir.resolve("meta").toString());
        RpcServer rpcServer = RaftRpcServerFactory.createRaftRpcServer(self.getEndpoint());
        WriteProcessor writes = new WriteProcessor();
        rpcServer.registerProcessor(writes);
        service = new RaftGroupService(JRaftRpc.GROUP, self, options, rpcServer);
        node = service.start();
        if (node == null) {
            throw new IOException("JRaft node " + self + " did not start");
        }
        writes.node = node;
    }

    /** The jraft-core version on the class path, from the Maven metadata the jar carries. */
    static String version() {
        try (InputStream in = Node.class.getResourceAsStream(
                "/META-INF/maven/com.alipay.sofa/jraft-core/pom.properties")) {
            if (in == null) {
                return "(unknown version)";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "(unknown version)");
        } catch (IOException e) {
            return "(unknown version)";
        }
    }

    @Override
    public boolean isLeader() {
        return node.isLeader();
    }

    @Override
    public void close() {
        service.shutdown();
        try {
            service.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class WriteProcessor implements RpcProcessor<BytesValue> {
        private static final ErrorResponse APPLIED = ErrorResponse.newBuilder().setErrorCode(0).build();
        // Requests run on the connection's I/O thread: apply() only enqueues (it fails fast with EBUSY when its
        // queue is full rather than block), so a hand-off to a pool would only add a thread switch per write,
        // which Raftify's gRPC server (direct executor) does not pay either.
        private static final Executor DIRECT = Runnable::run;

        // Set once the node has started, before the server can see a write: the server starts with the node.
        volatile Node node;

        @Override
        public void handleRequest(RpcContext ctx, BytesValue request) {
            Node n = node;
            // A copy of the command, as Raftify's Propose handler makes one.
            Task task = new Task(ByteBuffer.wrap(request.getValue().toByteArray()), status -> {
                if (status.isOk()) {
                    ctx.sendResponse(APPLIED);
                    return;
                }
                ErrorResponse.Builder r = ErrorResponse.newBuilder().setErrorCode(status.getCode());
                if (status.getCode() == RaftError.EPERM.getNumber()) {
                    // Not the leader: the message is the leader's address, or empty while there is none.
                    PeerId leader = n.getLeaderId();
                    if (leader != null && !leader.isEmpty()) {
                        r.setErrorMsg(leader.getEndpoint().toString());
                    }
                } else if (status.getErrorMsg() != null) {
                    r.setErrorMsg(status.getErrorMsg());
                }
                ctx.sendResponse(r.build());
            });
            n.apply(task);
        }

        @Override
        public String interest() {
            return BytesValue.class.getName();
        }

        @Override
        public Executor executor() {
            return DIRECT;
        }
    }
}

package dev.raftify.bench.cluster;

import com.alipay.sofa.jraft.JRaftUtils;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.option.CliOptions;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcRequests.ErrorResponse;
import com.alipay.sofa.jraft.rpc.impl.cli.CliClientServiceImpl;
import com.alipay.sofa.jraft.util.Endpoint;
import com.google.protobuf.BytesValue;
import com.google.protobuf.UnsafeByteOperations;
import java.util.List;

/**
 * Writes through SOFAJRaft's own RPC client (bolt, one connection to the leader), asynchronously: each write is an
 * {@code invokeAsync} whose callback completes it, so many are in flight at once. Told the leader at the start; a
 * member that no longer leads answers {@code EPERM} with the leader's address, and the next writes go there (the
 * load retries the failed one), as Raftify's followers forward and Ratis's client follows.
 */
final class JRaftWriteClient implements WriteClient {
    /** Longer than any write should take; a write that times out counts as an error and is retried. */
    private static final long TIMEOUT_MS = 30_000;

    private final CliClientServiceImpl service = new CliClientServiceImpl();
    private final RpcClient rpc;
    private volatile Endpoint leader;

    JRaftWriteClient(List<Integer> ports, int leaderId) {
        // The driver parses one JRaft reply per write; its members get the same switch on their command line.
        System.setProperty(JRaftRpc.PRE22_GENCODE_PROPERTY, "true");
        JRaftRpc.registerWriteSerializer();
        if (!service.init(new CliOptions())) {
            throw new IllegalStateException("JRaft client did not start");
        }
        rpc = service.getRpcClient();
        leader = JRaftRpc.peer(leaderId, ports).getEndpoint();
    }

    @Override
    public void write(byte[] command, Done done) {
        BytesValue request = BytesValue.newBuilder().setValue(UnsafeByteOperations.unsafeWrap(command)).build();
        try {
            rpc.invokeAsync(leader, request, (result, error) -> {
                if (error == null && result instanceof ErrorResponse r && r.getErrorCode() == 0) {
                    done.done(true);
                    return;
                }
                if (result instanceof ErrorResponse r && r.getErrorCode() == RaftError.EPERM.getNumber()
                        && !r.getErrorMsg().isEmpty()) {
                    leader = JRaftUtils.getEndPoint(r.getErrorMsg());
                }
                done.done(false);
            }, TIMEOUT_MS);
        } catch (Exception e) {
            // Not sent (no connection, or interrupted): the load retries it.
            done.done(false);
        }
    }

    @Override
    public void close() {
        service.shutdown();
    }
}

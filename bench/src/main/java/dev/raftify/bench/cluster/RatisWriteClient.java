package dev.raftify.bench.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

/**
 * Writes through Ratis's asynchronous client (gRPC), told which member leads. Its only non-default setting
 * lifts the cap on outstanding requests (100 by default) above the benchmark's largest concurrency, which would
 * otherwise queue inside the client.
 */
final class RatisWriteClient implements WriteClient {
    private final RaftClient client;

    RatisWriteClient(List<Integer> ports, int leaderId, int maxInFlight) {
        RaftProperties props = new RaftProperties();
        RaftClientConfigKeys.Async.setOutstandingRequestsMax(props, Math.max(100, 2 * maxInFlight));
        client = RaftClient.newBuilder()
                .setProperties(props)
                .setRaftGroup(RatisMember.group(ports))
                .setLeaderId(RatisMember.peerId(leaderId))
                .build();
    }

    @Override
    public void write(byte[] command, Done done) {
        client.async().send(Message.valueOf(UnsafeByteOperations.unsafeWrap(command)))
                .whenComplete((reply, error) -> done.done(error == null && reply.isSuccess()));
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

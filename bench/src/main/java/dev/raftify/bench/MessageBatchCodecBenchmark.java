package dev.raftify.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.eraftpb.MessageType;
import dev.raftify.proto.service.EntryContext;
import dev.raftify.proto.service.MessageBatch;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Protobuf cost of the peer stream: one {@code MessageBatch} as a {@code PeerSender} writes it, holding one
 * {@code MsgAppend} with {@code entries} entries of 1 KB (with their request contexts) and a heartbeat. Measures
 * building the batch from ready messages and encoding it (what the sender pays per batch), and decoding it
 * (what the receiving node pays). Scores are batches per second; entries per second is that times
 * {@code entries}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MessageBatchCodecBenchmark {

    @Param({"1", "32", "256"})
    public int entries;

    private Message append;
    private Message heartbeat;
    private byte[] encoded;
    private byte[] buffer;

    @Setup
    public void messages() {
        byte[] data = new byte[1024];
        new Random(1).nextBytes(data);
        ByteString payload = ByteString.copyFrom(data);
        Message.Builder m = Message.newBuilder().setMsgType(MessageType.MsgAppend).setFrom(1).setTo(2).setTerm(3)
                .setLogTerm(3).setIndex(1000).setCommit(999);
        for (int i = 0; i < entries; i++) {
            m.addEntries(Entry.newBuilder().setTerm(3).setIndex(1001 + i).setData(payload)
                    .setContext(EntryContext.newBuilder().setOriginNode(1).setRequestId(5000 + i).build()
                            .toByteString()));
        }
        append = m.build();
        heartbeat = Message.newBuilder().setMsgType(MessageType.MsgHeartbeat).setFrom(1).setTo(2).setTerm(3)
                .setCommit(999).build();
        encoded = batch().toByteArray();
        buffer = new byte[encoded.length];
    }

    private MessageBatch batch() {
        return MessageBatch.newBuilder().setSenderId(1).addMessages(append).addMessages(heartbeat).build();
    }

    /** Building the batch and serializing it into a reused buffer, as gRPC's marshaller does into its own. */
    @Benchmark
    public int buildAndEncode() throws IOException {
        MessageBatch b = batch();
        CodedOutputStream out = CodedOutputStream.newInstance(buffer);
        b.writeTo(out);
        return out.getTotalBytesWritten();
    }

    @Benchmark
    public int decode() throws InvalidProtocolBufferException {
        return MessageBatch.parseFrom(encoded).getMessages(0).getEntriesCount();
    }
}

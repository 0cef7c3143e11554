package dev.raftify.bench;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.Message;
import dev.raftify.proto.service.EntryContext;
import dev.raftify.raft.RaftConfig;
import dev.raftify.raft.RawNode;
import dev.raftify.raft.Ready;
import dev.raftify.raft.StateRole;
import dev.raftify.storage.MemStorage;
import dev.raftify.storage.WriteBatch;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The consensus core's cost per proposal, without I/O: three {@link RawNode}s on in-memory storage, one thread,
 * messages handed over directly. One operation proposes {@code batch} 1 KB commands on the leader, as the runtime
 * does (one {@code propose} per command, each with its request context), then drives every Ready until all
 * three have committed and applied them: the leader's and the followers' step, Ready, persist (in memory) and
 * advance. The score is batches per second ({@link BenchMain} prints proposals per second, that times
 * {@code batch}) of one core spent entirely in the consensus logic, for all three nodes: what the core alone
 * would allow, before any disk, network or thread hand-off.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CoreStepBenchmark {
    static final int MAX_BATCH = 256;

    @Param({"1", "32", "256"})
    public int batch;

    private RawNode[] nodes;
    private MemStorage[] stores;
    private final ArrayDeque<Message> network = new ArrayDeque<>();
    private ByteString payload;
    private long requestId;

    @Setup(Level.Iteration)
    public void cluster() {
        nodes = new RawNode[3];
        stores = new MemStorage[3];
        Random seeds = new Random(7);
        for (int i = 0; i < 3; i++) {
            stores[i] = MemStorage.withVoters(1, 2, 3);
            nodes[i] = new RawNode(RaftConfig.builder(i + 1).electionTick(10).heartbeatTick(3).build(), stores[i],
                    new Random(seeds.nextLong()));
        }
        nodes[0].campaign();
        settle();
        if (nodes[0].role() != StateRole.LEADER) {
            throw new IllegalStateException("node 1 did not win the election");
        }
        byte[] data = new byte[1024];
        new Random(1).nextBytes(data);
        payload = ByteString.copyFrom(data);
    }

    @Benchmark
    public long proposeAndCommit() {
        RawNode leader = nodes[0];
        for (int i = 0; i < batch; i++) {
            ByteString ctx = EntryContext.newBuilder().setOriginNode(1).setRequestId(++requestId).build()
                    .toByteString();
            leader.propose(ctx, payload);
        }
        settle();
        compactNow();
        return leader.committedIndex();
    }

    /** Drives every node's Readys and delivers every message until nothing is left to do. */
    private void settle() {
        boolean busy = true;
        while (busy) {
            busy = false;
            for (int i = 0; i < nodes.length; i++) {
                RawNode n = nodes[i];
                while (n.hasReady()) {
                    busy = true;
                    Ready rd = n.ready();
                    network.addAll(rd.messages());
                    stores[i].write(new WriteBatch(rd.snapshot(), rd.entries(), rd.hardState(), null));
                    network.addAll(rd.persistedMessages());
                    n.advance(rd);
                }
            }
            Message m;
            while ((m = network.poll()) != null) {
                busy = true;
                nodes[(int) m.getTo() - 1].step(m);
            }
        }
    }

    /** Keeps the in-memory logs short, as snapshots keep a running node's: memory stays flat across iterations. */
    private void compactNow() {
        long commit = nodes[0].committedIndex();
        if (commit % 4096 < batch && commit > 2 * MAX_BATCH) {
            for (MemStorage s : stores) {
                s.compact(commit - MAX_BATCH);
            }
        }
    }
}

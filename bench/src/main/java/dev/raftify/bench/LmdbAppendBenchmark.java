package dev.raftify.bench;

import com.google.protobuf.ByteString;
import dev.raftify.proto.eraftpb.ConfState;
import dev.raftify.proto.eraftpb.Entry;
import dev.raftify.proto.eraftpb.HardState;
import dev.raftify.storage.WriteBatch;
import dev.raftify.storage.lmdb.LmdbStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * One durable {@link LmdbStorage#write(WriteBatch)} per operation, as the runtime does per Ready: {@code batchSize}
 * entries of 1 KB plus the hard state, one transaction, one commit (default sync: on disk when it returns). The
 * score is Readys per second; entries per second is that times {@code batchSize} ({@link BenchMain} prints both).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LmdbAppendBenchmark {

    @Param({"1", "16", "64", "256"})
    public int batchSize;

    private Path dir;
    private LmdbStorage store;
    private ByteString payload;
    private long next;

    @Setup(Level.Trial)
    public void open() {
        dir = BenchDirectory.create("raftify-bench-lmdb-");
        store = LmdbStorage.open(dir.resolve("store"));
        byte[] data = new byte[1024];
        new Random(1).nextBytes(data);
        payload = ByteString.copyFrom(data);
        next = 1;
    }

    @Benchmark
    public long appendOneReady() {
        List<Entry> entries = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            entries.add(Entry.newBuilder().setIndex(next + i).setTerm(1).setData(payload).build());
        }
        next += batchSize;
        store.write(new WriteBatch(null, entries, HardState.newBuilder().setTerm(1).setCommit(next - 1).build(),
                null));
        return next;
    }

    /** Between iterations (not measured): snapshot and compact, so the store stays small, as a running node's does. */
    @TearDown(Level.Iteration)
    public void compact() {
        if (next > 1) {
            store.createSnapshot(next - 1, ConfState.newBuilder().addVoters(1).build(), ByteString.EMPTY);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        BenchDirectory.delete(dir);
    }
}

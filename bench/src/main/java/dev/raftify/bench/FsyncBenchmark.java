package dev.raftify.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The physical limit next to which the LMDB figures are read: rewriting one 4 KB block of a file and waiting until
 * it is on disk. {@code fsync} is {@code force(true)}; {@code fdatasync} is {@code force(false)}, what LMDB itself
 * calls (twice per commit: data pages, then the meta page).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FsyncBenchmark {

    private Path dir;
    private FileChannel channel;
    private final ByteBuffer block = ByteBuffer.allocateDirect(4096);

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = BenchDirectory.create("raftify-bench-fsync-");
        channel = FileChannel.open(dir.resolve("block"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        writeBlock(0);
        channel.force(true);
    }

    private void writeBlock(long stamp) throws IOException {
        block.clear();
        block.putLong(0, stamp);
        channel.write(block, 0);
    }

    @Benchmark
    public void write4kAndFsync() throws IOException {
        writeBlock(System.nanoTime());
        channel.force(true);
    }

    @Benchmark
    public void write4kAndFdatasync() throws IOException {
        writeBlock(System.nanoTime());
        channel.force(false);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        channel.close();
        BenchDirectory.delete(dir);
    }
}

package dev.raftify.bench.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The disk's flush latency where the members keep their logs: rewrite one 4 KB block and wait until it is on
 * disk, a few hundred times; the median bounds how fast one sequential client can commit (a durable write
 * needs at least one flush on the leader and one on a follower).
 */
final class FsyncProbe {
    private FsyncProbe() {}

    /** Median and 99th percentile in milliseconds. */
    record Latency(double median, double p99) {}

    static Latency measure(Path dir, int samples, boolean metadata) throws IOException {
        Path file = Files.createTempFile(dir, "fsync-probe-", ".bin");
        long[] nanos = new long[samples];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocateDirect(4096);
            for (int i = 0; i < samples; i++) {
                block.clear();
                block.putInt(0, i);
                long start = System.nanoTime();
                ch.write(block, 0);
                ch.force(metadata);
                nanos[i] = System.nanoTime() - start;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        Arrays.sort(nanos);
        return new Latency(nanos[samples / 2] / 1e6, nanos[Math.min(samples - 1, samples * 99 / 100)] / 1e6);
    }
}

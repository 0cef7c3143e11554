package dev.raftify.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory-flat promise, proven on a JVM whose whole heap (64 MiB) is half the snapshot (128 MiB): the snapshot is
 * taken, stored, sent through gRPC in chunks, received, stored and restored ({@link SnapshotMemoryChild}). Holding it
 * whole anywhere, even once, would end the child with an OutOfMemoryError.
 */
class SnapshotMemoryTest {
    private static final long HEAP = 64L << 20;
    private static final long BULK = 128L << 20;

    @TempDir
    Path dir;

    @Test
    void aSnapshotTwiceTheHeapMovesEndToEnd() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-Xmx" + (HEAP >> 20) + "m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), SnapshotMemoryChild.class.getName(),
                dir.toString(), Long.toString(BULK));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        Thread pump = new Thread(() -> copy(child.getInputStream(), output), "memory-child-output");
        pump.start();
        boolean exited = child.waitFor(4, TimeUnit.MINUTES);
        if (!exited) {
            child.destroyForcibly().waitFor();
        }
        pump.join(10_000);
        String out;
        synchronized (output) {
            out = output.toString();
        }
        assertThat(exited).as("the child finished in time; it printed:%n%s", out).isTrue();
        assertThat(child.exitValue()).as("the child's exit code; it printed:%n%s", out).isZero();
        assertThat(out).contains("RESTORED " + BULK + " heap ");
        long heap = Long.parseLong(out.substring(out.indexOf(" heap ") + 6).trim().split("\\s")[0]);
        assertThat(heap).as("the child's heap is smaller than the snapshot").isLessThan(BULK);
    }

    private static void copy(InputStream in, StringBuilder into) {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (into) {
                    into.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            // The child is gone; what it printed is in the buffer.
        }
    }
}

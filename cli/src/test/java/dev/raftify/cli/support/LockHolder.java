package dev.raftify.cli.support;

import dev.raftify.storage.lmdb.LmdbStorage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a running node in another process: holds a store open read-write (so its lock) until its standard
 * input closes. Started with {@link #start}.
 */
public final class LockHolder implements AutoCloseable {
    private final Process process;

    private LockHolder(Process process) {
        this.process = process;
    }

    public static void main(String[] args) throws IOException {
        try (LmdbStorage s = LmdbStorage.open(Path.of(args[0]))) {
            System.out.println("ready " + ProcessHandle.current().pid());
            System.out.flush();
            while (System.in.read() >= 0) {
                // Hold until the parent closes our stdin.
            }
        }
    }

    /** Starts the holder and returns once it holds the lock. */
    public static LockHolder start(Path dir) throws IOException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
        if (line == null || !line.startsWith("ready")) {
            p.destroyForcibly();
            throw new IllegalStateException("lock holder did not start: " + line);
        }
        return new LockHolder(p);
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

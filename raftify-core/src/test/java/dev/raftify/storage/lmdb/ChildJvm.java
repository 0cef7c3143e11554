package dev.raftify.storage.lmdb;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A second JVM running {@link StoreChild}, for what one process cannot test on itself: exclusive locking, a reader
 * beside a writer, SIGKILL. Collects the child's stdout; only complete lines count, so a line cut by a kill is
 * never mistaken for a report.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Thread pump;

    private ChildJvm(Process process) {
        this.process = process;
        this.pump = new Thread(() -> copy(process.getInputStream()), "child-stdout-" + process.pid());
        this.pump.setDaemon(true);
        this.pump.start();
    }

    /** Starts {@code StoreChild} with {@code args}, optionally wrapped in a command prefix (e.g. {@code unshare}). */
    static ChildJvm start(List<String> prefix, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                // Start fast: the crash test starts dozens of these on a 2-core machine.
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx96m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), StoreChild.class.getName()));
        cmd.addAll(List.of(args));
        try {
            return new ChildJvm(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ChildJvm start(String... args) {
        return start(List.of(), args);
    }

    long pid() {
        return process.pid();
    }

    private void copy(InputStream in) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // The child died; what was read so far is what it reported.
        }
    }

    /** The complete lines printed so far. */
    List<String> lines() {
        String text;
        synchronized (out) {
            text = out.toString(UTF_8);
        }
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
    }

    /** Waits until some complete line matches, failing after {@code timeout} or if the child exits first. */
    void awaitLine(Predicate<String> matching, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(5))
                .until(() -> lines().stream().anyMatch(matching) || !process.isAlive());
        if (!process.isAlive()) {
            drain();
        }
        if (lines().stream().noneMatch(matching)) {
            throw new AssertionError("child exited with " + process.exitValue() + " before printing the expected "
                    + "line; it printed: " + lines());
        }
    }

    /** SIGKILL on Linux: no shutdown hook, no finally, no close. Then waits for its output to end. */
    void kill() {
        process.destroyForcibly();
        drain();
    }

    /** Waits for the child to exit by itself. */
    int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError("child did not exit within " + timeout + "; it printed: " + lines());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        drain();
        return process.exitValue();
    }

    private void drain() {
        try {
            process.waitFor();
            pump.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}

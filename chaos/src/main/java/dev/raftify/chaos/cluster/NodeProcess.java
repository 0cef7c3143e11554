package dev.raftify.chaos.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One memstore node process in a fixed slot (addresses and log file stay with the slot; a node removed and added
 * back as a new member gets a new data directory and id in the same slot).
 */
public final class NodeProcess {
    public final int slot;
    public final String raftAddr;
    public final String webAddr;
    private final Path launcher;
    private final Path logFile;
    private final List<String> jvmOptions;
    private Path dataDir;
    private Process process;
    private volatile long nodeId;
    private volatile boolean paused;

    NodeProcess(int slot, String raftAddr, String webAddr, Path launcher, Path dataDir, Path logFile,
            List<String> jvmOptions) {
        this.slot = slot;
        this.raftAddr = raftAddr;
        this.webAddr = webAddr;
        this.launcher = launcher;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.jvmOptions = jvmOptions;
    }

    /** Starts the process with these memstore arguments after the slot's addresses and data directory. */
    synchronized void start(List<String> args) throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("slot " + slot + " is already running");
        }
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "--raft-addr", raftAddr, "--web-addr",
                webAddr, "--data-dir", dataDir.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().put("RAFTIFY_NO_BUILD", "1");
        pb.environment().put("RAFTIFY_MEMSTORE_JAVA_OPTS", String.join(" ", jvmOptions));
        Files.writeString(logFile, "=== start " + String.join(" ", cmd) + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        process = pb.start();
        paused = false;
    }

    public synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    public boolean paused() {
        return paused;
    }

    /** kill -9: no shutdown hook, no flush beyond what the node made durable itself. */
    synchronized void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        if (paused) {
            signal("CONT"); // a stopped process dies on SIGKILL too, but keep the bookkeeping simple
        }
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        paused = false;
    }

    /** SIGSTOP: the process freezes, its sockets stay open (peers see silence, not a refused connection). */
    synchronized void pause() throws IOException, InterruptedException {
        if (alive() && !paused) {
            signal("STOP");
            paused = true;
        }
    }

    synchronized void resume() throws IOException, InterruptedException {
        if (alive() && paused) {
            signal("CONT");
            paused = false;
        }
    }

    /** Waits for the process to exit by itself (after leaving the cluster). */
    synchronized boolean awaitExit(long seconds) throws InterruptedException {
        return process == null || process.waitFor(seconds, TimeUnit.SECONDS);
    }

    private void signal(String sig) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true)
                    .start();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new IllegalStateException("cannot send SIG" + sig + " to slot " + slot + ": " + e.getMessage(), e);
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    void dataDir(Path dir) {
        this.dataDir = dir;
    }

    public long nodeId() {
        return nodeId;
    }

    void nodeId(long id) {
        this.nodeId = id;
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }
}

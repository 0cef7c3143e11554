package dev.raftify.examples.memstore;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A memstore node running as its own process, started through the {@code ./raftify-memstore} launcher. */
final class NodeProcess {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** Every process any test started: killed when the test JVM exits, whatever happened to the test. */
    private static final List<Process> ALL = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALL.forEach(Process::destroyForcibly)));
    }

    final String raftAddr;
    final String webAddr;
    final Path dataDir;
    final Path log;
    private Process process;

    NodeProcess(String raftAddr, String webAddr, Path dataDir, Path log) {
        this.raftAddr = raftAddr;
        this.webAddr = webAddr;
        this.dataDir = dataDir;
        this.log = log;
    }

    /** Starts the node with these extra arguments (--id, --peers, --join...); output is appended to the log. */
    NodeProcess start(String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(RepoRoot.find().resolve("raftify-memstore").toString(),
                "--raft-addr", raftAddr, "--web-addr", webAddr, "--data-dir", dataDir.toString()));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The jar was built by the running Maven build (or by hand): never start a nested build from a test.
        pb.environment().put("RAFTIFY_NO_BUILD", "1");
        process = pb.start();
        ALL.add(process);
        return this;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the node gets no chance to say goodbye. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM (a graceful shutdown), SIGKILL if it has not exited within 20 s. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    int exitValue() {
        return process.exitValue();
    }

    HttpResponse<String> call(String method, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + webAddr + path))
                .timeout(Duration.ofSeconds(15)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The leader this node reports, or 0 when it knows none or cannot be reached. */
    long leader() {
        try {
            HttpResponse<String> r = call("GET", "/leader");
            return r.statusCode() == 200 ? Long.parseLong(r.body().trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** A stale read of this node's local copy, or null if absent or unreachable. */
    String staleGet(long key) {
        try {
            HttpResponse<String> r = call("GET", "/store/" + key + "?consistency=stale");
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    String tailOfLog() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    void awaitServing() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!isAlive()) {
                throw new IllegalStateException("node at " + webAddr + " exited with " + exitValue() + ":\n"
                        + tailOfLog());
            }
            try {
                call("GET", "/leader");
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }
}

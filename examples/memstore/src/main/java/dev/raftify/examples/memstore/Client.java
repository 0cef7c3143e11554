package dev.raftify.examples.memstore;

import com.google.protobuf.util.JsonFormat;
import dev.raftify.proto.service.NodeStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A small command-line client for memstore's HTTP API, so that {@code ./demo} (and anyone without curl) can talk
 * to a cluster: {@code java -cp raftify-memstore.jar dev.raftify.examples.memstore.Client put --node
 * 127.0.0.1:8001 1 hello}. It can also wait: for a leader, or for a node to hold given values.
 */
@Command(name = "memstore-client", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Talk to memstore nodes over HTTP.",
        subcommands = {Client.Put.class, Client.Get.class, Client.AwaitLeader.class, Client.AwaitValues.class,
                Client.Status.class})
public final class Client implements Runnable {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Client()).execute(args));
    }

    /** One response, with how long it took. */
    record Response(int status, String body, long micros) {}

    static Response send(String method, String node, String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + node + path))
                .timeout(REQUEST_TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(r.statusCode(), r.body(), (System.nanoTime() - t0) / 1000);
    }

    /** Percent-encodes a path segment: everything but RFC 3986's unreserved characters. */
    static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    static String millis(long micros) {
        return String.format("%.1f ms", micros / 1000.0);
    }

    static Duration parseDuration(String s) {
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        if (s.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
        }
        throw new CommandLine.TypeConversionException("expected a duration like 500ms or 30s, got '" + s + "'");
    }

    /** The leader a node reports, or 0 if it reports none or cannot be reached. */
    static long leaderOf(String node) throws InterruptedException {
        try {
            Response r = send("GET", node, "/leader");
            return r.status() == 200 ? Long.parseLong(r.body().trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @Command(name = "put", description = "Write KEY VALUE pairs (through any node; followers forward).")
    static final class Put implements Callable<Integer> {
        @Option(names = "--node", required = true, paramLabel = "HOST:PORT") String node;
        @Parameters(arity = "2..*", paramLabel = "KEY VALUE") List<String> pairs;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (pairs.size() % 2 != 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give KEY VALUE pairs");
            }
            PrintWriter out = spec.commandLine().getOut();
            int failures = 0;
            for (int i = 0; i < pairs.size(); i += 2) {
                String path = "/store/" + encode(pairs.get(i)) + "/" + encode(pairs.get(i + 1));
                Response r = send("PUT", node, path);
                out.printf("PUT %-28s -> %d %s  (%s)%n", path, r.status(), r.body().trim(), millis(r.micros()));
                failures += r.status() == 200 ? 0 : 1;
            }
            out.flush();
            return failures == 0 ? 0 : 1;
        }
    }

    @Command(name = "get", description = "Read KEYs (linearizable unless --stale).")
    static final class Get implements Callable<Integer> {
        @Option(names = "--node", required = true, paramLabel = "HOST:PORT") String node;
        @Option(names = "--stale", description = "Read this node's local copy (no ReadIndex round).") boolean stale;
        @Parameters(arity = "1..*", paramLabel = "KEY") List<String> keys;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            int failures = 0;
            for (String k : keys) {
                String path = "/store/" + encode(k) + (stale ? "?consistency=stale" : "");
                Response r = send("GET", node, path);
                out.printf("GET %-28s -> %d %s  (%s)%n", path, r.status(), r.body().trim(), millis(r.micros()));
                failures += r.status() == 200 ? 0 : 1;
            }
            out.flush();
            return failures == 0 ? 0 : 1;
        }
    }

    @Command(name = "await-leader",
            description = "Wait until every given node reports the same leader (not --exclude); print its id.")
    static final class AwaitLeader implements Callable<Integer> {
        @Option(names = "--nodes", required = true, split = ",", paramLabel = "HOST:PORT[,...]") List<String> nodes;
        @Option(names = "--exclude", paramLabel = "ID", description = "A leader id that does not count (a dead one).")
        long exclude;
        @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION") String timeout;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            long deadline = System.nanoTime() + parseDuration(timeout).toNanos();
            while (true) {
                long agreed = -1;
                for (String n : nodes) {
                    long l = leaderOf(n);
                    agreed = (agreed == -1 || agreed == l) ? l : 0;
                }
                if (agreed > 0 && agreed != exclude) {
                    spec.commandLine().getOut().println(agreed);
                    spec.commandLine().getOut().flush();
                    return 0;
                }
                if (System.nanoTime() > deadline) {
                    spec.commandLine().getErr().println("no agreed leader among " + nodes + " within " + timeout);
                    return 1;
                }
                // Polling a local HTTP endpoint: a short pause keeps it cheap without delaying the demo.
                Thread.sleep(100);
            }
        }
    }

    @Command(name = "await-values",
            description = "Wait until a node's local copy holds every KEY=VALUE (stale reads), then print them.")
    static final class AwaitValues implements Callable<Integer> {
        @Option(names = "--node", required = true, paramLabel = "HOST:PORT") String node;
        @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION") String timeout;
        @Parameters(arity = "1..*", paramLabel = "KEY=VALUE") List<String> expected;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Map<String, String> want = new LinkedHashMap<>();
            for (String kv : expected) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "expected KEY=VALUE, got " + kv);
                }
                want.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            long deadline = System.nanoTime() + parseDuration(timeout).toNanos();
            List<String> lines = new ArrayList<>();
            while (true) {
                lines.clear();
                boolean all = true;
                for (Map.Entry<String, String> e : want.entrySet()) {
                    String path = "/store/" + encode(e.getKey()) + "?consistency=stale";
                    Response r;
                    try {
                        r = send("GET", node, path);
                    } catch (IOException ex) {
                        r = new Response(0, "unreachable: " + ex.getMessage(), 0);
                    }
                    all &= r.status() == 200 && r.body().equals(e.getValue());
                    lines.add(String.format("GET %-28s -> %d %s  (%s)", path, r.status(), r.body().trim(),
                            millis(r.micros())));
                }
                if (all || System.nanoTime() > deadline) {
                    PrintWriter out = spec.commandLine().getOut();
                    lines.forEach(out::println);
                    out.flush();
                    if (!all) {
                        spec.commandLine().getErr().println(node + " did not catch up within " + timeout);
                    }
                    return all ? 0 : 1;
                }
                Thread.sleep(100);
            }
        }
    }

    @Command(name = "status", description = "One line per node from its GET /debug: role, term, leader, indexes.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--nodes", required = true, split = ",", paramLabel = "HOST:PORT[,...]") List<String> nodes;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-4s %-16s %-10s %5s %6s %7s %8s %5s  %s%n", "id", "http", "role", "term", "leader",
                    "commit", "applied", "last", "voters");
            for (String n : nodes) {
                try {
                    Response r = send("GET", n, "/debug");
                    if (r.status() != 200) {
                        out.printf("%-4s %-16s HTTP %d %s%n", "?", n, r.status(), r.body().trim());
                        continue;
                    }
                    NodeStatus.Builder s = NodeStatus.newBuilder();
                    JsonFormat.parser().ignoringUnknownFields().merge(r.body(), s);
                    out.printf("%-4d %-16s %-10s %5d %6d %7d %8d %5d  %s%n", s.getNodeId(), n, s.getRole(),
                            s.getTerm(), s.getLeaderId(), s.getCommitIndex(), s.getAppliedIndex(), s.getLastIndex(),
                            s.getConfState().getVotersList());
                } catch (IOException e) {
                    out.printf("%-4s %-16s %s%n", "?", n, "unreachable (" + e.getClass().getSimpleName() + ")");
                }
            }
            out.flush();
            return 0;
        }
    }
}

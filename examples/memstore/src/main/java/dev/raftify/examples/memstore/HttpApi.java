package dev.raftify.examples.memstore;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.raftify.RaftNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * memstore's HTTP API on the JDK's built-in server. Handlers never wait for Raft: they start the operation and
 * return; the response is written when its future completes, on the same small pool. So a few threads serve any
 * number of concurrent requests, and the Raft and apply threads never run HTTP code.
 *
 * <p>Every exchange gets exactly one response: each operation's future is bounded by a deadline past the engine's
 * own timeouts, and anything thrown becomes an error reply.
 */
final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

    static {
        // The JDK server reads this once, when its classes load; without TCP_NODELAY each small response waits for
        // the client's delayed ACK (~40 ms). Main and the launcher set it too; this covers embedding and tests.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final RaftNode node;
    private final MemStoreStateMachine store;
    private final Duration deadline;
    private final Runnable onLeft;
    private final ExecutorService pool;
    private final HttpServer server;

    /**
     * @param deadline the longest any request may take before it is answered with 504 (a safety net: the engine
     *     completes every future within its own timeouts)
     * @param onLeft called after {@code POST /leave} succeeded and was answered: this node is no longer a member
     */
    HttpApi(InetSocketAddress address, RaftNode node, MemStoreStateMachine store, Duration deadline,
            Runnable onLeft) throws IOException {
        this.node = node;
        this.store = store;
        this.deadline = deadline;
        this.onLeft = onLeft;
        // Handlers only parse and dispatch, so a handful of threads is plenty; the queue absorbs bursts and the
        // engine's max-pending-proposals bounds the work behind them (it answers 503 when overloaded).
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "memstore-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.server = HttpServer.create(address, 1024);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
    }

    void start() {
        server.start();
    }

    /** Serves {@code handler} under {@code prefix} beside the API (the fault-injection endpoints, when enabled). */
    void addContext(String prefix, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(prefix, handler);
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) {
        CompletableFuture<Reply> reply;
        try {
            reply = route(ex.getRequestMethod(), PathSegments.split(ex.getRequestURI().getRawPath()),
                    ex.getRequestURI().getRawQuery());
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        if (reply.isDone()) {
            // Stale reads, /leader, /peers, errors in parsing: answer on this thread, no second hop.
            reply.whenComplete((r, err) -> respond(ex, r, err));
        } else {
            reply.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .whenCompleteAsync((r, err) -> respond(ex, r, err), pool);
        }
    }

    private void respond(HttpExchange ex, Reply r, Throwable err) {
        Reply out;
        try {
            out = err == null ? r : ErrorReplies.of(err, node);
        } catch (RuntimeException e) {
            out = Reply.error(500, "internal error: " + e, 0, null);
        }
        send(ex, out);
    }

    private CompletableFuture<Reply> route(String method, List<String> path, String query) {
        String head = path.get(0);
        int n = path.size();
        switch (head) {
            case "store":
                if (n == 2) {
                    return method.equals("GET") ? get(PathSegments.key(path.get(1)), query) : notAllowed(method, "GET");
                }
                if (n == 3) {
                    return method.equals("PUT")
                            ? put(PathSegments.key(path.get(1)), PathSegments.value(path.get(2), "value"))
                            : notAllowed(method, "PUT");
                }
                break;
            case "cas":
                if (n == 4) {
                    return method.equals("POST")
                            ? cas(PathSegments.key(path.get(1)), PathSegments.value(path.get(2), "expected value"),
                                    PathSegments.value(path.get(3), "new value"))
                            : notAllowed(method, "POST");
                }
                break;
            case "leader":
                return n == 1 ? (method.equals("GET") ? leader() : notAllowed(method, "GET")) : noRoute(method, path);
            case "peers":
                return n == 1 ? (method.equals("GET") ? peers() : notAllowed(method, "GET")) : noRoute(method, path);
            case "debug":
                return n == 1 ? (method.equals("GET") ? debug() : notAllowed(method, "GET")) : noRoute(method, path);
            case "leave":
                return n == 1 ? (method.equals("POST") ? leave() : notAllowed(method, "POST")) : noRoute(method, path);
            case "leave_joint":
                return n == 1
                        ? (method.equals("POST") ? node.leaveJoint().thenApply(cs -> Reply.ok())
                                : notAllowed(method, "POST"))
                        : noRoute(method, path);
            case "snapshot":
                return n == 1 ? (method.equals("POST") ? snapshot() : notAllowed(method, "POST"))
                        : noRoute(method, path);
            case "transfer_leader":
                if (n == 2) {
                    return method.equals("POST")
                            ? node.transferLeader(PathSegments.nodeId(path.get(1))).thenApply(id -> Reply.ok())
                            : notAllowed(method, "POST");
                }
                break;
            default:
                break;
        }
        return noRoute(method, path);
    }

    private CompletableFuture<Reply> put(long key, String value) {
        byte[] cmd = CommandCodec.INSTANCE.encode(new Command.Put(key, value));
        return node.propose(cmd).thenApply(r -> Reply.ok());
    }

    private CompletableFuture<Reply> cas(long key, String expected, String newValue) {
        byte[] cmd = CommandCodec.INSTANCE.encode(new Command.Cas(key, expected, newValue));
        return node.propose(cmd).thenApply(r -> {
            CasResult res = CasResult.decode(r);
            if (res.swapped()) {
                return Reply.ok();
            }
            // 409 with the current value; a key that does not exist has none to show.
            return res.current() == null ? Reply.error(404, "key " + key + " not found", 0, null)
                    : Reply.text(409, res.current());
        });
    }

    private CompletableFuture<Reply> get(long key, String query) {
        Consistency c = Consistency.fromQuery(query);
        if (c == Consistency.STALE) {
            return CompletableFuture.completedFuture(valueReply(key));
        }
        // ReadIndex: the read runs once this node has applied every write committed before the request.
        return node.linearizableRead(() -> valueReply(key));
    }

    private Reply valueReply(long key) {
        return store.get(key).map(v -> Reply.text(200, v))
                .orElseGet(() -> Reply.error(404, "key " + key + " not found", 0, null));
    }

    private CompletableFuture<Reply> leader() {
        long leader = node.leaderId();
        if (leader == 0) {
            return CompletableFuture.completedFuture(Reply.error(503, "no leader is known (an election is under way)",
                    0, null));
        }
        return CompletableFuture.completedFuture(Reply.text(200, Long.toString(leader)));
    }

    private CompletableFuture<Reply> peers() {
        StringBuilder b = new StringBuilder("{");
        for (Map.Entry<Long, String> e : new TreeMap<>(node.peers()).entrySet()) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('"').append(e.getKey()).append("\":").append(Json.string(e.getValue()));
        }
        return CompletableFuture.completedFuture(Reply.json(200, b.append('}').toString()));
    }

    private CompletableFuture<Reply> debug() {
        return node.inspect().thenApply(json -> Reply.json(200, json));
    }

    private CompletableFuture<Reply> snapshot() {
        return node.makeSnapshot().thenApply(m -> Reply.json(200,
                "{\"index\":" + m.getIndex() + ",\"term\":" + m.getTerm() + "}"));
    }

    private CompletableFuture<Reply> leave() {
        return node.leave().thenApply(cs -> {
            // Stop only after this response is on its way: leaving is asked for over the connection it answers.
            CompletableFuture.runAsync(onLeft, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
            return Reply.ok();
        });
    }

    private static CompletableFuture<Reply> notAllowed(String method, String allowed) {
        return CompletableFuture.completedFuture(Reply.methodNotAllowed(method, allowed));
    }

    private static CompletableFuture<Reply> noRoute(String method, List<String> path) {
        return CompletableFuture.completedFuture(Reply.error(404, "no endpoint " + method + " /"
                + String.join("/", path), 0, null));
    }

    private static void send(HttpExchange ex, Reply r) {
        try (ex) {
            byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", r.contentType());
            if (r.allow() != null) {
                ex.getResponseHeaders().set("Allow", r.allow());
            }
            ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The client went away; closing the exchange (above) releases the connection.
            log.debug("could not send a response: {}", e.toString());
        }
    }

    /**
     * Stops serving. Called after Raft has closed, when every pending operation has completed: the pool first
     * finishes writing the responses already queued, then the server closes its connections. (Waiting inside
     * {@code HttpServer.stop(delay)} instead would hold every shutdown for seconds on idle keep-alive connections.)
     */
    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop(0);
        pool.shutdownNow();
    }
}

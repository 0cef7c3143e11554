package dev.raftify.examples.memstore;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.raftify.transport.FaultInjector;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fault injection for the chaos tests, present only when the JVM runs with {@code -Draftify.faults.enabled=true}:
 * <ul>
 *   <li>{@code POST /faults/drop/{ids}} (comma-separated node ids): from now on this node's transport drops every
 *       Raft message to and from exactly those peers (a cut network link), replacing the earlier set;
 *   <li>{@code POST /faults/heal}: restores every link.
 * </ul>
 * Client requests and this API are not affected. Without the property the node has no injector at all and these
 * paths answer 404 like any unknown path.
 */
final class FaultEndpoints implements HttpHandler {
    static final String PROPERTY = "raftify.faults.enabled";

    private final FaultInjector faults;

    FaultEndpoints(FaultInjector faults) {
        this.faults = faults;
    }

    /** A fresh injector if the property is set, else null (and the engine checks nothing). */
    static FaultInjector injectorIfEnabled() {
        return Boolean.getBoolean(PROPERTY) ? new FaultInjector() : null;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        List<String> path = PathSegments.split(ex.getRequestURI().getRawPath());
        int status;
        String body;
        try {
            if (!ex.getRequestMethod().equals("POST")) {
                status = 405;
                body = "use POST";
            } else if (path.size() == 2 && path.get(1).equals("heal")) {
                faults.heal();
                status = 200;
                body = "OK";
            } else if (path.size() == 3 && path.get(1).equals("drop")) {
                List<Long> ids = new ArrayList<>();
                for (String id : path.get(2).split(",")) {
                    ids.add(PathSegments.nodeId(id));
                }
                faults.block(ids);
                status = 200;
                body = "OK";
            } else {
                status = 404;
                body = "no endpoint " + ex.getRequestURI().getRawPath();
            }
        } catch (BadRequestException e) {
            status = 400;
            body = e.getMessage();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}

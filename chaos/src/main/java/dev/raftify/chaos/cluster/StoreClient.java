package dev.raftify.chaos.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP calls to memstore nodes. One instance (one connection pool) serves every client thread. */
public final class StoreClient {

    /** A node's answer: the status and the body as text. */
    public record Response(int status, String body) {
        public boolean ok() {
            return status == 200;
        }
    }

    private final HttpClient http;
    private final Duration timeout;

    /** @param timeout how long one request may take; past it the outcome is unknown to the caller */
    public StoreClient(Duration timeout) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        this.timeout = timeout;
    }

    /**
     * Sends one request with the default timeout.
     *
     * @throws IOException if no answer came (refused, reset, timed out)
     */
    public Response call(String method, String webAddr, String path) throws IOException, InterruptedException {
        return call(method, webAddr, path, timeout);
    }

    public Response call(String method, String webAddr, String path, Duration within)
            throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + webAddr + path)).timeout(within)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body());
    }

    /** Like {@link #call} but answers {@code null} instead of throwing when no answer came. */
    public Response tryCall(String method, String webAddr, String path, Duration within) throws InterruptedException {
        try {
            return call(method, webAddr, path, within);
        } catch (IOException e) {
            return null;
        }
    }
}

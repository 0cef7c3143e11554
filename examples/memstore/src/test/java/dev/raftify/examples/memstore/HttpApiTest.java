package dev.raftify.examples.memstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.raftify.Config;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API against real in-process nodes: every status, and that slow operations never hold up others. */
class HttpApiTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    InProcessNodes nodes;

    @AfterEach
    void tearDown() {
        if (nodes != null) {
            nodes.close();
        }
    }

    static HttpResponse<String> call(String method, String node, String path) throws Exception {
        return HTTP.send(request(method, node, path), HttpResponse.BodyHandlers.ofString());
    }

    static CompletableFuture<HttpResponse<String>> callAsync(String method, String node, String path) {
        return HTTP.sendAsync(request(method, node, path), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String method, String node, String path) {
        return HttpRequest.newBuilder(URI.create("http://" + node + path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
    }

    @Test
    void singleNodeServesTheWholeApi() throws Exception {
        nodes = new InProcessNodes(dir, InProcessNodes.fastConfig()).start(1, 1);
        nodes.awaitLeader();
        String n = nodes.web(1);

        assertThat(call("PUT", n, "/store/1/hello")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("OK");
        });
        assertThat(call("GET", n, "/store/1").body()).isEqualTo("hello");
        assertThat(call("GET", n, "/store/1?consistency=stale").body()).isEqualTo("hello");
        assertThat(call("PUT", n, "/store/2/a%2Fb%20c").statusCode()).isEqualTo(200);
        assertThat(call("GET", n, "/store/2").body()).isEqualTo("a/b c");

        HttpResponse<String> missing = call("GET", n, "/store/3");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).contains("application/json");

        assertThat(call("POST", n, "/cas/1/hello/world").statusCode()).isEqualTo(200);
        HttpResponse<String> conflict = call("POST", n, "/cas/1/hello/again");
        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(conflict.body()).isEqualTo("world");
        assertThat(call("POST", n, "/cas/3/x/y").statusCode()).isEqualTo(404);
        assertThat(call("GET", n, "/store/1").body()).isEqualTo("world");

        assertThat(call("GET", n, "/leader").body()).isEqualTo("1");
        assertThat(call("GET", n, "/peers").body()).isEqualTo("{\"1\":\"" + nodes.raftAddresses.get(1L) + "\"}");
        assertThat(call("GET", n, "/debug").body()).contains("\"role\": \"LEADER\"");
        assertThat(call("POST", n, "/snapshot").body()).matches("\\{\"index\":\\d+,\"term\":\\d+}");
        assertThat(call("POST", n, "/transfer_leader/1").statusCode()).isEqualTo(200);
        assertThat(call("POST", n, "/transfer_leader/7").statusCode()).isEqualTo(400);
    }

    @Test
    void malformedRequestsAre400AndUnknownOnes404Or405() throws Exception {
        nodes = new InProcessNodes(dir, InProcessNodes.fastConfig()).start(1, 1);
        nodes.awaitLeader();
        String n = nodes.web(1);
        for (String[] req : new String[][] {{"GET", "/store/abc"}, {"PUT", "/store/-1/x"}, {"PUT", "/store/1/"},
                {"PUT", "/store/1/%FF"}, {"GET", "/store/1?consistency=eventual"}, {"POST", "/cas/1/a/"},
                {"POST", "/transfer_leader/x"}}) {
            HttpResponse<String> r = call(req[0], n, req[1]);
            assertThat(r.statusCode()).as(Arrays.toString(req)).isEqualTo(400);
            assertThat(r.body()).as(Arrays.toString(req)).startsWith("{\"error\":")
                    .endsWith(",\"leader\":{\"id\":1,\"address\":\"" + nodes.raftAddresses.get(1L) + "\"}}");
        }
        // A path that is not even a URI is refused by the server itself, still with an answer.
        try (Socket raw = new Socket("127.0.0.1", nodes.apis.get(1L).port())) {
            raw.setSoTimeout(10_000);
            raw.getOutputStream().write("GET /store/1/%zz HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(new InputStreamReader(raw.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertThat(statusLine).startsWith("HTTP/1.1 400");
        }
        HttpResponse<String> wrongMethod = call("DELETE", n, "/store/1");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET");
        assertThat(call("GET", n, "/store/1/2/3/4").statusCode()).isEqualTo(404);
        assertThat(call("GET", n, "/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void withoutALeaderRequestsFailFastWith503AndAJsonBody() throws Exception {
        // Node 1 of three, alone: it can never win an election.
        nodes = new InProcessNodes(dir, InProcessNodes.fastConfig()).start(3, 1);
        String n = nodes.web(1);
        for (String[] req : new String[][] {{"PUT", "/store/1/x"}, {"GET", "/store/1"}, {"POST", "/cas/1/a/b"},
                {"GET", "/leader"}}) {
            HttpResponse<String> r = call(req[0], n, req[1]);
            assertThat(r.statusCode()).as(Arrays.toString(req)).isEqualTo(503);
            assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(r.body()).as(Arrays.toString(req)).startsWith("{\"error\":").endsWith(",\"leader\":null}");
        }
        // The local copy is still readable.
        assertThat(call("GET", n, "/store/1?consistency=stale").statusCode()).isEqualTo(404);
    }

    @Test
    void operationsThatCannotCompleteTimeOutWith504WithoutHoldingUpOthers() throws Exception {
        // Two voters without check-quorum: once the follower is gone the leader stays leader but commits nothing.
        Config config = InProcessNodes.fastConfig().toBuilder().checkQuorum(false)
                .proposalTimeout(Duration.ofSeconds(3)).build();
        nodes = new InProcessNodes(dir, config).start(2, 1, 2);
        long leader = nodes.awaitLeader();
        nodes.stop(3 - leader);
        String n = nodes.web(leader);
        assertThat(call("GET", n, "/leader").body()).isEqualTo(Long.toString(leader));

        // Far more stuck requests than the API has threads...
        List<CompletableFuture<HttpResponse<String>>> stuck = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            stuck.add(callAsync("PUT", n, "/store/" + i + "/v"));
            stuck.add(callAsync("GET", n, "/store/" + i));
        }
        // ...and a stale read is still answered while they wait.
        HttpResponse<String> stale = call("GET", n, "/store/1?consistency=stale");
        assertThat(stale.statusCode()).isEqualTo(404);
        assertThat(stuck).noneMatch(CompletableFuture::isDone);

        for (CompletableFuture<HttpResponse<String>> f : stuck) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).startsWith("{\"error\":");
        }
    }

    @Test
    void responsesAreNotDelayedByNagle() throws Exception {
        nodes = new InProcessNodes(dir, InProcessNodes.fastConfig()).start(1, 1);
        nodes.awaitLeader();
        String n = nodes.web(1);
        call("PUT", n, "/store/1/hello");
        // Without TCP_NODELAY each small response on a kept-alive connection waits ~40 ms for a delayed ACK.
        int rounds = 200;
        long[] micros = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            assertThat(call("GET", n, "/store/1?consistency=stale").statusCode()).isEqualTo(200);
            micros[i] = (System.nanoTime() - t0) / 1000;
        }
        Arrays.sort(micros);
        long median = micros[rounds / 2];
        System.out.printf("stale GET over keep-alive: median %d us, p90 %d us%n", median, micros[rounds * 9 / 10]);
        assertThat(median).isLessThan(20_000);
    }
}

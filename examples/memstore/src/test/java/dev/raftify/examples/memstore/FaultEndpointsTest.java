package dev.raftify.examples.memstore;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.raftify.transport.FaultInjector;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault-injection endpoints drive the node's injector; without the property there is none. */
class FaultEndpointsTest {
    private final FaultInjector faults = new FaultInjector();
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/faults/", new FaultEndpoints(faults));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void dropReplacesTheBlockedSetAndHealClearsIt() throws Exception {
        assertThat(call("POST", "/faults/drop/2,3").statusCode()).isEqualTo(200);
        assertThat(faults.blocked()).containsExactlyInAnyOrder(2L, 3L);
        assertThat(call("POST", "/faults/drop/4").statusCode()).isEqualTo(200);
        assertThat(faults.blocked()).containsExactly(4L);
        assertThat(call("POST", "/faults/heal").statusCode()).isEqualTo(200);
        assertThat(faults.blocked()).isEmpty();
    }

    @Test
    void malformedOrWrongMethodIsRefusedAndChangesNothing() throws Exception {
        assertThat(call("POST", "/faults/drop/x").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/faults/drop/0").statusCode()).isEqualTo(400);
        assertThat(call("GET", "/faults/heal").statusCode()).isEqualTo(405);
        assertThat(call("POST", "/faults/other").statusCode()).isEqualTo(404);
        assertThat(faults.blocked()).isEmpty();
    }

    @Test
    void noInjectorUnlessTheSystemPropertyIsSet() {
        assertThat(System.getProperty(FaultEndpoints.PROPERTY)).isNull();
        assertThat(FaultEndpoints.injectorIfEnabled()).isNull();
    }
}

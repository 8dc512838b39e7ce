package io.parley.chat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.parley.chat.testkit.Ports;

/** The launcher's stand-in for a Kubernetes Service: spreads connections, skips a dead instance, can be cut off. */
class TcpBalancerTest {

    private final List<HttpServer> servers = new ArrayList<>();
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    private TcpBalancer balancer;

    @AfterEach
    void stop() {
        if (balancer != null) {
            balancer.close();
        }
        servers.forEach(server -> server.stop(0));
    }

    @Test
    void connectionsAreSpreadOverTheInstancesAndEveryRequestIsAnswered() throws Exception {
        balancer = TcpBalancer.start("test", Ports.free(), List.of(instance("a"), instance("b")));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                // a client of its own per thread: connections of their own, kept alive for 50 requests each
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                answers.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 50; i++) {
                        ok += get(client).statusCode() == 200 ? 1 : 0;
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> answer : answers) {
                ok += answer.get();
            }
            assertThat(ok).isEqualTo(400);
            assertThat(served.keySet()).containsExactlyInAnyOrder("a", "b");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anInstanceThatIsDownIsSkippedWithoutAFailedConnection() throws Exception {
        InetSocketAddress down = new InetSocketAddress("127.0.0.1", Ports.free());
        balancer = TcpBalancer.start("test", Ports.free(), List.of(down, instance("up")));
        for (int i = 0; i < 10; i++) {
            // a new connection each time: the balancer chooses per connection
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            assertThat(get(client).statusCode()).isEqualTo(200);
        }
        assertThat(served.get("up").get()).isEqualTo(10);
    }

    @Test
    void aSuspendedBalancerRefusesAndClosesUntilResumed() throws Exception {
        balancer = TcpBalancer.start("test", Ports.free(), List.of(instance("a")));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThat(get(client).statusCode()).isEqualTo(200);

        balancer.suspend();
        // a new connection is refused outright, as by a host that is cut off (asked of the socket itself:
        // an HTTP client's own retries and pooling would only blur what the balancer did)
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", balancer.port()).close())
                .as("a connection to the suspended balancer on %d", balancer.port())
                .isInstanceOf(java.net.ConnectException.class);

        balancer.resume();
        assertThat(get(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()).statusCode()).isEqualTo(200);
    }

    @Test
    void anInstanceTakenOutOfRotationGetsNoNewConnectionsUntilPutBack() throws Exception {
        InetSocketAddress leaving = instance("leaving");
        balancer = TcpBalancer.start("test", Ports.free(), List.of(leaving, instance("staying")));
        balancer.takeOut(leaving.getPort());
        for (int i = 0; i < 6; i++) {
            assertThat(get(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()).body()).isEqualTo("staying");
        }
        assertThat(served).doesNotContainKey("leaving");

        balancer.putBack(leaving.getPort());
        for (int i = 0; i < 6; i++) {
            get(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
        }
        assertThat(served).containsKey("leaving");
    }

    @Test
    void withEveryInstanceDownAConnectionIsResetAtOnceNotAnsweredEmpty() throws Exception {
        balancer = TcpBalancer.start("test", Ports.free(), List.of(new InetSocketAddress("127.0.0.1", Ports.free())));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", balancer.port())) {
            socket.setSoTimeout(5_000);
            // nothing written, so that only the balancer's own close is read: a reset, as a client of a
            // Service without endpoints gets; an orderly close would read -1
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> socket.getInputStream().read())
                    .isInstanceOf(java.net.SocketException.class).hasMessageContaining("reset");
        }
    }

    private HttpResponse<String> get(HttpClient client) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + balancer.port() + "/"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private InetSocketAddress instance(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            served.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        servers.add(server);
        return server.getAddress();
    }
}

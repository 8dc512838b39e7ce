package io.parley.chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.parley.chat.testkit.TestInfrastructure;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Several instances of a service behind one gateway, as {@code ./run --replicas 2} starts
 * them: REST and WebSocket handshakes are spread round robin over the instances, an
 * instance that refuses connections costs no client a failed request (the connection is
 * tried on the next instance, whatever the method), and with health checks on a stopped
 * instance is left out until it is ready again.
 */
class LoadBalancingIT {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void restCallsAreSpreadOverTheInstancesAndAStoppedOneIsLeftOutWithoutAFailedRequest() {
        UpstreamServer first = UpstreamServer.start("message-1");
        UpstreamServer second = UpstreamServer.start("message-2");
        GatewayReplica gateway = GatewayReplica.start(UpstreamServer.start("others"),
                "--LOAD_BALANCER_CONFIGURATIONS=health-check",
                "--LOAD_BALANCER_HEALTH_INTERVAL=200ms",
                "--spring.cloud.discovery.client.simple.instances.message-service[0].uri=" + first.url(),
                "--spring.cloud.discovery.client.simple.instances.message-service[1].uri=" + second.url());
        String bearer = "Bearer " + TestInfrastructure.tokens().mint("ann", "acme");
        // the health checks' first round decides which instances serve at all
        await().atMost(WAIT).until(() -> {
            first.forget();
            second.forget();
            sends(gateway.client(), bearer, 6);
            return !sent(first).isEmpty() && !sent(second).isEmpty();
        });

        second.stop();
        try {
            first.forget();
            // every send succeeds, stopped instance or not: refused connections are tried on the next instance
            sends(gateway.client(), bearer, 20);
            assertThat(sent(first)).hasSize(20);
        } finally {
            second.restart();
        }
        await().atMost(WAIT).until(() -> {
            second.forget();
            sends(gateway.client(), bearer, 6);
            return !sent(second).isEmpty();
        });
    }

    @Test
    void withoutHealthChecksAnInstanceThatRefusesConnectionsCostsNoFailedRequest() throws IOException {
        UpstreamServer live = UpstreamServer.start("message-live");
        GatewayReplica gateway = GatewayReplica.start(UpstreamServer.start("others"),
                "--spring.cloud.discovery.client.simple.instances.message-service[0].uri=http://127.0.0.1:" + closedPort(),
                "--spring.cloud.discovery.client.simple.instances.message-service[1].uri=" + live.url());
        String bearer = "Bearer " + TestInfrastructure.tokens().mint("ann", "acme");

        sends(gateway.client(), bearer, 10);

        assertThat(sent(live)).as("each of the 10 sends, half of them after a refused connection").hasSize(10);
    }

    @Test
    void webSocketHandshakesAreSpreadOverTheEdges() {
        EdgeServer first = EdgeServer.start();
        EdgeServer second = EdgeServer.start();
        GatewayReplica gateway = GatewayReplica.start(UpstreamServer.start("others"),
                "--spring.cloud.discovery.client.simple.instances.realtime-edge[0].uri=" + first.url(),
                "--spring.cloud.discovery.client.simple.instances.realtime-edge[1].uri=" + second.url());
        String bearer = "Bearer " + TestInfrastructure.tokens().mint("ann", "acme");

        for (int i = 0; i < 6; i++) {
            assertThat(echo(gateway, bearer, "hello-" + i)).isEqualTo("hello-" + i);
        }

        assertThat(first.handshakes()).hasSize(3);
        assertThat(second.handshakes()).hasSize(3);
    }

    @Test
    void aHandshakeThatADrainingOrStoppedEdgeRefusesIsTakenByTheOtherWithoutAFailedHandshake() throws IOException {
        EdgeServer draining = EdgeServer.start();
        EdgeServer live = EdgeServer.start();
        draining.drain();
        everyHandshakeIsTakenBy(live, draining, draining.url(), "http://127.0.0.1:" + closedPort(), live.url());
    }

    @Test
    void aHandshakeWhoseConnectionAStoppingEdgeClosesUnansweredIsTakenByTheOther() {
        EdgeServer stopping = EdgeServer.start();
        EdgeServer live = EdgeServer.start();
        stopping.hangUp();
        everyHandshakeIsTakenBy(live, stopping, stopping.url(), live.url());
    }

    /**
     * Six sockets through a gateway that lists {@code edges} in that order: every one works,
     * every one is on {@code live}, and {@code refusing} was asked (and did not take it).
     */
    private static void everyHandshakeIsTakenBy(EdgeServer live, EdgeServer refusing, String... edges) {
        List<String> arguments = new ArrayList<>();
        for (int i = 0; i < edges.length; i++) {
            arguments.add("--spring.cloud.discovery.client.simple.instances.realtime-edge[" + i + "].uri=" + edges[i]);
        }
        GatewayReplica gateway = GatewayReplica.start(UpstreamServer.start("others"), arguments.toArray(String[]::new));
        String bearer = "Bearer " + TestInfrastructure.tokens().mint("ann", "acme");

        for (int i = 0; i < 6; i++) {
            assertThat(echo(gateway, bearer, "hello-" + i)).as("handshake %d", i).isEqualTo("hello-" + i);
        }

        assertThat(live.handshakes()).as("every socket on the one edge that takes them").hasSize(6);
        assertThat(refusing.handshakes()).as("the refusing edge was asked").isNotEmpty();
    }

    /** What the edge echoes of {@code text} on a new socket through the gateway. */
    private static String echo(GatewayReplica gateway, String bearer, String text) {
        return HttpClient.create()
                .headers(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, bearer))
                .websocket()
                .uri(gateway.url().replace("http:", "ws:") + "/ws")
                .handle((in, out) -> out.sendString(Mono.just(text)).then().thenMany(in.receive().asString().take(1)))
                .blockFirst(WAIT);
    }

    private static void sends(WebTestClient gateway, String bearer, int count) {
        for (int i = 0; i < count; i++) {
            gateway.post().uri("/api/v1/conversations/c-1/messages")
                    .header(HttpHeaders.AUTHORIZATION, bearer)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"clientMsgId\":\"m-" + i + "\",\"body\":\"hello\"}")
                    .exchange()
                    .expectStatus().isOk();
        }
    }

    private static List<UpstreamServer.Seen> sent(UpstreamServer upstream) {
        return upstream.seen().stream().filter(seen -> seen.path().endsWith("/messages")).toList();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

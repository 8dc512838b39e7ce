package io.parley.chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.parley.chat.testkit.TestInfrastructure;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * A stopping gateway hands its WebSocket clients over as a stopping edge does: each proxied
 * client gets the protocol's {@code reconnect} frame (between two whole messages of the
 * edge's), a client that stays is closed with 1001 after the grace, the edge side of every
 * socket is closed too, and a handshake meanwhile is a 503 problem. Each test drains a gateway
 * of its own in front of a stand-in edge of its own.
 */
class WebSocketDrainIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Long enough that a client which leaves at once does so within it on a loaded machine. */
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final String RECONNECT = "{\"type\":\"reconnect\"}";
    private static final UpstreamServer UPSTREAM = UpstreamServer.start("drain-upstream");

    @Test
    void everyClientIsToldToReconnectThenClosedCleanlyAndNewHandshakesAreRefused() throws Exception {
        EdgeServer edge = EdgeServer.start();
        GatewayReplica gateway = start(edge);
        Client leaves = Client.open(gateway, true).awaitOpen();
        Client stays = Client.open(gateway, false).awaitOpen();

        CompletableFuture<Void> drained = CompletableFuture.runAsync(gateway::drain);

        assertThat(leaves.awaitFrame()).isEqualTo("text: " + RECONNECT);
        assertThat(stays.awaitFrame()).isEqualTo("text: " + RECONNECT);
        handshake(gateway).expectStatus().isEqualTo(503)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://parley.dev/problems/draining")
                .jsonPath("$.retryable").isEqualTo(true);
        gateway.client().get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);

        assertThat(leaves.awaitClose()).as("the close the client started, answered").isEqualTo("1000 reconnecting");
        assertThat(stays.awaitClose()).as("closed by the gateway at the end of the grace")
                .isEqualTo("1001 server restarting: reconnect");
        drained.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        await().atMost(WAIT).until(() -> edge.openSessions() == 0);
        assertThat(edge.closeStatuses()).containsExactlyInAnyOrder("1000 reconnecting", "1001 server restarting: reconnect");
        assertThat(edge.handshakes()).as("the refused handshake never reached the edge").hasSize(2);
        Metrics metrics = Metrics.of(gateway.client());
        assertThat(metrics.value("chat_gateway_ws_drained_total", "outcome=\"left\"")).isEqualTo(1);
        assertThat(metrics.value("chat_gateway_ws_drained_total", "outcome=\"closed\"")).isEqualTo(1);
        assertThat(metrics.value("chat_gateway_ws_connections")).isZero();
    }

    @Test
    void aReconnectNeverLandsInsideAFragmentedMessage() throws Exception {
        EdgeServer edge = EdgeServer.start();
        GatewayReplica gateway = start(edge);
        Client client = Client.open(gateway, false).awaitOpen();
        client.send(EdgeServer.FRAGMENT_COMMAND + "hello ");
        // the first frame is on its way to the gateway; the rest of the message follows after the drain began
        await().atMost(WAIT).until(() -> edge.fragmentsSent() == 1);

        assertThat(client.awaitFrame()).isEqualTo("text (more follows): hello ");

        CompletableFuture<Void> drained = CompletableFuture.runAsync(gateway::drain);
        await().atMost(WAIT).until(() -> draining(gateway));
        client.send(EdgeServer.LAST_FRAGMENT_COMMAND + "world");

        assertThat(client.awaitFrame()).as("the rest of the edge's message").isEqualTo("continuation: world");
        assertThat(client.awaitFrame()).as("the reconnect, after the message").isEqualTo("text: " + RECONNECT);
        client.leave();
        drained.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(client.frames).containsExactly("text (more follows): hello ", "continuation: world",
                "text: " + RECONNECT);
        assertThat(Metrics.of(gateway.client()).value("chat_gateway_ws_drained_total", "outcome=\"left\"")).isEqualTo(1);
    }

    /** The drain has begun: readiness is off (and the {@code reconnect} is due). */
    private static boolean draining(GatewayReplica gateway) {
        return gateway.client().get().uri("/actuator/health/readiness").exchange().returnResult(Void.class)
                .getStatus().value() == 503;
    }

    private static GatewayReplica start(EdgeServer edge) {
        return GatewayReplica.start(UPSTREAM, "--EDGE_URL=" + edge.url(), "--chat.gateway.drain-grace=" + GRACE.toMillis() + "ms");
    }

    private static ResponseSpec handshake(GatewayReplica gateway) {
        return gateway.client().get().uri("/ws")
                .header("Upgrade", "websocket")
                .header("Connection", "Upgrade")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .header("Sec-WebSocket-Version", "13")
                .header("Authorization", "Bearer " + TestInfrastructure.tokens().mint("ann", "acme"))
                .exchange();
    }

    /**
     * A WebSocket client that records each frame as it arrives on the wire (not reassembled:
     * a frame inside a fragmented message would show), and either leaves when told to
     * reconnect, as the web client does (close 1000), or stays.
     */
    private static final class Client {

        final List<String> frames = new CopyOnWriteArrayList<>();
        private final Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();
        private final Sinks.Empty<Void> leave = Sinks.empty();
        private final CompletableFuture<String> closeStatus = new CompletableFuture<>();
        private final CompletableFuture<Void> open = new CompletableFuture<>();
        private int read;

        static Client open(GatewayReplica gateway, boolean leavesOnReconnect) {
            Client client = new Client();
            String bearer = "Bearer " + TestInfrastructure.tokens().mint("drain-" + System.nanoTime(), "acme");
            HttpClient.create().headers(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, bearer))
                    .websocket(WebsocketClientSpec.builder().protocols(EdgeServer.SUBPROTOCOL).build())
                    .uri(gateway.url().replace("http:", "ws:") + "/ws")
                    .handle((in, out) -> {
                        client.open.complete(null);
                        in.receiveCloseStatus().subscribe(status -> client.closeStatus.complete(status.code() + " "
                                + status.reasonText()));
                        in.receiveFrames().map(Client::describe).subscribe(frame -> {
                            client.frames.add(frame);
                            if (leavesOnReconnect && frame.equals("text: " + RECONNECT)) {
                                client.leave.tryEmitEmpty();
                            }
                        });
                        return out.sendString(client.outgoing.asFlux()).then()
                                .and(client.leave.asMono().then(Mono.defer(() -> out.sendClose(1000, "reconnecting"))));
                    })
                    .subscribe(ignored -> { }, client.open::completeExceptionally);
            return client;
        }

        /** Waits for the upgrade: the gateway relays this socket from then on. */
        Client awaitOpen() throws Exception {
            open.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return this;
        }

        /** {@code text: ...} for a whole text message; anything else says what it is. */
        private static String describe(WebSocketFrame frame) {
            String kind = frame instanceof TextWebSocketFrame ? "text"
                    : frame instanceof ContinuationWebSocketFrame ? "continuation" : frame.getClass().getSimpleName();
            return kind + (frame.isFinalFragment() ? "" : " (more follows)") + ": "
                    + frame.content().toString(StandardCharsets.UTF_8);
        }

        void send(String text) {
            outgoing.tryEmitNext(text);
        }

        void leave() {
            leave.tryEmitEmpty();
        }

        /** The next frame not yet returned by this method. */
        String awaitFrame() {
            await().atMost(WAIT).until(() -> frames.size() > read);
            return frames.get(read++);
        }

        String awaitClose() throws Exception {
            return closeStatus.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}

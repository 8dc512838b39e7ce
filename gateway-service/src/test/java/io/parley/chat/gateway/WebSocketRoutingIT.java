package io.parley.chat.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * /ws is proxied to realtime-edge: the edge sees the client's credentials (header or
 * subprotocol), the client gets the edge's answer (selected subprotocol, refusal, close code).
 */
class WebSocketRoutingIT extends GatewayIntegrationSupport {

    private static final Duration WAIT = Duration.ofSeconds(10);

    record Exchanged(String selectedProtocol, String reply) {
    }

    @Test
    void frameRoundTripsWithAuthorizationHeader() {
        String authorization = bearer("ann");

        Exchanged exchanged = sendOneFrame(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, authorization), null, "ping");

        assertThat(exchanged.reply()).isEqualTo("ping");
        assertThat(EDGE.handshakes()).singleElement()
                .satisfies(handshake -> assertThat(handshake.authorization()).isEqualTo(authorization));
    }

    @Test
    void theEdgesFramesReachTheClientAsTheEdgeSentThemWithoutBeingDecodedAgain() {
        double asBytes = Metrics.of(client).value("chat_gateway_ws_relayed_total", "mode=\"bytes\"");
        double asFrames = Metrics.of(client).value("chat_gateway_ws_relayed_total", "mode=\"frames\"");
        String large = "x".repeat(60_000);

        Exchanged exchanged = sendOneFrame(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, bearer("ann")), null,
                large);

        assertThat(exchanged.reply()).isEqualTo(large);
        assertThat(Metrics.of(client).value("chat_gateway_ws_relayed_total", "mode=\"bytes\"")).isEqualTo(asBytes + 1);
        assertThat(Metrics.of(client).value("chat_gateway_ws_relayed_total", "mode=\"frames\"")).isEqualTo(asFrames);
    }

    @Test
    void frameRoundTripsWithTokenAsSubprotocolAndEdgeSelectsChatV1() {
        String protocol = "bearer." + token("ann");

        Exchanged exchanged = sendOneFrame(headers -> { }, "chat.v1," + protocol, "{\"type\":\"ping\"}");

        assertThat(exchanged.selectedProtocol()).isEqualTo(EdgeServer.SUBPROTOCOL);
        assertThat(exchanged.reply()).isEqualTo("{\"type\":\"ping\"}");
        assertThat(EDGE.handshakes()).singleElement()
                .satisfies(handshake -> assertThat(handshake.offeredProtocols()).containsExactly("chat.v1", protocol));
    }

    @Test
    void clientGetsTheProtocolTheEdgeSelectedNotTheFirstItOffered() {
        // Spring Cloud Gateway's own WebSocket filter would answer "bearer.<jwt>" here: the first offer
        Exchanged exchanged = sendOneFrame(headers -> { }, "bearer." + token("ann") + ", chat.v1", "hello");

        assertThat(exchanged.selectedProtocol()).isEqualTo(EdgeServer.SUBPROTOCOL);
        assertThat(exchanged.reply()).isEqualTo("hello");
    }

    @Test
    void handshakeTheEdgeRefusesIsTheEdgesStatusNotAnUpgrade() {
        assertThatThrownBy(() -> sendOneFrame(headers -> { }, "chat.v1", "hello"))
                .isInstanceOfSatisfying(WebSocketClientHandshakeException.class,
                        refused -> assertThat(refused.response().status().code()).isEqualTo(401));
        assertThat(EDGE.handshakes()).hasSize(1);
    }

    @Test
    void refusedHandshakeIsAProblemDetail() {
        client.get().uri("/ws")
                .header("Upgrade", "websocket")
                .header("Connection", "Upgrade")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Protocol", "chat.v1")
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://parley.dev/problems/unauthorized");
    }

    @Test
    void expiredTokenIsForTheEdgeToJudge() {
        // the gateway does not check tokens on /ws: the edge authenticates handshakes itself
        sendOneFrame(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + BadTokens.expired("ann")), null, "x");

        assertThat(EDGE.handshakes()).hasSize(1);
    }

    @Test
    void edgeCloseCodeReachesTheClient() {
        String closeStatus = client(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, bearer("ann")), "chat.v1")
                .handle((in, out) -> out.sendString(Mono.just(EdgeServer.CLOSE_COMMAND + "4001")).then()
                        .thenMany(in.receiveCloseStatus().map(status -> status.code() + " " + status.reasonText())))
                .blockFirst(WAIT);

        assertThat(closeStatus).isEqualTo("4001 closed by edge");
    }

    @Test
    void clientThatGoesAwayReleasesItsEdgeSession() {
        Connection connection = client(headers -> headers.set(HttpHeaderNames.AUTHORIZATION, bearer("ann")), null)
                .connect()
                .block(WAIT);
        await().atMost(WAIT).until(() -> EDGE.openSessions() == 1);

        connection.dispose();

        await().atMost(WAIT).until(() -> EDGE.openSessions() == 0);
    }

    @Test
    void stoppedEdgeIs503ProblemBeforeAnyUpgrade() {
        EDGE.stop();
        try {
            client.get().uri("/ws")
                    .header("Upgrade", "websocket")
                    .header("Connection", "Upgrade")
                    .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                    .header("Sec-WebSocket-Version", "13")
                    .header("Authorization", bearer("ann"))
                    .exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://parley.dev/problems/upstream-unavailable");
        } finally {
            EDGE.restart();
        }
    }

    private Exchanged sendOneFrame(Consumer<HttpHeaders> headers, String protocols, String frame) {
        return client(headers, protocols)
                .handle((in, out) -> out.sendString(Mono.just(frame)).then()
                        .thenMany(in.receive().asString().take(1)
                                .map(reply -> new Exchanged(in.selectedSubprotocol(), reply))))
                .blockFirst(WAIT);
    }

    private HttpClient.WebsocketSender client(Consumer<HttpHeaders> headers, String protocols) {
        WebsocketClientSpec.Builder spec = WebsocketClientSpec.builder();
        if (protocols != null) {
            spec.protocols(protocols);
        }
        return HttpClient.create().headers(headers).websocket(spec.build()).uri(wsUrl());
    }
}

package io.parley.chat.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import io.parley.chat.testkit.Ports;
import io.parley.chat.testkit.TestInfrastructure;
import io.parley.chat.testkit.TestTokens;
import tools.jackson.databind.JsonNode;

/**
 * The socket's own contract: who may connect and how bad frames are answered. Flows
 * that need message-service (subscribe, send, resume) are covered by the system tests,
 * against the real services; here message-service is deliberately absent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"chat.edge.max-bad-frames=5", "chat.edge.frames-per-second=5", "chat.edge.frame-burst=10",
                "chat.edge.max-connections-per-user=3"})
class EdgeSocketIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        int nothingListens = Ports.free();
        registry.add("spring.kafka.bootstrap-servers", () -> TestInfrastructure.kafka().bootstrapServers());
        registry.add("chat.security.jwks-uri", () -> TestInfrastructure.tokens().jwksUri());
        registry.add("chat.edge.message-service-url", () -> "http://127.0.0.1:" + nothingListens);
        registry.add("chat.edge.presence-service-url", () -> "http://127.0.0.1:" + nothingListens);
        registry.add("chat.edge.conversation-service-url", () -> "http://127.0.0.1:" + nothingListens);
        registry.add("chat.edge.allowed-origins", () -> "http://chat.example");
    }

    private String url() {
        return "ws://localhost:" + port + "/ws";
    }

    private String token() {
        return TestInfrastructure.tokens().mint("u-" + UUID.randomUUID(), "t1");
    }

    @Test
    void acceptsATokenInTheAuthorizationHeaderAndAnswersPing() throws Exception {
        try (ChatSocket socket = ChatSocket.connect(url(), token(), Auth.HEADER)) {
            assertThat(socket.awaitOpen(WAIT)).isEqualTo("chat.v1");
            socket.send(Map.of("type", "ping", "id", "p1"));
            assertThat(socket.await(f -> f.path("type").asString().equals("pong"), WAIT).path("id").asString()).isEqualTo("p1");
        }
    }

    @Test
    void acceptsABrowserTokenInTheSubprotocolAndSelectsChatV1() throws Exception {
        try (ChatSocket socket = ChatSocket.connect(url(), token(), Auth.SUBPROTOCOL, "http://chat.example")) {
            assertThat(socket.awaitOpen(WAIT)).isEqualTo("chat.v1");
            socket.send(Map.of("type", "ping", "id", 7));
            assertThat(socket.await(f -> f.path("type").asString().equals("pong"), WAIT).path("id").asString()).isEqualTo("7");
        }
    }

    @Test
    void refusesHandshakesWithoutAValidToken() {
        String foreign = TestTokens.sign(TestTokens.generateKey(),
                TestTokens.claims("u1", "t1", Instant.now(), Duration.ofMinutes(5)).build());
        String expired = TestInfrastructure.tokens().sign(
                TestTokens.claims("u1", "t1", Instant.now().minusSeconds(3600), Duration.ofMinutes(5)).build());
        for (var attempt : new Object[][] {{null, Auth.NONE}, {foreign, Auth.HEADER}, {foreign, Auth.SUBPROTOCOL},
                {expired, Auth.HEADER}, {"not.a.jwt", Auth.SUBPROTOCOL}}) {
            try (ChatSocket socket = ChatSocket.connect(url(), (String) attempt[0], (Auth) attempt[1])) {
                assertThatThrownBy(() -> socket.awaitOpen(WAIT)).as("%s via %s", attempt[0], attempt[1])
                        .hasMessageContaining("401");
            }
        }
    }

    @Test
    void answersAPlainRequestWithoutAnUpgradeWithAProblem() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ws"))
                        .header("Authorization", "Bearer " + token()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("websocket-required");
    }

    @Test
    void refusesBrowsersFromOriginsNotAllowed() {
        try (ChatSocket socket = ChatSocket.connect(url(), token(), Auth.SUBPROTOCOL, "http://evil.example")) {
            assertThatThrownBy(() -> socket.awaitOpen(WAIT)).hasMessageContaining("403");
        }
    }

    @Test
    void answersBadFramesWithErrorFramesAndStaysUp() throws Exception {
        try (ChatSocket socket = ChatSocket.connect(url(), token(), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            socket.send("{not json");
            socket.send("{\"type\":\"teleport\",\"id\":\"u1\"}");
            socket.send("{\"type\":\"send\",\"id\":\"s1\",\"conversationId\":\"c1\"}");
            socket.send("{\"type\":\"send\",\"id\":\"s2\",\"conversationId\":\"c1\",\"clientMsgId\":\"m1\",\"body\":\""
                    + "x".repeat(70_000) + "\"}");
            var errors = socket.awaitCount(f -> f.path("type").asString().equals("error"), 4, WAIT);
            assertThat(errors).extracting(f -> f.path("code").asString())
                    .containsExactly("invalid", "invalid", "invalid", "too-large");
            assertThat(errors).extracting(f -> f.path("legacyCode").asString(null))
                    .containsExactly(null, null, null, "too_large");
            assertThat(errors.get(1).path("id").asString()).isEqualTo("u1");
            assertThat(errors.get(2).path("id").asString()).isEqualTo("s1");
            assertThat(errors).allSatisfy(e -> assertThat(e.path("retryable").asBoolean()).isFalse());
            socket.send(Map.of("type", "ping", "id", "still-there"));
            socket.await(f -> f.path("id").asString().equals("still-there") && f.path("type").asString().equals("pong"), WAIT);
            assertThat(socket.isOpen()).isTrue();
        }
    }

    @Test
    void closesWithPolicyCodeAfterRepeatedAbuse() throws Exception {
        try (ChatSocket socket = ChatSocket.connect(url(), token(), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            for (int i = 0; i < 10; i++) {
                socket.send("garbage " + i);
            }
            assertThat(socket.awaitClose(WAIT)).isEqualTo(4008);
        }
    }

    @Test
    void reportsARetryableErrorWhenMessageServiceIsUnavailable() throws Exception {
        try (ChatSocket socket = ChatSocket.connect(url(), token(), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            socket.send(Map.of("type", "send", "id", "s9", "conversationId", "c1", "clientMsgId", "m1", "body", "hi"));
            JsonNode error = socket.await(f -> f.path("id").asString().equals("s9"), WAIT);
            assertThat(error.path("type").asString()).isEqualTo("error");
            assertThat(error.path("code").asString()).isEqualTo("unavailable");
            assertThat(error.path("retryable").asBoolean()).isTrue();
        }
    }

    @Test
    void typingReadAndPresenceWatchDegradeToARetryableErrorWhenPresenceServiceIsUnavailable() throws Exception {
        try (ChatSocket socket = ChatSocket.connect(url(), token(), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            socket.send(Map.of("type", "typing", "id", "t1", "conversationId", "c1"));
            socket.send(Map.of("type", "read", "id", "r1", "conversationId", "c1", "seq", 4));
            socket.send(Map.of("type", "presence.watch", "id", "w1", "userIds", java.util.List.of("u1")));
            for (String id : java.util.List.of("t1", "r1", "w1")) {
                JsonNode error = socket.await(f -> id.equals(f.path("id").asString()), WAIT);
                assertThat(error.path("type").asString()).isEqualTo("error");
                assertThat(error.path("code").asString()).isEqualTo("unavailable");
                assertThat(error.path("retryable").asBoolean()).isTrue();
            }
            socket.send(Map.of("type", "ping", "id", "still-up"));
            socket.await(f -> "still-up".equals(f.path("id").asString()), WAIT);
            assertThat(socket.isOpen()).isTrue();
        }
    }

    @Test
    void replacesTheTokenOfALiveSocketWithAuthRefresh() throws Exception {
        String user = "u-" + UUID.randomUUID();
        try (ChatSocket socket = ChatSocket.connect(url(), TestInfrastructure.tokens().mint(user, "t1"), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            socket.send(Map.of("type", "auth.refresh", "id", "r1", "token", TestInfrastructure.tokens().mint(user, "t1")));
            assertThat(socket.await(f -> "r1".equals(f.path("id").asString()), WAIT).path("type").asString())
                    .isEqualTo("auth.ok");
            socket.send(Map.of("type", "ping", "id", "after-refresh"));
            socket.await(f -> "after-refresh".equals(f.path("id").asString()), WAIT);
        }
    }

    @Test
    void closesWith4001WhenTheTokenExpiresWithoutARefresh() throws Exception {
        String shortLived = TestInfrastructure.tokens().sign(
                TestTokens.claims("u-" + UUID.randomUUID(), "t1", Instant.now(), Duration.ofSeconds(2)).build());
        try (ChatSocket socket = ChatSocket.connect(url(), shortLived, Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            assertThat(socket.awaitClose(WAIT)).isEqualTo(4001);
        }
    }

    @Test
    void closesWith4001WhenARefreshNamesAnotherUser() throws Exception {
        try (ChatSocket socket = ChatSocket.connect(url(), token(), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            socket.send(Map.of("type", "auth.refresh", "id", "r2", "token", token()));
            assertThat(socket.awaitClose(WAIT)).isEqualTo(4001);
        }
    }

    @Test
    void refusesFramesOverTheRateAndClosesAFloodWith4029() throws Exception {
        try (ChatSocket socket = ChatSocket.connect(url(), token(), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            for (int i = 0; i < 40; i++) {
                socket.send(Map.of("type", "ping", "id", "p" + i));
            }
            assertThat(socket.awaitClose(WAIT)).isEqualTo(4029);
            assertThat(socket.received()).anyMatch(f -> "rate-limited".equals(f.path("code").asString())
                    && "rate_limited".equals(f.path("legacyCode").asString()) && f.path("retryable").asBoolean());
            assertThat(socket.received()).filteredOn(f -> "pong".equals(f.path("type").asString())).hasSizeLessThanOrEqualTo(12);
        }
    }

    @Test
    void capsTheSocketsOfOneUser() throws Exception {
        String user = "u-" + UUID.randomUUID();
        java.util.List<ChatSocket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                ChatSocket socket = ChatSocket.connect(url(), TestInfrastructure.tokens().mint(user, "t1"), Auth.HEADER);
                sockets.add(socket);
                socket.awaitOpen(WAIT);
                socket.send(Map.of("type", "ping", "id", "s" + i));
                socket.await(f -> ("s" + sockets.size()).equals("s" + sockets.size()) && "pong".equals(f.path("type").asString()), WAIT);
            }
            ChatSocket fourth = ChatSocket.connect(url(), TestInfrastructure.tokens().mint(user, "t1"), Auth.HEADER);
            sockets.add(fourth);
            assertThat(fourth.awaitClose(WAIT)).isEqualTo(4029);
            assertThat(sockets.get(0).isOpen()).isTrue();
        } finally {
            sockets.forEach(ChatSocket::close);
        }
    }

    @Test
    void aStoppingEdgeTellsItsClientsToReconnectAndClosesWith1001() throws Exception {
        var edge = separateEdge("500ms");
        try (ChatSocket socket = ChatSocket.connect(socketUrl(edge), token(), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            edge.close();
            socket.await(f -> "reconnect".equals(f.path("type").asString()), WAIT);
            assertThat(socket.awaitClose(WAIT)).isEqualTo(1001);
        } finally {
            edge.close();
        }
    }

    @Test
    void aHandshakeWhileTheEdgeDrainsIsRefusedAsRetryableSoTheClientGoesToAnotherEdge() throws Exception {
        var edge = separateEdge("5s");
        String url = socketUrl(edge);
        try (ChatSocket first = ChatSocket.connect(url, token(), Auth.HEADER)) {
            first.awaitOpen(WAIT);
            first.send(Map.of("type", "ping", "id", "p1"));
            first.await(f -> "pong".equals(f.path("type").asString()), WAIT);
            var stopping = java.util.concurrent.CompletableFuture.runAsync(edge::close);
            // the drain has taken its list of sockets once the first one hears about it
            first.await(f -> "reconnect".equals(f.path("type").asString()), WAIT);
            // a socket opened now would only be told to reconnect: 503 draining, and the gateway tries another edge
            try (ChatSocket late = ChatSocket.connect(url, token(), Auth.HEADER)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> late.awaitOpen(WAIT)).hasMessageContaining("503");
            }
            var refused = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(url.replace("ws:", "http:"))).header("Authorization", "Bearer " + token())
                            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("draining").contains("\"retryable\":true");
            assertThat(first.isOpen()).as("the drain leaves clients their grace period to move").isTrue();
            assertThat(first.awaitClose(WAIT)).isEqualTo(1001);
            stopping.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            edge.close();
        }
    }

    /** An edge of its own, so that a test can stop it; {@code drainGrace} is how long its drain lets clients move. */
    private static org.springframework.context.ConfigurableApplicationContext separateEdge(String drainGrace) {
        return new org.springframework.boot.builder.SpringApplicationBuilder(EdgeApplication.class).run(
                "--server.port=0", "--spring.kafka.bootstrap-servers=" + TestInfrastructure.kafka().bootstrapServers(),
                "--chat.security.jwks-uri=" + TestInfrastructure.tokens().jwksUri(),
                "--chat.edge.presence-service-url=http://127.0.0.1:1", "--chat.edge.drain-grace=" + drainGrace);
    }

    private static String socketUrl(org.springframework.context.ConfigurableApplicationContext edge) {
        return "ws://localhost:" + edge.getEnvironment().getProperty("local.server.port") + "/ws";
    }
}

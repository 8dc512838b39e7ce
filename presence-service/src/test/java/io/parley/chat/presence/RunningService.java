package io.parley.chat.presence;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.TestInfrastructure;

/**
 * The running service on a random port against a real redis-server, a real Kafka broker
 * and a real JWKS endpoint. Every IT extends it, so the build starts one context. Tests
 * share Redis: each makes its own tenant. Sessions live 5 s here so that expiry can be
 * observed without slowing the other tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"chat.presence.session-ttl=5s", "chat.presence.sweep-interval=250ms"})
abstract class RunningService {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.data.redis.host", () -> TestInfrastructure.redis().host());
        registry.add("spring.data.redis.port", () -> TestInfrastructure.redis().port());
        registry.add("spring.kafka.bootstrap-servers", () -> TestInfrastructure.kafka().bootstrapServers());
        registry.add("chat.security.jwks-uri", () -> TestInfrastructure.tokens().jwksUri());
    }

    @LocalServerPort
    int port;

    WebTestClient http;

    @BeforeEach
    void bindClient() {
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String token(String userId, String tenantId) {
        return TestInfrastructure.tokens().mint(userId, tenantId);
    }

    WebTestClient.ResponseSpec connect(String token, String sessionId) {
        return http.put().uri("/internal/v1/presence/sessions/{id}", sessionId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("edgeId", "edge-1"))
                .exchange();
    }

    WebTestClient.ResponseSpec disconnect(String token, String sessionId) {
        return http.delete().uri("/internal/v1/presence/sessions/{id}", sessionId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange();
    }

    WebTestClient.ResponseSpec presence(String token, String userIds) {
        return http.get().uri("/api/v1/presence?userIds=" + userIds)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange();
    }
}

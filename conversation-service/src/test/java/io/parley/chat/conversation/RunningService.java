package io.parley.chat.conversation;

import java.util.List;
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
 * The running service on a random port against a real Mongo wire server, a real Kafka
 * broker and a real JWKS endpoint. Every IT extends it, so the build starts one context.
 * Tests share the database: each makes its own users and tenants.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class RunningService {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> TestInfrastructure.mongo().uri("conversation"));
        registry.add("spring.mongodb.database", () -> "conversation");
        registry.add("spring.kafka.bootstrap-servers", () -> TestInfrastructure.kafka().bootstrapServers());
        registry.add("chat.security.jwks-uri", () -> TestInfrastructure.tokens().jwksUri());
        registry.add("chat.directory.auth-service-url", () -> TestInfrastructure.tokens().baseUrl());
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

    static Map<String, Object> group(String title, String... memberIds) {
        return Map.of("type", "GROUP", "title", title, "memberIds", List.of(memberIds));
    }

    static Map<String, Object> direct(String otherId) {
        return Map.of("type", "DIRECT", "memberIds", List.of(otherId));
    }

    WebTestClient.ResponseSpec post(String token, Object body) {
        return http.post().uri("/api/v1/conversations")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    WebTestClient.ResponseSpec get(String token, String path) {
        return http.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange();
    }

    /** Any method with an optional JSON body. */
    WebTestClient.ResponseSpec call(String method, String token, String path, Object body) {
        var request = http.method(org.springframework.http.HttpMethod.valueOf(method)).uri(path)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        return body == null ? request.exchange()
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    static String path(String conversationId) {
        return "/api/v1/conversations/" + conversationId;
    }

    /** Creates a conversation and returns its id. */
    String create(String token, Object body) {
        return post(token, body).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }
}

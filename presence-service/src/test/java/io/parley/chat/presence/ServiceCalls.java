package io.parley.chat.presence;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls to the service the test runs (a {@code @SpringBootTest} on a random port) as the edge and
 * clients make them, with tokens of the test JWKS and conversation-service stubbed.
 */
abstract class ServiceCalls {

    static final ConversationStub conversations = startStub();

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    WebTestClient http;

    @BeforeEach
    void bindClient() {
        http = WebTestClient.bindToServer().baseUrl("http://localhost:" + port).build();
    }

    static ConversationStub startStub() {
        try {
            ConversationStub stub = new ConversationStub();
            Runtime.getRuntime().addShutdownHook(new Thread(stub::close, "conversation-stub-stop"));
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String token(String userId, String tenantId) {
        return TestInfrastructure.tokens().mint(userId, tenantId);
    }

    /** A user of a tenant of its own, member of a conversation of its own (in the stub), with a token. */
    record Member(String tenant, String user, String conversation, String token) {
    }

    static Member member(String name) {
        String tenant = unique("t");
        String user = unique(name);
        String conversation = unique("c");
        conversations.addMember(tenant, conversation, user);
        return new Member(tenant, user, conversation, token(user, tenant));
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

    WebTestClient.ResponseSpec typing(String token, Object body) {
        return http.post().uri("/internal/v1/presence/typing")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    WebTestClient.ResponseSpec read(String token, Object body) {
        return http.put().uri("/internal/v1/presence/read")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    WebTestClient.ResponseSpec presence(String token, String userIds) {
        return http.get().uri("/api/v1/presence?userIds=" + userIds)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange();
    }
}

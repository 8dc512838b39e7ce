package io.parley.chat.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.testkit.TestInfrastructure;

/**
 * One running auth-service on a real Mongo wire server, shared by every IT (same
 * configuration, so Spring caches one context). Tests create their own users with unique
 * names and never depend on each other's data.
 */
@SpringBootTest(classes = AuthApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class AuthServiceTestBase {

    protected static final String OPEN_TENANT = "default";
    protected static final String SECOND_TENANT = "acme";
    protected static final String CLOSED_TENANT = "invite-only";
    protected static final String PLATFORM_ADMIN = "root-admin";
    protected static final String PLATFORM_ADMIN_PASSWORD = "platform admin test secret";
    protected static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> TestInfrastructure.mongo().uri("auth"));
        registry.add("spring.kafka.bootstrap-servers", () -> TestInfrastructure.kafka().bootstrapServers());
        // auth-service must verify with its own keys; pointing the JWKS URI at a foreign
        // issuer makes the tests fail if the service-kit's decoder were used instead.
        registry.add("chat.security.jwks-uri", () -> TestInfrastructure.tokens().jwksUri());
        tenant(registry, 0, OPEN_TENANT, "Default", true);
        tenant(registry, 1, SECOND_TENANT, "Acme", true);
        tenant(registry, 2, CLOSED_TENANT, "Invite Only", false);
        // Lower than the defaults (50; 10, delays 1 s doubling to 8 s) only to keep the limit tests
        // short (each failure costs a BCrypt hash, each delayed one its delay). Delays from the 4th
        // failure of an account at an address: 300 ms, 600 ms, 1.2 s; the 7th is refused.
        registry.add("chat.auth.login-limits.per-address", () -> 20);
        registry.add("chat.auth.login-limits.per-account-and-address", () -> 6);
        registry.add("chat.auth.login-limits.first-delay", () -> "300ms");
        registry.add("chat.auth.login-limits.max-delay", () -> "1200ms");
        // A rotated key signs at once here (one replica; the delay exists for many replicas and verifiers).
        registry.add("chat.auth.keys.activation-delay", () -> "0s");
        registry.add("chat.auth.platform-admin.username", () -> PLATFORM_ADMIN);
        registry.add("chat.auth.platform-admin.password", () -> PLATFORM_ADMIN_PASSWORD);
    }

    private static void tenant(DynamicPropertyRegistry registry, int index, String slug, String name, boolean open) {
        String prefix = "chat.auth.tenants[" + index + "].";
        registry.add(prefix + "slug", () -> slug);
        registry.add(prefix + "name", () -> name);
        registry.add(prefix + "open-signup", () -> open);
    }

    @LocalServerPort
    int port;

    protected int port() {
        return port;
    }

    @Autowired
    protected ReactiveMongoTemplate mongo;

    protected WebTestClient client;

    protected final String clientAddress = "10." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250) + "."
            + (int) (Math.random() * 250);

    @BeforeEach
    void bindClient() {
        // Each test comes from its own address (as the gateway would forward it), so that the
        // per-address login limit counts only that test's failures.
        client = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .defaultHeader("X-Forwarded-For", clientAddress)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    protected static String uniqueUsername() {
        return "u-" + UUID.randomUUID().toString().substring(0, 12);
    }

    protected RegisteredUser register() {
        return register(OPEN_TENANT, uniqueUsername());
    }

    protected RegisteredUser register(String tenant, String username) {
        String password = "pw-" + UUID.randomUUID();
        Map<String, Object> body = client.post().uri("/api/v1/auth/register")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("tenant", tenant, "username", username, "password", password,
                        "displayName", "Name of " + username))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        return new RegisteredUser((String) body.get("id"), (String) body.get("tenantId"), tenant, username, password,
                (String) body.get("displayName"));
    }

    protected String accessToken(String tenant, String username, String password) {
        return (String) postJson("/api/v1/auth/login", Map.of("tenant", tenant, "username", username, "password", password))
                .expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody().get("accessToken");
    }

    protected String platformAdminToken() {
        return accessToken(OPEN_TENANT, PLATFORM_ADMIN, PLATFORM_ADMIN_PASSWORD);
    }

    protected WebTestClient.ResponseSpec postJson(String path, String bearer, Object body) {
        return client.post().uri(path).headers(h -> h.setBearerAuth(bearer))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    protected WebTestClient.ResponseSpec postJson(String path, Object body) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    protected Map<String, Object> login(RegisteredUser user) {
        return postJson("/api/v1/auth/login",
                Map.of("tenant", user.tenantSlug(), "username", user.username(), "password", user.password()))
                .expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
    }

    protected WebTestClient.ResponseSpec refresh(String refreshToken) {
        return postJson("/api/v1/auth/refresh", Map.of("refreshToken", refreshToken));
    }

    protected WebTestClient.ResponseSpec me(String accessToken) {
        return client.get().uri("/api/v1/auth/me").headers(h -> h.setBearerAuth(accessToken)).exchange();
    }

    /** Asserts an RFC 9457 problem with the given status and type slug, and returns its body. */
    protected static Map<String, Object> expectProblem(WebTestClient.ResponseSpec response, HttpStatus status,
                                                       String typeSlug) {
        Map<String, Object> problem = response
                .expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(problem).containsEntry("status", status.value())
                .containsEntry("type", "https://parley.dev/problems/" + typeSlug)
                .containsEntry("code", typeSlug).containsKey("retryable");
        assertThat(problem.get("detail")).asString().isNotBlank();
        return problem;
    }

    protected Document tenantDocument(String slug) {
        return mongo.findOne(org.springframework.data.mongodb.core.query.Query.query(
                org.springframework.data.mongodb.core.query.Criteria.where("slug").is(slug)), Document.class, "tenants")
                .block(Duration.ofSeconds(10));
    }

    /** A user as the tests know them: including the password they chose. */
    public record RegisteredUser(String id, String tenantId, String tenantSlug, String username, String password,
                                 String displayName) {
    }
}

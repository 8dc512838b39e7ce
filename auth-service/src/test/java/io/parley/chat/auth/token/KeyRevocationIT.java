package io.parley.chat.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.text.ParseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;

import io.parley.chat.auth.AuthApplication;
import io.parley.chat.auth.AuthServiceTestBase;
import io.parley.chat.testkit.TestInfrastructure;

/**
 * "Revoke this kid now": the key leaves the JWKS at once, its tokens are refused (401) at
 * once here and within the revocation-poll interval on another replica, and when it was the
 * key that signs, a new one signs from then on. Each test first rotates to a key of its own
 * (keys sign at once in these tests), so revoking it disturbs no other test's key.
 */
class KeyRevocationIT extends AuthServiceTestBase {

    /** The poll interval (2 s) plus one read (at most 5 s), with room for a busy machine. */
    private static final Duration BOUND = Duration.ofSeconds(15);

    @Test
    void revokingTheSigningKeyRefusesItsTokensAtOnceWithdrawsItAndANewKeySigns() throws Exception {
        RegisteredUser user = register();
        String kid = rotate();
        String token = (String) login(user).get("accessToken");
        assertThat(kidOf(token)).isEqualTo(kid);
        me(token).expectStatus().isOk();

        Map<String, Object> answer = revoke(kid).expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();

        assertThat(answer).containsEntry("revoked", kid);
        String replacement = (String) answer.get("kid");
        assertThat(replacement).isNotBlank().isNotEqualTo(kid);
        expectProblem(me(token), HttpStatus.UNAUTHORIZED, "unauthorized");
        assertThat(publishedKids(client)).doesNotContain(kid).contains(replacement);
        // logins keep working, with the replacement
        String after = (String) login(user).get("accessToken");
        assertThat(kidOf(after)).isEqualTo(replacement);
        me(after).expectStatus().isOk();
        // listed for every service, naming the key and no user
        assertThat(revocationList()).anySatisfy(entry -> {
            assertThat(entry).containsEntry("kid", kid);
            assertThat(entry.get("userId")).isNull();
            assertThat(entry.get("tenantId")).isNull();
        });
        // asking again (a retry of the emergency call) is answered the same, the replacement still signing
        assertThat(revoke(kid).expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody())
                .containsEntry("revoked", kid).containsEntry("kid", replacement);
    }

    @Test
    void revokingAKeyThatNoLongerSignsWithdrawsItAndKeepsTheSigningKey() throws Exception {
        RegisteredUser user = register();
        String previous = rotate();
        String previousToken = (String) login(user).get("accessToken");
        String current = rotate();
        // a rotation alone keeps the previous key's tokens valid
        me(previousToken).expectStatus().isOk();

        Map<String, Object> answer = revoke(previous).expectStatus().isOk().expectBody(JSON).returnResult()
                .getResponseBody();

        assertThat(answer).containsEntry("revoked", previous).containsEntry("kid", current);
        expectProblem(me(previousToken), HttpStatus.UNAUTHORIZED, "unauthorized");
        assertThat(publishedKids(client)).doesNotContain(previous).contains(current);
        assertThat(kidOf((String) login(user).get("accessToken"))).isEqualTo(current);
    }

    @Test
    void anotherReplicaRefusesTheRevokedKeysTokensAndSignsWithTheReplacementWithinThePollInterval() throws Exception {
        RegisteredUser user = register();
        String kid = rotate();
        try (ConfigurableApplicationContext second = secondReplica()) {
            WebTestClient other = clientOf(second);
            String token = (String) loginAt(other, user).get("accessToken");
            assertThat(kidOf(token)).as("the second replica signs with the same key").isEqualTo(kid);
            meAt(other, token).expectStatus().isOk();

            String replacement = (String) revoke(kid).expectStatus().isOk().expectBody(JSON).returnResult()
                    .getResponseBody().get("kid");

            await().atMost(BOUND).untilAsserted(() -> {
                meAt(other, token).expectStatus().isUnauthorized();
                assertThat(publishedKids(other)).doesNotContain(kid).contains(replacement);
                assertThat(kidOf((String) loginAt(other, user).get("accessToken"))).isEqualTo(replacement);
            });
        }
    }

    @Test
    void onlyAPlatformAdminRevokesAndAnUnknownOrMalformedKidIsAClearProblem() {
        String memberToken = (String) login(register()).get("accessToken");
        String kid = kidOf(memberToken);
        expectProblem(postJson("/api/v1/keys/" + kid + "/revoke", memberToken, Map.of()), HttpStatus.FORBIDDEN,
                "forbidden");
        // still valid: nothing was revoked
        me(memberToken).expectStatus().isOk();

        expectProblem(revoke(UUID.randomUUID().toString()), HttpStatus.NOT_FOUND, "key-not-found");
        expectProblem(revoke("x".repeat(129)), HttpStatus.BAD_REQUEST, "validation");
        expectProblem(revoke("not a kid"), HttpStatus.BAD_REQUEST, "validation");
    }

    /** A rotation whose key signs at once (the tests' activation delay is zero); its kid. */
    private String rotate() {
        return (String) postJson("/api/v1/keys/rotate", platformAdminToken(), Map.of()).expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody().get("kid");
    }

    private WebTestClient.ResponseSpec revoke(String kid) {
        return client.post().uri("/api/v1/keys/{kid}/revoke", kid).headers(h -> h.setBearerAuth(platformAdminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of()).exchange();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> revocationList() {
        return (List<Map<String, Object>>) client.get().uri("/internal/v1/revocations?since=0").exchange()
                .expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody().get("items");
    }

    /** A replica of its own on the same database, reading the list of revocations from the first one. */
    private ConfigurableApplicationContext secondReplica() {
        return new SpringApplicationBuilder(AuthApplication.class).run(
                "--server.port=0",
                "--spring.mongodb.uri=" + TestInfrastructure.mongo().uri("auth"),
                "--spring.kafka.bootstrap-servers=" + TestInfrastructure.kafka().bootstrapServers(),
                "--chat.security.jwks-uri=" + TestInfrastructure.tokens().jwksUri(),
                "--chat.security.revocations.uri=http://localhost:" + port() + "/internal/v1/revocations");
    }

    private static WebTestClient clientOf(ConfigurableApplicationContext context) {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + context.getEnvironment().getProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    private Map<String, Object> loginAt(WebTestClient replica, RegisteredUser user) {
        return replica.post().uri("/api/v1/auth/login").header("X-Forwarded-For", clientAddress)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("tenant", user.tenantSlug(), "username", user.username(), "password", user.password()))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    private static WebTestClient.ResponseSpec meAt(WebTestClient replica, String token) {
        return replica.get().uri("/api/v1/auth/me").headers(h -> h.setBearerAuth(token)).exchange();
    }

    private static List<String> publishedKids(WebTestClient replica) throws ParseException {
        String body = replica.get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return JWKSet.parse(body).getKeys().stream().map(JWK::getKeyID).toList();
    }

    private static String kidOf(String token) {
        try {
            return SignedJWT.parse(token).getHeader().getKeyID();
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
    }
}

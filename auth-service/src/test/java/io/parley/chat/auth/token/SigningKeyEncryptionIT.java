package io.parley.chat.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;

import io.parley.chat.auth.AuthApplication;
import io.parley.chat.auth.token.persistence.SigningKeyDocument;
import io.parley.chat.testkit.TestInfrastructure;
import io.parley.chat.testkit.TestTokens;

/**
 * Signing keys at rest, across restarts of a real auth-service on its own database: a key
 * stored in plain text by an older version is encrypted at the first start and keeps
 * verifying its tokens; a KEK rotation re-wraps every key at the next start, after which the
 * old KEK can go; a missing or wrong KEK stops startup naming the setting. No key (signing
 * key or KEK) ever reaches the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class SigningKeyEncryptionIT {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    private final String database = "auth-kek-" + UUID.randomUUID().toString().substring(0, 8);
    private final String one = randomKek();
    private final String two = randomKek();
    private final MongoClient mongoClient = MongoClients.create(TestInfrastructure.mongo().uri(database));
    private final ReactiveMongoTemplate mongo = new ReactiveMongoTemplate(mongoClient, database);
    private final List<ConfigurableApplicationContext> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(ConfigurableApplicationContext::close);
        mongo.getMongoDatabase().flatMap(db -> reactor.core.publisher.Mono.from(db.drop())).block(Duration.ofSeconds(10));
        mongoClient.close();
    }

    @Test
    void aPlainTextKeyIsEncryptedOnUpgradeAndSurvivesAKekRotationWithItsTokensStillValid(CapturedOutput output) {
        // what a version before encryption stored: the private JWK in the clear
        ECKey legacy = TestTokens.generateKey();
        mongo.insert(new SigningKeyDocument("active", legacy.getKeyID(), "ES256", legacy.toJSONString(),
                Instant.now().minusSeconds(60))).block(Duration.ofSeconds(10));

        WebTestClient first = start("one:" + one, "one");
        Map<String, Object> user = register(first);
        String legacyToken = TestTokens.sign(legacy, TestTokens.claims((String) user.get("id"),
                (String) user.get("tenantId"), Instant.now(), Duration.ofMinutes(5)).build());
        me(first, legacyToken).expectStatus().isOk();
        assertWrappedWith("one", legacy);
        assertThat(publishedKids(first)).contains(legacy.getKeyID());
        stopAll();

        // KEK rotation, step 1: the new KEK is current, the old one still given
        WebTestClient second = start("two:" + two + ",one:" + one, "two");
        assertWrappedWith("two", legacy);
        me(second, legacyToken).expectStatus().isOk();
        stopAll();

        // step 2: the old KEK is removed; every key was re-wrapped, so nothing is lost
        WebTestClient third = start("two:" + two, "");
        me(third, legacyToken).expectStatus().isOk();
        me(third, login(third, user)).expectStatus().isOk();
        stopAll();

        assertThat(output.getAll()).doesNotContain(one).doesNotContain(two)
                .doesNotContain(legacy.getD().toString())
                .contains("Wrapped 1 stored signing key(s) with key-encryption key 'one' (before: plain text)")
                .contains("Wrapped 1 stored signing key(s) with key-encryption key 'two' (before: key-encryption key 'one')");
    }

    @Test
    void aKeyWrappedWithAKekThatIsNoLongerGivenStopsStartupNamingTheSetting(CapturedOutput output) {
        start("one:" + one, "");
        stopAll();

        String other = randomKek();
        assertThat(startupFailure(() -> start("other:" + other, "")))
                .contains("is wrapped with key-encryption key 'one', which chat.auth.keys.encryption.keks "
                        + "(SIGNING_KEKS) does not hold");
        assertThat(startupFailure(() -> start("one:" + other, "")))
                .as("the same id with another key")
                .contains("does not decrypt with key-encryption key 'one'");
        assertThat(output.getAll()).doesNotContain(one).doesNotContain(other);
    }

    @Test
    void noKekWhereTheDevelopmentKekIsNotAllowedStopsStartupNamingTheSetting() {
        assertThat(startupFailure(() -> start("", "")))
                .contains("chat.auth.keys.encryption.keks (SIGNING_KEKS) is not set and "
                        + "chat.auth.keys.encryption.allow-development-kek (SIGNING_KEK_ALLOW_DEVELOPMENT) is false");
    }

    private WebTestClient start(String keks, String current) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(AuthApplication.class).run(
                "--server.port=0",
                "--spring.mongodb.uri=" + TestInfrastructure.mongo().uri(database),
                // application.yaml names the database too, and would win over the URI's
                "--spring.mongodb.database=" + database,
                "--spring.kafka.bootstrap-servers=" + TestInfrastructure.kafka().bootstrapServers(),
                "--chat.security.jwks-uri=" + TestInfrastructure.tokens().jwksUri(),
                "--chat.auth.keys.encryption.keks=" + keks,
                "--chat.auth.keys.encryption.current-kek=" + current,
                "--chat.auth.keys.encryption.allow-development-kek=false");
        started.add(context);
        String port = context.getEnvironment().getProperty("local.server.port");
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** The message of what stopped the start, the innermost cause. */
    private static String startupFailure(ThrowingCallable start) {
        Throwable failure = catchThrowable(start);
        assertThat(failure).as("startup fails").isNotNull();
        while (failure.getCause() != null) {
            failure = failure.getCause();
        }
        return failure.getMessage();
    }

    private void stopAll() {
        started.forEach(ConfigurableApplicationContext::close);
        started.clear();
    }

    /** The stored document holds the key only as an envelope of {@code kekId}, and no private part in the clear. */
    private void assertWrappedWith(String kekId, ECKey key) {
        Document stored = mongo.findById("active", Document.class, "signing_keys").block(Duration.ofSeconds(10));
        assertThat(stored).doesNotContainKey("jwk");
        assertThat(stored.get("sealed", Document.class)).containsEntry("kekId", kekId);
        assertThat(stored.toJson()).doesNotContain(key.getD().toString());
    }

    private static Map<String, Object> register(WebTestClient client) {
        return client.post().uri("/api/v1/auth/register").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("tenant", "default", "username", "kek-user", "password", "correct-horse-42",
                        "displayName", "KEK user"))
                .exchange().expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody();
    }

    private static String login(WebTestClient client, Map<String, Object> user) {
        return (String) client.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("tenant", "default", "username", user.get("username"), "password", "correct-horse-42"))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody().get("accessToken");
    }

    private static WebTestClient.ResponseSpec me(WebTestClient client, String token) {
        return client.get().uri("/api/v1/auth/me").headers(h -> h.setBearerAuth(token)).exchange();
    }

    private static List<String> publishedKids(WebTestClient client) {
        String body = client.get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        try {
            return JWKSet.parse(body).getKeys().stream().map(k -> k.getKeyID()).toList();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }

    private static String randomKek() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}

package io.parley.chat.auth.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import com.nimbusds.jwt.SignedJWT;

import io.parley.chat.auth.AuthServiceTestBase;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.testkit.TestInfrastructure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A login that ends (logout, or the account disabled) is published as
 * {@code SessionRevoked} on chat.sessions.v1, keyed by user, naming the login by the
 * {@code sid} its access tokens carry; the edges close those sockets.
 */
class SessionRevocationIT extends AuthServiceTestBase {

    private static final JsonMapper JSON_MAPPER = JsonMapper.builder().build();

    /** The SessionRevoked events of {@code userId} on the topic, read from its beginning until one is there (at most 10 s). */
    private static List<JsonNode> revocationsOf(String userId) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<JsonNode> found = new CopyOnWriteArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.SESSIONS));
            for (int i = 0; i < 20 && found.isEmpty(); i++) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (userId.equals(record.key())) {
                        found.add(JSON_MAPPER.readTree(record.value()));
                    }
                }
            }
        }
        return found;
    }

    private static String sid(String accessToken) throws Exception {
        return SignedJWT.parse(accessToken).getJWTClaimsSet().getStringClaim("sid");
    }

    @Test
    void accessTokensNameTheirLoginAndALogoutPublishesItsRevocation() throws Exception {
        RegisteredUser user = register();
        Map<String, Object> session = login(user);
        String sid = sid((String) session.get("accessToken"));
        assertThat(sid).isNotBlank();
        Map<String, Object> refreshed = refresh((String) session.get("refreshToken")).expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(sid((String) refreshed.get("accessToken"))).as("a refresh continues the same login").isEqualTo(sid);
        assertThat(sid((String) login(user).get("accessToken"))).as("another login").isNotEqualTo(sid);

        postJson("/api/v1/auth/logout", Map.of("refreshToken", refreshed.get("refreshToken"))).expectStatus().isNoContent();

        assertThat(revocationsOf(user.id())).anySatisfy(event -> {
                    assertThat(event.path("type").asString()).isEqualTo("SessionRevoked");
                    assertThat(event.path("tenantId").asString()).isEqualTo(user.tenantId());
                    assertThat(event.path("sessionId").asString()).isEqualTo(sid);
                    assertThat(event.path("eventId").asString()).isNotBlank();
                    assertThat(event.path("at").isNull()).isFalse();
                });
    }

    @Test
    void disablingAUserRevokesEveryOneOfTheirSessions() {
        RegisteredUser user = register();
        login(user);
        client.patch().uri("/api/v1/users/{id}", user.id()).headers(h -> h.setBearerAuth(platformAdminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("disabled", true))
                .exchange().expectStatus().isOk();

        assertThat(revocationsOf(user.id())).anySatisfy(event -> {
                    assertThat(event.path("sessionId").isNull() || event.path("sessionId").isMissingNode())
                            .as("every session").isTrue();
                    assertThat(event.path("tenantId").asString()).isEqualTo(user.tenantId());
                });
    }
}

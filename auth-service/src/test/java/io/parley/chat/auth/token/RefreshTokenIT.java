package io.parley.chat.auth.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;

import io.parley.chat.auth.AuthServiceTestBase;
import io.parley.chat.testkit.TestTokens;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class RefreshTokenIT extends AuthServiceTestBase {

    @Test
    void refreshRotatesTheRefreshTokenAndIssuesAWorkingAccessToken() {
        RegisteredUser user = register();
        String first = (String) login(user).get("refreshToken");

        Map<String, Object> renewed = refresh(first)
                .expectStatus().isOk()
                .expectHeader().cacheControl(CacheControl.noStore())
                .expectBody(JSON).returnResult().getResponseBody();

        assertThat(renewed).containsKeys("accessToken", "refreshToken", "expiresIn", "refreshExpiresIn")
                .containsEntry("tokenType", "Bearer")
                .containsEntry("user", Map.of("id", user.id(), "tenantId", user.tenantId(),
                        "username", user.username(), "displayName", user.displayName()));
        assertThat(renewed.get("refreshToken")).isNotEqualTo(first);
        me((String) renewed.get("accessToken")).expectStatus().isOk();
        refresh((String) renewed.get("refreshToken")).expectStatus().isOk();
    }

    @Test
    void reusingARotatedTokenRevokesTheWholeFamily() {
        RegisteredUser user = register();
        String first = (String) login(user).get("refreshToken");
        String second = (String) refresh(first).expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody().get("refreshToken");

        expectProblem(refresh(first), HttpStatus.UNAUTHORIZED, "invalid-refresh-token");
        // The legitimate holder's newest token dies with the family.
        expectProblem(refresh(second), HttpStatus.UNAUTHORIZED, "invalid-refresh-token");

        Document stored = storedToken(second);
        assertThat(stored.getBoolean("revoked")).isTrue();
    }

    @Test
    void reuseRevokesOnlyThatLogin() {
        RegisteredUser user = register();
        String phone = (String) login(user).get("refreshToken");
        String laptop = (String) login(user).get("refreshToken");
        refresh(phone).expectStatus().isOk();
        refresh(phone).expectStatus().isUnauthorized();
        refresh(laptop).expectStatus().isOk();
    }

    @Test
    void concurrentRefreshesOfOneTokenNeverHandOutTwoSuccessors() {
        RegisteredUser user = register();
        String token = (String) login(user).get("refreshToken");
        List<Integer> statuses = Flux.range(0, 4)
                .flatMap(i -> Mono.fromCallable(() -> refresh(token).returnResult(String.class).getStatus().value())
                        .subscribeOn(Schedulers.boundedElastic()))
                .collectList().block(Duration.ofSeconds(30));
        // Every request after the first sees a used token, which reads as theft: the family
        // is revoked, and the first one's successor with it, so usually none succeeds.
        assertThat(statuses).hasSize(4).allMatch(s -> s == 200 || s == 401)
                .filteredOn(s -> s == 200).hasSizeLessThanOrEqualTo(1);
        assertThat(storedToken(token).getBoolean("revoked")).isTrue();
    }

    @Test
    void logoutRevokesTheFamily() {
        RegisteredUser user = register();
        String first = (String) login(user).get("refreshToken");
        String second = (String) refresh(first).expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody().get("refreshToken");

        postJson("/api/v1/auth/logout", Map.of("refreshToken", second)).expectStatus().isNoContent()
                .expectBody().isEmpty();

        expectProblem(refresh(second), HttpStatus.UNAUTHORIZED, "invalid-refresh-token");
        assertThat(storedToken(first).getBoolean("revoked")).isTrue();
    }

    @Test
    void logoutWithAnUnknownTokenStillSucceeds() {
        postJson("/api/v1/auth/logout", Map.of("refreshToken", "never-issued")).expectStatus().isNoContent();
    }

    @Test
    void unknownOrExpiredRefreshTokenIsRejected() {
        expectProblem(refresh("never-issued"), HttpStatus.UNAUTHORIZED, "invalid-refresh-token");

        RegisteredUser user = register();
        String token = (String) login(user).get("refreshToken");
        mongo.updateFirst(Query.query(Criteria.where("_id").is(RefreshTokenService.hash(token))),
                Update.update("expiresAt", Instant.now().minusSeconds(1)), "refresh_tokens").block(Duration.ofSeconds(10));
        expectProblem(refresh(token), HttpStatus.UNAUTHORIZED, "invalid-refresh-token");
    }

    @Test
    void disabledUserCannotRefresh() {
        RegisteredUser user = register();
        String token = (String) login(user).get("refreshToken");
        mongo.updateFirst(Query.query(Criteria.where("_id").is(user.id())), Update.update("disabled", true), "users")
                .block(Duration.ofSeconds(10));
        expectProblem(refresh(token), HttpStatus.UNAUTHORIZED, "invalid-refresh-token");
    }

    @Test
    void refreshWorksWhileTheClientStillSendsItsExpiredAccessToken() {
        // Clients refresh because their access token expired, and often keep sending it.
        RegisteredUser user = register();
        String token = (String) login(user).get("refreshToken");
        String expired = TestTokens.sign(TestTokens.generateKey(), TestTokens.claims(user.id(), user.tenantId(),
                Instant.now().minus(Duration.ofHours(1)), Duration.ofMinutes(15)).build());
        client.post().uri("/api/v1/auth/refresh")
                .headers(h -> h.setBearerAuth(expired))
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("refreshToken", token))
                .exchange()
                .expectStatus().isOk();
    }

    @Test
    void storesOnlyAHashOfTheTokenWithItsExpiry() {
        RegisteredUser user = register();
        String token = (String) login(user).get("refreshToken");
        assertThat(mongo.findById(token, Document.class, "refresh_tokens").block(Duration.ofSeconds(10))).isNull();

        Document stored = storedToken(token);
        assertThat(stored.getString("userId")).isEqualTo(user.id());
        assertThat(stored.getString("tenantId")).isEqualTo(user.tenantId());
        assertThat(stored.getString("familyId")).isNotBlank();
        assertThat(stored.getDate("expiresAt").toInstant())
                .isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
        assertThat(stored.toJson()).doesNotContain(token);
    }

    @Test
    void expiredTokensAreRemovedByATtlIndex() {
        List<Document> indexes = mongo.getCollection("refresh_tokens")
                .flatMapMany(c -> c.listIndexes()).collectList().block(Duration.ofSeconds(10));
        assertThat(indexes).anySatisfy(index -> {
            assertThat(index.get("key", Document.class)).containsEntry("expiresAt", 1);
            assertThat(((Number) index.get("expireAfterSeconds")).longValue()).isZero();
        });
    }

    private Document storedToken(String token) {
        return mongo.findById(RefreshTokenService.hash(token), Document.class, "refresh_tokens")
                .block(Duration.ofSeconds(10));
    }
}

package io.parley.chat.auth.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.HttpStatus;

import io.parley.chat.auth.AuthServiceTestBase;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

class RegistrationIT extends AuthServiceTestBase {

    @Test
    void registeredUserCanLogInAndReadThemselves() {
        String username = uniqueUsername();
        Map<String, Object> created = postJson("/api/v1/auth/register", Map.of("tenant", OPEN_TENANT,
                "username", username, "password", "correct horse battery", "displayName", "Ada Lovelace"))
                .expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        String tenantId = tenantDocument(OPEN_TENANT).getString("_id");
        assertThat(created).containsOnlyKeys("id", "tenantId", "username", "displayName")
                .containsEntry("tenantId", tenantId)
                .containsEntry("username", username)
                .containsEntry("displayName", "Ada Lovelace");

        Map<String, Object> session = postJson("/api/v1/auth/login", Map.of("tenant", OPEN_TENANT,
                "username", username, "password", "correct horse battery"))
                .expectStatus().isOk()
                .expectHeader().cacheControl(org.springframework.http.CacheControl.noStore())
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(session).containsEntry("tokenType", "Bearer")
                .containsEntry("expiresIn", 900)
                .containsEntry("refreshExpiresIn", 30 * 24 * 3600)
                .containsEntry("user", Map.of("id", created.get("id"), "tenantId", tenantId, "username", username,
                        "displayName", "Ada Lovelace"));
        assertThat((String) session.get("accessToken")).isNotBlank();
        assertThat((String) session.get("refreshToken")).matches("[A-Za-z0-9_-]{43}");

        me((String) session.get("accessToken"))
                .expectStatus().isOk()
                .expectBody(JSON).isEqualTo(Map.of("id", created.get("id"), "tenantId", tenantId,
                        "username", username, "displayName", "Ada Lovelace", "roles", List.of("member")));
    }

    @Test
    void storesOnlyABcryptHashOfThePassword() {
        RegisteredUser user = register();
        Document stored = mongo.findById(user.id(), Document.class, "users").block(Duration.ofSeconds(10));
        assertThat(stored.getString("passwordHash")).startsWith("$2a$11$").doesNotContain(user.password());
        assertThat(stored.getString("usernameKey")).isEqualTo(user.username().toLowerCase());
        assertThat(stored.getList("roles", String.class)).containsExactly("member");
        assertThat(stored.getBoolean("disabled")).isFalse();
    }

    @Test
    void acceptsThePasswordLengthLimitsAndLogsInWithLongPasswords() {
        String username = uniqueUsername();
        // 128 characters of 4 UTF-8 bytes each: far beyond BCrypt's 72-byte input.
        String longPassword = "\uD83D\uDE00".repeat(64);
        postJson("/api/v1/auth/register", Map.of("tenant", OPEN_TENANT, "username", username,
                "password", longPassword, "displayName", "Long")).expectStatus().isCreated();
        postJson("/api/v1/auth/login", Map.of("tenant", OPEN_TENANT, "username", username, "password", longPassword))
                .expectStatus().isOk();
        // Differs only after the 72nd byte: must not match.
        String almost = "\uD83D\uDE00".repeat(63) + "\uD83D\uDE01";
        postJson("/api/v1/auth/login", Map.of("tenant", OPEN_TENANT, "username", username, "password", almost))
                .expectStatus().isUnauthorized();
    }

    @Test
    void rejectsUsernameThatDiffersOnlyInCase() {
        RegisteredUser first = register(OPEN_TENANT, "Case-" + uniqueUsername());
        expectProblem(postJson("/api/v1/auth/register", Map.of("tenant", OPEN_TENANT,
                "username", first.username().toUpperCase(), "password", "another password", "displayName", "Copy")),
                HttpStatus.CONFLICT, "username-taken");
    }

    @Test
    void concurrentSignUpsForOneUsernameCreateExactlyOneUser() {
        String base = "race-" + uniqueUsername().substring(2);
        List<String> variants = List.of(base, base.toUpperCase(), base, base.toUpperCase(), base, base.toUpperCase());
        List<Integer> statuses = Flux.fromIterable(variants)
                .flatMap(name -> Mono.fromCallable(() -> signUpStatus(name)).subscribeOn(Schedulers.boundedElastic()))
                .collectList().block(Duration.ofSeconds(60));

        assertThat(statuses).containsOnly(201, 409).filteredOn(s -> s == 201).hasSize(1);
        long stored = mongo.count(Query.query(Criteria.where("usernameKey").is(base.toLowerCase())), "users")
                .block(Duration.ofSeconds(10));
        assertThat(stored).isEqualTo(1);
    }

    private int signUpStatus(String username) {
        return postJson("/api/v1/auth/register", Map.of("tenant", OPEN_TENANT, "username", username,
                "password", "race password", "displayName", "Racer"))
                .returnResult(String.class).getStatus().value();
    }

    @Test
    void sameUsernameMayExistInTwoTenants() {
        String username = uniqueUsername();
        RegisteredUser inDefault = register(OPEN_TENANT, username);
        RegisteredUser inAcme = register(SECOND_TENANT, username);
        assertThat(inAcme.tenantId()).isNotEqualTo(inDefault.tenantId());
        assertThat(inAcme.id()).isNotEqualTo(inDefault.id());
        // Each password opens only its own tenant's account.
        postJson("/api/v1/auth/login", Map.of("tenant", SECOND_TENANT, "username", username,
                "password", inDefault.password())).expectStatus().isUnauthorized();
    }

    @Test
    void unknownTenantIsNotFound() {
        expectProblem(postJson("/api/v1/auth/register", Map.of("tenant", "no-such-tenant",
                "username", uniqueUsername(), "password", "long enough", "displayName", "Nobody")),
                HttpStatus.NOT_FOUND, "tenant-not-found");
    }

    @Test
    void tenantWithSignUpClosedRefusesRegistration() {
        expectProblem(postJson("/api/v1/auth/register", Map.of("tenant", CLOSED_TENANT,
                "username", uniqueUsername(), "password", "long enough", "displayName", "Outsider")),
                HttpStatus.FORBIDDEN, "signup-closed");
    }

    @Test
    void displayNameIsStoredInNormalisedForm() {
        String username = uniqueUsername();
        Map<String, Object> created = postJson("/api/v1/auth/register", Map.of("tenant", OPEN_TENANT,
                "username", username, "password", "long enough", "displayName", "  Rene\u0301 \uD83D\uDC4D "))
                .expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(created).containsEntry("displayName", "Ren\u00e9 \uD83D\uDC4D");
    }
}

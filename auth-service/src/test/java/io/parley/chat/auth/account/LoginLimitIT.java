package io.parley.chat.auth.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.parley.chat.auth.AuthServiceTestBase;

/** The base configures 10 failures per account (the default) and 20 per address in a 5-minute window. */
class LoginLimitIT extends AuthServiceTestBase {

    @Test
    void anAccountIsLockedAfterTenFailuresEvenFromManyAddresses() {
        RegisteredUser user = register();
        for (int i = 0; i < 10; i++) {
            failFrom("10.1.0." + i, user.username()).expectStatus().isUnauthorized();
        }
        Map<String, Object> problem = expectProblem(failFrom("10.1.1.1", user.username())
                // sliding 5-minute window: the rest of this window, plus part of the next while this one's share fades
                .expectHeader().value("Retry-After", value -> assertThat(Long.parseLong(value)).isBetween(1L, 601L)),
                HttpStatus.TOO_MANY_REQUESTS, "rate-limited");
        assertThat(problem).containsEntry("retryable", true);
        // Even the right password waits: otherwise the lock would confirm a guess.
        expectProblem(loginFrom("10.1.1.2", user.username(), user.password()), HttpStatus.TOO_MANY_REQUESTS,
                "rate-limited");
    }

    @Test
    void anAddressIsLimitedAcrossAccounts() {
        String address = "10.2." + (int) (Math.random() * 250) + ".9";
        for (int i = 0; i < 20; i++) {
            failFrom(address, uniqueUsername()).expectStatus().isUnauthorized();
        }
        expectProblem(failFrom(address, uniqueUsername()), HttpStatus.TOO_MANY_REQUESTS, "rate-limited");
        // Another address is not affected.
        RegisteredUser user = register();
        loginFrom("10.3.0.1", user.username(), user.password()).expectStatus().isOk();
    }

    @Test
    void successfulLoginsDoNotUseUpTheAllowance() {
        RegisteredUser user = register();
        for (int i = 0; i < 15; i++) {
            loginFrom("10.4.0.1", user.username(), user.password()).expectStatus().isOk();
        }
    }

    @Test
    void theLimitedAnswerDoesNotDependOnWhetherTheAccountExists() {
        RegisteredUser user = register();
        String ghost = uniqueUsername();
        for (int i = 0; i < 10; i++) {
            failFrom("10.5.0." + i, user.username()).expectStatus().isUnauthorized();
            failFrom("10.5.1." + i, ghost).expectStatus().isUnauthorized();
        }
        String existing = failFrom("10.5.2.1", user.username()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectBody(String.class).returnResult().getResponseBody();
        String missing = failFrom("10.5.2.2", ghost).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(existing.replaceAll("\\d+", "N")).isEqualTo(missing.replaceAll("\\d+", "N"));
    }

    @Test
    void onlyTheLastForwardedAddressCounts() {
        // A client cannot dodge the address limit by prepending made-up addresses.
        String address = "10.6." + (int) (Math.random() * 250) + ".7";
        for (int i = 0; i < 20; i++) {
            failFrom("203.0.113." + i + ", " + address, uniqueUsername()).expectStatus().isUnauthorized();
        }
        expectProblem(failFrom("198.51.100.1, " + address, uniqueUsername()), HttpStatus.TOO_MANY_REQUESTS,
                "rate-limited");
    }

    @Test
    void aProxyThatForwardsNoClientAddressIsNotOneSharedBucket() {
        // Loopback is a trusted proxy; without X-Forwarded-For the client is unknown, and counting
        // every client behind the gateway as one address would let one attacker lock out everyone.
        WebTestClient noForwardedFor = WebTestClient.bindToServer().baseUrl("http://localhost:" + port())
                .responseTimeout(java.time.Duration.ofSeconds(30)).build();
        for (int i = 0; i < 21; i++) {
            noForwardedFor.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("tenant", OPEN_TENANT, "username", uniqueUsername(), "password", "wrong"))
                    .exchange().expectStatus().isUnauthorized();
        }
    }

    private WebTestClient.ResponseSpec failFrom(String forwardedFor, String username) {
        return loginFrom(forwardedFor, username, "not the password");
    }

    private WebTestClient.ResponseSpec loginFrom(String forwardedFor, String username, String password) {
        return client.post().uri("/api/v1/auth/login").header("X-Forwarded-For", forwardedFor)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("tenant", OPEN_TENANT, "username", username, "password", password))
                .exchange();
    }
}

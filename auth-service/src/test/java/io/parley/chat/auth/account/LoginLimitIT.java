package io.parley.chat.auth.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.micrometer.core.instrument.MeterRegistry;
import io.parley.chat.auth.AuthServiceTestBase;

/**
 * The base configures, per account and client address, 3 failures answered at once, then
 * delays of 300 ms, 600 ms and 1.2 s, and a 429 for the 7th; 20 failures per address across
 * accounts; a 5-minute window. Delays are asserted as lower bounds only: the server cannot
 * answer sooner than it waits, however busy the machine.
 */
class LoginLimitIT extends AuthServiceTestBase {

    private static final Duration FIRST_DELAY = Duration.ofMillis(300);

    @Autowired
    MeterRegistry meters;

    @Test
    void anAttackerAtOneAddressCannotLockOutTheVictimLoggingInFromAnother() {
        RegisteredUser victim = register();
        String attacker = address("10.1");
        failTimes(6, attacker, victim.username());
        expectProblem(failFrom(attacker, victim.username()), HttpStatus.TOO_MANY_REQUESTS, "rate-limited");

        // The victim, from another address, logs in as usual.
        loginFrom(address("10.2"), victim.username(), victim.password()).expectStatus().isOk();
        // and the victim's success elsewhere does not lift the attacker's refusal
        expectProblem(failFrom(attacker, victim.username()), HttpStatus.TOO_MANY_REQUESTS, "rate-limited");
        // Even the right password waits at the refused address: otherwise the refusal would confirm a guess.
        expectProblem(loginFrom(attacker, victim.username(), victim.password()), HttpStatus.TOO_MANY_REQUESTS,
                "rate-limited");
    }

    @Test
    void anAttackerGetsProgressivelySlowerThenA429WithRetryAfter() {
        RegisteredUser user = register();
        String attacker = address("10.3");
        double delayedBefore = throttled("delayed", "account_address");
        double refusedBefore = throttled("refused", "account_address");
        failTimes(3, attacker, user.username());
        assertThat(timed(() -> failFrom(attacker, user.username()).expectStatus().isUnauthorized()))
                .as("4th failure").isGreaterThanOrEqualTo(FIRST_DELAY);
        assertThat(timed(() -> failFrom(attacker, user.username()).expectStatus().isUnauthorized()))
                .as("5th failure").isGreaterThanOrEqualTo(FIRST_DELAY.multipliedBy(2));
        assertThat(timed(() -> failFrom(attacker, user.username()).expectStatus().isUnauthorized()))
                .as("6th failure").isGreaterThanOrEqualTo(FIRST_DELAY.multipliedBy(4));

        Map<String, Object> problem = expectProblem(failFrom(attacker, user.username())
                // the failures fade out of the sliding 5-minute window: the rest of this one, plus part of the next
                .expectHeader().value("Retry-After", value -> assertThat(Long.parseLong(value)).isBetween(1L, 601L)),
                HttpStatus.TOO_MANY_REQUESTS, "rate-limited");
        assertThat(problem).containsEntry("retryable", true);
        assertThat(((Number) problem.get("retryAfterSeconds")).longValue()).isBetween(1L, 601L);
        // what an SRE sees of it (other tests may add to the same counters, never take away)
        assertThat(throttled("delayed", "account_address") - delayedBefore).isGreaterThanOrEqualTo(3);
        assertThat(throttled("refused", "account_address") - refusedBefore).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aSuccessClearsTheCountOfThatAccountAtThatAddress() {
        RegisteredUser user = register();
        String address = address("10.4");
        failTimes(5, address, user.username());
        // the 6th attempt, delayed like a failure would be, succeeds
        loginFrom(address, user.username(), user.password()).expectStatus().isOk();

        // Without the reset the next failure would be the 7th and refused; instead six more fail
        // normally before the seventh since the success is refused.
        failTimes(6, address, user.username());
        expectProblem(failFrom(address, user.username()), HttpStatus.TOO_MANY_REQUESTS, "rate-limited");
    }

    @Test
    void anAddressIsLimitedAcrossAccounts() {
        String address = address("10.5");
        double refusedBefore = throttled("refused", "address");
        for (int i = 0; i < 20; i++) {
            failFrom(address, uniqueUsername()).expectStatus().isUnauthorized();
        }
        expectProblem(failFrom(address, uniqueUsername()), HttpStatus.TOO_MANY_REQUESTS, "rate-limited");
        assertThat(throttled("refused", "address") - refusedBefore).isGreaterThanOrEqualTo(1);
        // Another address is not affected.
        RegisteredUser user = register();
        loginFrom(address("10.6"), user.username(), user.password()).expectStatus().isOk();
    }

    @Test
    void successfulLoginsDoNotUseUpTheAllowance() {
        RegisteredUser user = register();
        String address = address("10.7");
        for (int i = 0; i < 15; i++) {
            loginFrom(address, user.username(), user.password()).expectStatus().isOk();
        }
    }

    @Test
    void theLimitedAnswerDoesNotDependOnWhetherTheAccountExists() {
        RegisteredUser user = register();
        String ghost = uniqueUsername();
        String address = address("10.8");
        for (int i = 0; i < 6; i++) {
            failFrom(address, user.username()).expectStatus().isUnauthorized();
            failFrom(address, ghost).expectStatus().isUnauthorized();
        }
        String existing = failFrom(address, user.username()).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectBody(String.class).returnResult().getResponseBody();
        String missing = failFrom(address, ghost).expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
                .expectBody(String.class).returnResult().getResponseBody();
        // each answer names its own request's trace, which differs per request and says nothing of the account
        assertThat(existing.replaceAll(",?\"traceId\":\"[0-9a-f]*\"", "").replaceAll("\\d+", "N"))
                .isEqualTo(missing.replaceAll(",?\"traceId\":\"[0-9a-f]*\"", "").replaceAll("\\d+", "N"));
    }

    @Test
    void onlyTheLastForwardedAddressCounts() {
        // A client cannot dodge the limits by prepending made-up addresses.
        String address = address("10.9");
        RegisteredUser user = register();
        for (int i = 0; i < 6; i++) {
            failFrom("203.0.113." + i + ", " + address, user.username()).expectStatus().isUnauthorized();
        }
        expectProblem(failFrom("198.51.100.1, " + address, user.username()), HttpStatus.TOO_MANY_REQUESTS,
                "rate-limited");
    }

    @Test
    void aProxyThatForwardsNoClientAddressIsNotOneSharedBucket() {
        // Loopback is a trusted proxy; without X-Forwarded-For the client is unknown, and counting
        // every client behind the gateway as one address would let one attacker lock out everyone.
        WebTestClient noForwardedFor = WebTestClient.bindToServer().baseUrl("http://localhost:" + port())
                .responseTimeout(Duration.ofSeconds(30)).build();
        for (int i = 0; i < 21; i++) {
            noForwardedFor.post().uri("/api/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("tenant", OPEN_TENANT, "username", uniqueUsername(), "password", "wrong"))
                    .exchange().expectStatus().isUnauthorized();
        }
    }

    /** An address of its own for each test, under {@code prefix}, so that no other test's failures count. */
    private static String address(String prefix) {
        return prefix + "." + (int) (Math.random() * 250) + "." + (1 + (int) (Math.random() * 250));
    }

    private static Duration timed(Supplier<?> request) {
        long start = System.nanoTime();
        request.get();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** {@code times} wrong passwords for {@code username} from {@code forwardedFor}, each answered 401. */
    /** {@code chat_auth_logins_throttled_total} for one outcome and limit. */
    private double throttled(String outcome, String limit) {
        return meters.get("chat.auth.logins.throttled").tag("outcome", outcome).tag("limit", limit).counter().count();
    }

    private void failTimes(int times, String forwardedFor, String username) {
        for (int i = 0; i < times; i++) {
            failFrom(forwardedFor, username).expectStatus().isUnauthorized();
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

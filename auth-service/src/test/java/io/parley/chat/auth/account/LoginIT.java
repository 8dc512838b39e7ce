package io.parley.chat.auth.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.http.HttpStatus;

import io.parley.chat.auth.AuthServiceTestBase;

class LoginIT extends AuthServiceTestBase {

    @Test
    void everyKindOfFailedLoginGetsTheSameProblem() {
        RegisteredUser user = register();
        RegisteredUser disabled = register();
        disable(disabled);

        String wrongPassword = failedLogin(OPEN_TENANT, user.username(), "not the password");
        String unknownUser = failedLogin(OPEN_TENANT, uniqueUsername(), "not the password");
        String unknownTenant = failedLogin("no-such-tenant", user.username(), user.password());
        String disabledUser = failedLogin(OPEN_TENANT, disabled.username(), disabled.password());

        assertThat(wrongPassword).contains("https://parley.dev/problems/invalid-credentials");
        assertThat(withoutTraceId(unknownUser)).isEqualTo(withoutTraceId(wrongPassword));
        assertThat(withoutTraceId(unknownTenant)).isEqualTo(withoutTraceId(wrongPassword));
        assertThat(withoutTraceId(disabledUser)).isEqualTo(withoutTraceId(wrongPassword));
    }

    @Test
    void unknownUserCostsAPasswordHashLikeAWrongPassword() {
        RegisteredUser user = register();
        List<Long> wrongPassword = new ArrayList<>();
        List<Long> unknownUser = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            wrongPassword.add(timeFailedLogin(user.username()));
            unknownUser.add(timeFailedLogin(uniqueUsername()));
        }
        // A miss that skipped BCrypt would answer in a few milliseconds, a tenth of a hit.
        assertThat(median(unknownUser)).isGreaterThan(median(wrongPassword) / 2);
    }

    @Test
    void loginIgnoresTheCaseOfUsernameAndTenant() {
        RegisteredUser user = register(OPEN_TENANT, "Mixed-" + uniqueUsername());
        Map<String, Object> session = postJson("/api/v1/auth/login", Map.of("tenant", OPEN_TENANT.toUpperCase(),
                "username", user.username().toLowerCase(), "password", user.password()))
                .expectStatus().isOk()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(session.get("user")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("id", user.id())
                .containsEntry("username", user.username());
    }

    @Test
    void disabledUsersTokenNoLongerReadsTheirAccount() {
        RegisteredUser user = register();
        String accessToken = (String) login(user).get("accessToken");
        disable(user);
        expectProblem(me(accessToken), HttpStatus.UNAUTHORIZED, "account-unavailable");
    }

    private String failedLogin(String tenant, String username, String password) {
        return postJson("/api/v1/auth/login", Map.of("tenant", tenant, "username", username, "password", password))
                .expectStatus().isUnauthorized()
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private long timeFailedLogin(String username) {
        long start = System.nanoTime();
        failedLogin(OPEN_TENANT, username, "not the password");
        return System.nanoTime() - start;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private void disable(RegisteredUser user) {
        mongo.updateFirst(Query.query(Criteria.where("_id").is(user.id())), Update.update("disabled", true), "users")
                .block(Duration.ofSeconds(10));
    }

    /** Each answer names its own request's trace: that differs per request and says nothing of the account. */
    private static String withoutTraceId(String problem) {
        return problem.replaceAll(",?\"traceId\":\"[0-9a-f]*\"", "");
    }
}

package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import tools.jackson.databind.JsonNode;

/**
 * A login that ends takes effect everywhere while Kafka is down: with the broker paused
 * (SIGSTOP) at the moment of the logout or the disabling, the edge still closes the
 * login's sockets with 4001 and REST refuses its access token, within the bound of
 * docs/operations.md ("Ended logins"): auth-service stores the revocation, and every
 * service reads the stored list every 2 s. The user's other login is untouched by a logout.
 */
class SessionRevocationIT extends RunningCluster {

    /** The documented bound: one poll interval (2 s) plus one read (at most 5 s). */
    private static final Duration BOUND = Duration.ofSeconds(7);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aLogoutWhileKafkaIsPausedClosesTheLoginsSocketAndRefusesItsTokenOnRest() throws Exception {
        Login user = Login.register();
        JsonNode laptop = user.login();
        JsonNode phone = user.login();
        try (ChatSocket ending = connect(laptop); ChatSocket staying = connect(phone)) {
            ending.awaitOpen(WAIT);
            staying.awaitOpen(WAIT);
            rest(laptop, 200);

            try (PausedKafka paused = PausedKafka.pause(cluster)) {
                Api.expect(api.call("POST", "/api/v1/auth/logout", null,
                        Map.of("refreshToken", laptop.path("refreshToken").asString())), 204);
                long loggedOut = System.nanoTime();

                assertThat(ending.awaitClose(WAIT)).isEqualTo(4001);
                assertThat(Duration.ofNanos(System.nanoTime() - loggedOut)).isLessThan(BOUND);
                Awaitility.await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                        .until(() -> api.call("GET", "/api/v1/conversations", token(laptop), null).status() == 401);
                rest(phone, 200);
                staying.send(Map.of("type", "ping", "id", "still-here"));
                staying.await(f -> "still-here".equals(f.path("id").asString()), WAIT);
            }
            // and on every service's own port too, not only at the gateway; a new socket is refused at the handshake
            for (var endpoint : ProtectedEndpoints.of(cluster).entrySet()) {
                assertThat(ProtectedEndpoints.status(endpoint.getValue(), token(laptop))).as(endpoint.getKey())
                        .isEqualTo(401);
                assertThat(ProtectedEndpoints.status(endpoint.getValue(), token(phone))).as(endpoint.getKey())
                        .isNotEqualTo(401);
            }
            assertThatThrownBy(() -> connect(laptop).awaitOpen(WAIT)).hasStackTraceContaining("401");
        }
    }

    @Test
    void disablingAnAccountWhileKafkaIsPausedEndsEveryLoginOfIt() throws Exception {
        Login user = Login.register();
        JsonNode laptop = user.login();
        JsonNode phone = user.login();
        String admin = api.platformAdminToken(cluster);
        try (ChatSocket first = connect(laptop); ChatSocket second = connect(phone)) {
            first.awaitOpen(WAIT);
            second.awaitOpen(WAIT);

            try (PausedKafka paused = PausedKafka.pause(cluster)) {
                Api.expect(api.call("PATCH", "/api/v1/users/" + user.id, admin, Map.of("disabled", true)), 200);

                assertThat(first.awaitClose(WAIT)).isEqualTo(4001);
                assertThat(second.awaitClose(WAIT)).isEqualTo(4001);
                Awaitility.await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                        .until(() -> api.call("GET", "/api/v1/conversations", token(phone), null).status() == 401);
                rest(laptop, 401);
            }
        }
    }

    private static ChatSocket connect(JsonNode login) {
        return ChatSocket.connect(cluster.gatewayWebSocketUrl(), token(login), Auth.HEADER);
    }

    private static String token(JsonNode login) {
        return login.path("accessToken").asString();
    }

    private static void rest(JsonNode login, int status) throws Exception {
        Api.expect(api.call("GET", "/api/v1/conversations", token(login), null), status);
    }

    private record Login(String id, String username, String password) {

        static Login register() throws Exception {
            String username = "ender-" + UUID.randomUUID().toString().substring(0, 8);
            String password = "pw-" + UUID.randomUUID();
            Api.Reply registered = api.call("POST", "/api/v1/auth/register", null, Map.of("tenant", "default",
                    "username", username, "password", password, "displayName", "Ender"));
            Api.expect(registered, 201);
            return new Login(registered.body().path("id").asString(), username, password);
        }

        JsonNode login() throws Exception {
            Api.Reply login = api.call("POST", "/api/v1/auth/login", null,
                    Map.of("tenant", "default", "username", username, "password", password));
            Api.expect(login, 200);
            return login.body();
        }
    }
}

package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import tools.jackson.databind.JsonNode;

/**
 * A logout ends that login's live sockets (auth-service publishes SessionRevoked, the edge
 * closes the sockets whose token names the login with 4001); the user's other logins stay.
 */
class SessionEndIT extends RunningCluster {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static JsonNode login(String username, String password) throws Exception {
        Api.Reply login = api.call("POST", "/api/v1/auth/login", null,
                Map.of("tenant", "default", "username", username, "password", password));
        Api.expect(login, 200);
        return login.body();
    }

    @Test
    void aLogoutClosesTheSocketsOfThatLoginWith4001AndNoOthers() throws Exception {
        String username = "leaver-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "pw-" + UUID.randomUUID();
        Api.expect(api.call("POST", "/api/v1/auth/register", null, Map.of("tenant", "default", "username", username,
                "password", password, "displayName", "Leaver")), 201);
        JsonNode laptop = login(username, password);
        JsonNode phone = login(username, password);
        try (ChatSocket ending = ChatSocket.connect(cluster.gatewayWebSocketUrl(), laptop.path("accessToken").asString(),
                Auth.HEADER);
             ChatSocket staying = ChatSocket.connect(cluster.gatewayWebSocketUrl(), phone.path("accessToken").asString(),
                     Auth.HEADER)) {
            ending.awaitOpen(WAIT);
            staying.awaitOpen(WAIT);

            Api.expect(api.call("POST", "/api/v1/auth/logout", null,
                    Map.of("refreshToken", laptop.path("refreshToken").asString())), 204);

            assertThat(ending.awaitClose(WAIT)).isEqualTo(4001);
            staying.send(Map.of("type", "ping", "id", "still-here"));
            staying.await(f -> "still-here".equals(f.path("id").asString()), WAIT);
            assertThat(staying.isOpen()).isTrue();
        }
    }
}

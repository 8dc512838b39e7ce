package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.SignedJWT;

import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import tools.jackson.databind.JsonNode;

/**
 * "Revoke this kid now" (issue 22) where users meet it: a platform admin revokes the key
 * that signs tokens now, and within the revocation list's bound (one poll of 2 s plus one
 * read) every edge closes the sockets opened with its tokens with 4001, and the gateway
 * and every service refuse them. The user refreshes (the refresh token is not signed by the
 * key), gets a token of the key that replaced it, and is back, on REST and on a socket.
 */
class SigningKeyRevocationIT extends RunningCluster {

    private static final Duration BOUND = Duration.ofSeconds(7);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void revokingTheSigningKeyClosesItsSocketsRefusesItsTokensAndARefreshBringsTheUserBack() throws Exception {
        String tenant = api.newTenant(cluster);
        String username = "kr-" + UUID.randomUUID().toString().substring(0, 8);
        String password = "pw-" + UUID.randomUUID();
        Api.expect(api.call("POST", "/api/v1/auth/register", null, Map.of("tenant", tenant, "username", username,
                "password", password, "displayName", "Key Revoked")), 201);
        Api.Reply login = api.call("POST", "/api/v1/auth/login", null, Map.of("tenant", tenant, "username", username,
                "password", password));
        Api.expect(login, 200);
        String token = login.body().path("accessToken").asString();
        String kid = SignedJWT.parse(token).getHeader().getKeyID();
        String admin = api.platformAdminToken(cluster);

        // one socket per edge replica at least: the balancer spreads handshakes round robin
        ChatSocket[] sockets = new ChatSocket[cluster.replicas("realtime-edge")];
        try {
            for (int i = 0; i < sockets.length; i++) {
                sockets[i] = ChatSocket.connect(cluster.gatewayWebSocketUrl(), token, Auth.HEADER);
                sockets[i].awaitOpen(WAIT);
            }
            Api.expect(api.call("GET", "/api/v1/conversations", token, null), 200);

            Api.Reply revoked = api.call("POST", "/api/v1/keys/" + kid + "/revoke", admin, Map.of());
            Api.expect(revoked, 200);
            long at = System.nanoTime();
            assertThat(revoked.body().path("revoked").asString()).isEqualTo(kid);
            assertThat(revoked.body().path("kid").asString()).as("the key that signs from now on").isNotEqualTo(kid);

            for (ChatSocket socket : sockets) {
                assertThat(socket.awaitClose(WAIT)).isEqualTo(4001);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - at)).as("sockets closed within").isLessThan(BOUND);
            Awaitility.await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                    .until(() -> api.call("GET", "/api/v1/conversations", token, null).status() == 401);
            for (var endpoint : ProtectedEndpoints.of(cluster).entrySet()) {
                Awaitility.await(endpoint.getKey()).atMost(BOUND).pollInterval(Duration.ofMillis(200))
                        .until(() -> ProtectedEndpoints.status(endpoint.getValue(), token) == 401);
            }
            assertThatThrownBy(() -> ChatSocket.connect(cluster.gatewayWebSocketUrl(), token, Auth.HEADER).awaitOpen(WAIT))
                    .hasStackTraceContaining("401");
            JsonNode jwks = api.call("GET", "/.well-known/jwks.json", null, null).body();
            for (JsonNode key : jwks.path("keys")) {
                assertThat(key.path("kid").asString()).as("a kid the JWKS still lists").isNotEqualTo(kid);
            }
        } finally {
            for (ChatSocket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }

        Api.Reply refreshed = api.call("POST", "/api/v1/auth/refresh", null,
                Map.of("refreshToken", login.body().path("refreshToken").asString()));
        Api.expect(refreshed, 200);
        String fresh = refreshed.body().path("accessToken").asString();
        assertThat(SignedJWT.parse(fresh).getHeader().getKeyID()).isNotEqualTo(kid);
        Api.expect(api.call("GET", "/api/v1/conversations", fresh, null), 200);
        try (ChatSocket back = ChatSocket.connect(cluster.gatewayWebSocketUrl(), fresh, Auth.HEADER)) {
            assertThat(back.awaitOpen(WAIT)).isEqualTo("chat.v1");
        }
    }
}

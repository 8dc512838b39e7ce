package io.parley.chat.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.parley.chat.cluster.LocalCluster;
import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import io.parley.chat.testkit.TestTokens;
import tools.jackson.databind.JsonNode;

/** Bad input on the slice, through the gateway: a clear 4xx problem or an error frame, never a 5xx, nothing stored. */
class BadInputIT extends RunningCluster {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void restRejectsBadRequestsWithProblemDetailsAndStoresNothing() throws Exception {
        Api.User alice = api.newUser("alice");
        Api.User mallory = api.newUser("mallory");
        String conversation = api.createGroup(alice, List.of());
        String messages = "/api/v1/conversations/" + conversation + "/messages";
        String foreignToken = TestTokens.sign(TestTokens.generateKey(),
                TestTokens.claims(alice.id(), "any", Instant.now(), Duration.ofMinutes(5)).build());

        problem(api.raw("POST", messages, null, "{\"clientMsgId\":\"a\",\"body\":\"hi\"}"), 401);
        problem(api.raw("POST", messages, foreignToken, "{\"clientMsgId\":\"a\",\"body\":\"hi\"}"), 401);
        problem(api.raw("POST", messages, alice.token(), "{not json"), 400);
        problem(api.raw("POST", messages, alice.token(), "{\"body\":\"no id\"}"), 400);
        problem(api.raw("POST", messages, alice.token(), "{\"clientMsgId\":\"a\"}"), 400);
        problem(api.raw("POST", messages, alice.token(),
                "{\"clientMsgId\":\"a\",\"body\":\"" + "x".repeat(70_000) + "\"}"), 413);
        problem(api.raw("POST", messages, mallory.token(), "{\"clientMsgId\":\"a\",\"body\":\"let me in\"}"), 404);
        problem(api.raw("POST", "/api/v1/conversations", alice.token(), "{\"type\":\"NOPE\",\"title\":\"t\"}"), 400);
        problem(api.raw("POST", "/api/v1/auth/register", null, "{\"tenant\":\"default\"}"), 400);
        problem(api.raw("GET", "/internal/v1/conversations/" + conversation + "/membership", alice.token(), null), 404);
        // a cursor that no list handed out, on each list
        for (String list : List.of(messages, "/api/v1/conversations", "/api/v1/conversations/channels", "/api/v1/users")) {
            Api.Reply refused = api.raw("GET", list + "?cursor=bogus", alice.token(), null);
            problem(refused, 400);
            assertThat(refused.body().path("code").asString()).as(list).isEqualTo("invalid-request");
        }

        Api.Reply history = api.call("GET", messages + "?afterSeq=0", alice.token(), null);
        Api.expect(history, 200);
        assertThat(history.body().get("items")).isEmpty();
    }

    @Test
    void webSocketAnswersBadFramesAndNonMembersWithErrorFrames() throws Exception {
        Api.User alice = api.newUser("alice");
        Api.User mallory = api.newUser("mallory");
        String conversation = api.createGroup(alice, List.of());
        try (ChatSocket socket = ChatSocket.connect(cluster.gatewayWebSocketUrl(), mallory.token(), Auth.HEADER)) {
            socket.awaitOpen(WAIT);
            socket.send("{\"type\":\"send\",\"id\":\"x1\",\"conversationId\":\"" + conversation
                    + "\",\"clientMsgId\":\"m1\",\"body\":\"let me in\"}");
            socket.send("{\"type\":\"subscribe\",\"id\":\"x2\",\"conversationId\":\"" + conversation + "\",\"afterSeq\":0}");
            socket.send("[1,2,3]");
            JsonNode refused = error(socket, "x1");
            assertThat(refused.path("code").asString()).isEqualTo("not-found");
            assertThat(refused.path("legacyCode").asString()).as("the old spelling, for one version").isEqualTo("not_found");
            assertThat(error(socket, "x2").path("code").asString()).isEqualTo("not-found");
            socket.await(f -> f.path("type").asString().equals("error") && f.path("id").isNull()
                    && f.path("code").asString().equals("invalid"), WAIT);
            socket.send(Map.of("type", "ping", "id", "alive"));
            socket.await(f -> "alive".equals(f.path("id").asString()), WAIT);
        }
        try (ChatSocket anonymous = ChatSocket.connect(cluster.gatewayWebSocketUrl(), null, Auth.NONE)) {
            assertThatThrownBy(() -> anonymous.awaitOpen(WAIT)).hasMessageContaining("401");
        }
        Api.Reply history = api.call("GET", "/api/v1/conversations/" + conversation + "/messages", alice.token(), null);
        assertThat(history.body().get("items")).isEmpty();
    }

    @Test
    void everyServiceIsReadyAndExposesItsMetrics() throws Exception {
        for (String service : LocalCluster.SERVICES) {
            Api direct = new Api("http://127.0.0.1:" + cluster.port(service));
            Api.expect(direct.call("GET", "/actuator/health/liveness", null, null), 200);
            Api.expect(direct.call("GET", "/actuator/health/readiness", null, null), 200);
        }
        assertThat(Metrics.scrape(cluster, "realtime-edge")).contains("chat_ws_connections", "chat_send_duration_seconds_bucket",
                "chat_delivery_latency_seconds_bucket", "chat_fanout_deliveries_total");
        assertThat(Metrics.scrape(cluster, "message-service")).contains("chat_outbox_unpublished", "chat_messages_sent_total");
    }

    private static JsonNode error(ChatSocket socket, String id) throws InterruptedException {
        JsonNode frame = socket.await(f -> id.equals(f.path("id").asString()), WAIT);
        assertThat(frame.path("type").asString()).as(frame.toString()).isEqualTo("error");
        return frame;
    }

    private static void problem(Api.Reply reply, int status) {
        assertThat(reply.status()).as(reply.body().toString()).isEqualTo(status);
        assertThat(reply.contentType()).as(reply.body().toString()).startsWith("application/problem+json");
        assertThat(reply.body().path("type").asString()).startsWith("https://parley.dev/problems/");
        assertThat(reply.body().path("detail").asString()).isNotBlank();
        // the two fields an error frame has too, whichever part of the cluster wrote the problem
        assertThat(reply.body().path("type").asString()).as(reply.body().toString())
                .isEqualTo("https://parley.dev/problems/" + reply.body().path("code").asString());
        assertThat(reply.body().path("retryable").isBoolean()).as(reply.body().toString()).isTrue();
    }
}

package io.parley.chat.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import io.parley.chat.testkit.ChatSocket;
import io.parley.chat.testkit.ChatSocket.Auth;
import io.parley.chat.testkit.TestInfrastructure;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * What the edge's one shared clock does for every socket: close the silent ones, keep
 * the talking ones, and report live sessions to presence-service until they close.
 */
@TestPropertySource(properties = {"chat.edge.idle-timeout=3s", "chat.edge.heartbeat-interval=1s"})
class EdgeTimersIT extends StandInEdge {

    @Test
    void closesASilentSocketWith1001AndKeepsOneThatPings() throws Exception {
        try (ChatSocket silent = connect("u-" + UUID.randomUUID(), "t1");
             ChatSocket talking = connect("u-" + UUID.randomUUID(), "t1")) {
            // a ping every 300 ms, well inside the 3 s idle timeout
            Disposable pinger = Flux.interval(Duration.ZERO, Duration.ofMillis(300)).take(100)
                    .subscribe(i -> talking.send(Map.of("type", "ping", "id", "p" + i)));
            try {
                assertThat(silent.awaitClose(WAIT)).isEqualTo(1001);
                assertThat(talking.isOpen()).as("a socket that sends frames is not idle").isTrue();
            } finally {
                pinger.dispose();
            }
        }
    }

    @Test
    void reportsTheSessionToPresenceUntilItCloses() throws Exception {
        String user = "u-" + UUID.randomUUID();
        ChatSocket socket = ChatSocket.connect("ws://localhost:" + port + "/ws",
                TestInfrastructure.tokens().mint(user, "t1"), Auth.HEADER);
        socket.awaitOpen(WAIT);
        socket.send(Map.of("type", "ping", "id", "keep"));
        await().atMost(WAIT).until(() -> sessionCalls(user, "PUT") >= 2);
        socket.close();
        await().atMost(WAIT).until(() -> sessionCalls(user, "DELETE") == 1);
        long putsAfterClose = sessionCalls(user, "PUT");
        // the clock no longer sees the session: one more tick's worth of time adds no heartbeat
        await().pollDelay(Duration.ofMillis(1500)).atMost(WAIT)
                .until(() -> sessionCalls(user, "PUT") == putsAfterClose);
    }

    @Test
    void heartbeatsTravelTogetherAndOneByOneToAPresenceServiceWithoutTheBatchEndpoint() throws Exception {
        String user = "u-" + UUID.randomUUID();
        long batchesBefore = batchCalls();
        ChatSocket socket = ChatSocket.connect("ws://localhost:" + port + "/ws",
                TestInfrastructure.tokens().mint(user, "t1"), Auth.HEADER);
        socket.awaitOpen(WAIT);
        Disposable pinger = Flux.interval(Duration.ZERO, Duration.ofMillis(500)).take(60)
                .subscribe(i -> socket.send(Map.of("type", "ping", "id", "p" + i))); // inside the idle timeout
        // the open is reported on its own; the heartbeats after it go in batches, with the token in each entry
        await().atMost(WAIT).until(() -> sessionCalls(user, "PUT") >= 3);
        assertThat(batchCalls()).isGreaterThan(batchesBefore);
        assertThat(UPSTREAM.calls().stream().filter(call -> user.equals(call.userId()) && call.path().equals(
                "/internal/v1/presence/heartbeats"))).isEmpty(); // no token in the batch call's own header

        UPSTREAM.batchHeartbeats(false);
        try {
            long singleBefore = singleHeartbeats(user);
            await().atMost(WAIT).until(() -> singleHeartbeats(user) >= singleBefore + 2);
        } finally {
            UPSTREAM.batchHeartbeats(true);
            pinger.dispose();
            socket.close();
        }
    }

    private static long batchCalls() {
        return UPSTREAM.calls().stream().filter(call -> call.path().equals("/internal/v1/presence/heartbeats")).count();
    }

    /** Heartbeats sent as a call of their own, with the token in the Authorization header (a batch entry has no body). */
    private static long singleHeartbeats(String user) {
        return UPSTREAM.calls().stream()
                .filter(call -> user.equals(call.userId()) && "PUT".equals(call.method()) && call.body() != null
                        && call.path().startsWith("/internal/v1/presence/sessions/"))
                .count();
    }

    private static long sessionCalls(String user, String method) {
        return UPSTREAM.calls().stream()
                .filter(call -> user.equals(call.userId()) && method.equals(call.method())
                        && call.path().startsWith("/internal/v1/presence/sessions/"))
                .count();
    }
}

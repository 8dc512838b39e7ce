package io.parley.chat.presence;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.parley.chat.testkit.RedisEndpoint;
import io.parley.chat.testkit.TestInfrastructure;

/** Presence is soft state: while Redis is down, reads say unknown and writes still succeed. */
class RedisOutageIT extends RunningService {

    @Test
    void answersUnknownAndAcceptsSessionsWhileRedisIsDown() throws Exception {
        String tenant = unique("t");
        String alice = unique("alice");
        String token = token(alice, tenant);
        RedisEndpoint redis = TestInfrastructure.redis();
        connect(token, "s0").expectStatus().isNoContent();
        presence(token, alice).expectStatus().isOk().expectBody().jsonPath("$[0].status").isEqualTo("online");

        // the service holds an open connection when Redis goes away
        redis.stop();
        try {
            presence(token, alice + ",bob").expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.length()").isEqualTo(2)
                    .jsonPath("$[0].status").isEqualTo("unknown")
                    .jsonPath("$[1].status").isEqualTo("unknown");
            connect(token, "s1").expectStatus().isNoContent();
            disconnect(token, "s1").expectStatus().isNoContent();
        } finally {
            redis.restart();
        }

        // the client reconnects by itself once Redis is back
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            connect(token, "s2").expectStatus().isNoContent();
            presence(token, alice).expectStatus().isOk().expectBody().jsonPath("$[0].status").isEqualTo("online");
        });
    }
}

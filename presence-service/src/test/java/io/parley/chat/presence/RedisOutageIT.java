package io.parley.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.parley.chat.presence.typing.TypingService;
import io.parley.chat.testkit.RedisEndpoint;
import io.parley.chat.testkit.TestInfrastructure;

/**
 * Presence is soft state: while Redis is down, reads say unknown, writes and typing still
 * answer (nothing 5xx), each failing component logs once per interval, and presence is
 * right again soon after Redis returns (empty: it keeps no snapshot) because the next
 * heartbeat of every session rewrites it.
 */
class RedisOutageIT extends RunningService {

    /** The edge heartbeats about every 20 s; presence must be right again within one period. */
    static final Duration HEARTBEAT_PERIOD = Duration.ofSeconds(20);

    @Test
    void degradesWithoutErrorsWhileRedisIsDownAndRecoversWithinAHeartbeat() throws Exception {
        Member member = member("alice");
        String alice = member.user();
        String conversation = member.conversation();
        String token = member.token();
        RedisEndpoint redis = TestInfrastructure.redis();
        connect(token, "s0").expectStatus().isNoContent();
        presence(token, alice).expectStatus().isOk().expectBody().jsonPath("$[0].status").isEqualTo("online");
        // cache the membership answer now, so typing below reaches the (failing) throttle
        typing(token, Map.of("conversationId", conversation)).expectStatus().isAccepted();

        List<ILoggingEvent> warnings = capture(PresenceService.class, TypingService.class);
        // the service holds an open connection when Redis goes away
        redis.stop();
        long restartedAt;
        try {
            for (int i = 0; i < 10; i++) {
                presence(token, alice + ",bob").expectStatus().isOk()
                        .expectBody()
                        .jsonPath("$.length()").isEqualTo(2)
                        .jsonPath("$[0].status").isEqualTo("unknown")
                        .jsonPath("$[1].status").isEqualTo("unknown");
                connect(token, "s1").expectStatus().isNoContent();
                disconnect(token, "s1").expectStatus().isNoContent();
                typing(token, Map.of("conversationId", conversation)).expectStatus().isAccepted()
                        .expectBody().jsonPath("$.relayed").isEqualTo(false);
                read(token, Map.of("conversationId", conversation, "seq", i)).expectStatus().isOk();
            }
        } finally {
            redis.restart();
            restartedAt = System.nanoTime();
        }

        assertThat(warnings).filteredOn(e -> e.getLoggerName().equals(PresenceService.class.getName())).hasSize(1);
        assertThat(warnings).filteredOn(e -> e.getLoggerName().equals(TypingService.class.getName())).hasSize(1);

        // Redis came back empty; the next heartbeat of the session restores its user
        Awaitility.await().atMost(HEARTBEAT_PERIOD).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            connect(token, "s0").expectStatus().isNoContent();
            presence(token, alice).expectStatus().isOk().expectBody().jsonPath("$[0].status").isEqualTo("online");
        });
        Duration recovery = Duration.ofNanos(System.nanoTime() - restartedAt);
        assertThat(recovery).isLessThan(HEARTBEAT_PERIOD);
    }

    private static List<ILoggingEvent> capture(Class<?>... sources) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                    super.append(event);
                }
            }
        };
        appender.start();
        for (Class<?> source : sources) {
            ((Logger) LoggerFactory.getLogger(source)).addAppender(appender);
        }
        return appender.list;
    }
}

package io.parley.chat.auth.token.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.contracts.events.Topics;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes {@code SessionRevoked} to {@value Topics#SESSIONS}, keyed by user id, so that
 * the edges close the sockets of a login that ended. Best effort, and bounded: the
 * revocation itself is already stored when this runs, and an access token outlives its
 * login by at most its short TTL whatever happens here, so a lost event only leaves a
 * socket open until its token expires (the edge closes it with 4001 then). A failed send
 * is logged and never fails the logout.
 */
@Component
public class SessionEventPublisher {

    private static final Logger log = LoggerFactory.getLogger(SessionEventPublisher.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final KafkaTemplate<String, String> kafka;
    private final JsonMapper json;

    SessionEventPublisher(KafkaTemplate<String, String> kafka, JsonMapper json) {
        this.kafka = kafka;
        this.json = json;
    }

    /** {@code sessionId}: the refresh-token family that ended, or null for every session of the user. */
    public Mono<Void> publishRevoked(String tenantId, String userId, String sessionId) {
        SessionEvent event = new SessionEvent(UUID.randomUUID().toString(), SessionEvent.Type.SessionRevoked, tenantId,
                userId, sessionId, Instant.now());
        String value = json.writeValueAsString(event);
        // send() can block for max.block.ms while it fetches metadata: keep it off the event loop
        return Mono.fromFuture(() -> kafka.send(Topics.SESSIONS, userId, value), true)
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(TIMEOUT)
                .doOnError(e -> log.warn("SessionRevoked not published: {}", e.getClass().getSimpleName()))
                .onErrorComplete()
                .then();
    }
}

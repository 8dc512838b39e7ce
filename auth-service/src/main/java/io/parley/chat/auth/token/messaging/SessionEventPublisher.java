package io.parley.chat.auth.token.messaging;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import io.parley.chat.auth.config.AuthProperties;
import io.parley.chat.auth.token.persistence.RevocationDocument;
import io.parley.chat.auth.token.persistence.RevocationRepository;
import io.parley.chat.contracts.events.SessionEvent;
import io.parley.chat.contracts.events.Topics;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ends logins for every service: the revocation is stored first (in
 * {@code session_revocations}, until the access tokens it concerns have expired), then
 * {@code SessionRevoked} is published to {@value Topics#SESSIONS}, keyed by user id.
 *
 * <p>The stored revocation is the guarantee: every service reads the list every
 * {@code chat.security.revocations.poll-every} (service-kit's {@code RevokedSessions}), so
 * REST refuses the login's access tokens and the edges close its sockets within that
 * bound even when Kafka is down, and an edge that starts later still knows of it. The
 * event only makes that quicker; a failed or slow send is logged and never fails the
 * logout. A revocation that cannot be stored does fail it: the client retries.
 */
@Component
public class SessionEventPublisher {

    private static final Logger log = LoggerFactory.getLogger(SessionEventPublisher.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    /** Past an access token's lifetime, plus the clock skew services allow, a revocation concerns no live token. */
    private static final Duration KEEP_BEYOND_TTL = Duration.ofMinutes(2);

    private final KafkaTemplate<String, String> kafka;
    private final JsonMapper json;
    private final RevocationRepository revocations;
    private final Duration keep;

    SessionEventPublisher(KafkaTemplate<String, String> kafka, JsonMapper json, RevocationRepository revocations,
                          AuthProperties properties) {
        this.kafka = kafka;
        this.json = json;
        this.revocations = revocations;
        this.keep = properties.accessTokenTtl().plus(KEEP_BEYOND_TTL);
    }

    /** {@code sessionId}: the refresh-token family that ended, or null for every session of the user. */
    public Mono<Void> revoke(String tenantId, String userId, String sessionId) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        SessionEvent event = new SessionEvent(UUID.randomUUID().toString(), SessionEvent.Type.SessionRevoked, tenantId,
                userId, sessionId, at);
        return revocations.insert(new RevocationDocument(event.eventId(), tenantId, userId, sessionId, at, at.plus(keep), null))
                .then(publish(event));
    }

    private Mono<Void> publish(SessionEvent event) {
        String value = json.writeValueAsString(event);
        // send() can block for max.block.ms while it fetches metadata: keep it off the event loop
        return Mono.fromFuture(() -> kafka.send(Topics.SESSIONS, event.userId(), value), true)
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(TIMEOUT)
                .doOnError(e -> log.warn("SessionRevoked not published: {}", e.getClass().getSimpleName()))
                .onErrorComplete()
                .then();
    }
}

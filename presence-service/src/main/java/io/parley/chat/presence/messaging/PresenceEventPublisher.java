package io.parley.chat.presence.messaging;

import java.time.Instant;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.PresenceEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.presence.FailureLog;
import io.parley.chat.presence.Status;
import io.parley.chat.presence.config.PresenceProperties;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes status transitions, typing and read markers to {@value Topics#PRESENCE}, keyed
 * by tenant id so that one tenant's events stay in order in one partition. Best effort: presence is soft state
 * and edges re-read it, so a failed send is logged (throttled) and never fails the request.
 */
@Component
public class PresenceEventPublisher {

    private static final Logger log = LoggerFactory.getLogger(PresenceEventPublisher.class);

    private final KafkaTemplate<String, String> kafka;
    private final JsonMapper json;
    private final PresenceProperties properties;
    private final FailureLog failures;

    public PresenceEventPublisher(KafkaTemplate<String, String> kafka, JsonMapper json, PresenceProperties properties) {
        this.kafka = kafka;
        this.json = json;
        this.properties = properties;
        this.failures = new FailureLog(log, properties.failureLogInterval());
    }

    public Mono<Void> publishChanged(String tenantId, String userId, Status status, Instant at) {
        return publish(new PresenceEvent(UUID.randomUUID().toString(), PresenceEvent.Type.PresenceChanged,
                tenantId, userId, null, status.wire(), null, at)).then();
    }

    /** Emits whether Kafka took the event. */
    public Mono<Boolean> publishTyping(String tenantId, String userId, String conversationId, Instant at) {
        return publish(new PresenceEvent(UUID.randomUUID().toString(), PresenceEvent.Type.Typing,
                tenantId, userId, conversationId, null, null, at));
    }

    public Mono<Void> publishReadMarker(String tenantId, String userId, String conversationId, long seq, Instant at) {
        return publish(new PresenceEvent(UUID.randomUUID().toString(), PresenceEvent.Type.ReadMarker,
                tenantId, userId, conversationId, null, seq, at)).then();
    }

    private Mono<Boolean> publish(PresenceEvent event) {
        String value = json.writeValueAsString(event);
        // send() can block for max.block.ms while it fetches metadata: keep it off the event loop
        return Mono.fromFuture(() -> kafka.send(Topics.PRESENCE, event.tenantId(), value), true)
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(properties.publishTimeout())
                .thenReturn(true)
                .onErrorResume(e -> {
                    failures.warn("Publishing " + event.type(), e);
                    return Mono.just(false);
                });
    }
}

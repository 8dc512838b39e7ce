package io.parley.chat.conversation.api;

import java.time.Instant;
import java.util.List;

import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.conversation.persistence.OutboxRepository;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The conversation events of the last {@code chat.conversation.keep-published}, published
 * to Kafka or not yet, for the replicas that must apply removals and role changes even
 * when Kafka does not bring them (service-kit's {@code ConversationEvents} reads it every
 * few seconds). Internal: the gateway never routes {@code /internal/**}, and it asks for no
 * token, as a replica reads it with no user's (the network policy admits only the
 * cluster's services). It names conversations, users and roles, never a message.
 */
@RestController
@Validated
class ConversationEventsController {

    static final int PAGE = 500;

    private final OutboxRepository outbox;
    private final JsonMapper json;

    ConversationEventsController(OutboxRepository outbox, JsonMapper json) {
        this.outbox = outbox;
        this.json = json;
    }

    /**
     * Events stored at or after {@code since} (epoch milliseconds; 0 for all still listed),
     * in the order they were stored, at most {@value #PAGE}, each with the time it was stored;
     * a full page means ask again from the last one's {@code storedAt}.
     */
    @GetMapping("/internal/v1/conversation-events")
    Mono<EventPage> since(@RequestParam(defaultValue = "0") @Min(0) @Max(Long.MAX_VALUE) long since) {
        Instant now = Instant.now();
        return outbox.since(Instant.ofEpochMilli(since), PAGE)
                .map(entry -> new Listed(entry.createdAt().toEpochMilli(),
                        json.readValue(entry.value(), ConversationEvent.class)))
                .collectList()
                .map(items -> new EventPage(items, now.toEpochMilli()));
    }

    record EventPage(List<Listed> items, long now) {
    }

    record Listed(long storedAt, ConversationEvent event) {
    }
}

package io.parley.chat.conversation.messaging;

import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.conversation.Conversation;
import io.parley.chat.conversation.Member;
import io.parley.chat.conversation.config.ConversationProperties;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes conversation changes to {@value Topics#CONVERSATIONS}, keyed by conversation id
 * so that one conversation's events stay in order in one partition.
 *
 * <p>Publishing is best effort for now: the change is already stored, so a failed or slow
 * send is logged and the request still succeeds. Consumers that miss an event (message-service's
 * membership cache) fall back to asking this service. An outbox will make delivery certain.
 */
@Component
public class ConversationEventPublisher {

    private static final Logger log = LoggerFactory.getLogger(ConversationEventPublisher.class);

    private final KafkaTemplate<String, String> kafka;
    private final JsonMapper json;
    private final ConversationProperties properties;

    public ConversationEventPublisher(KafkaTemplate<String, String> kafka, JsonMapper json,
                                      ConversationProperties properties) {
        this.kafka = kafka;
        this.json = json;
        this.properties = properties;
    }

    public Mono<Void> publishCreated(Conversation conversation, List<Member> members) {
        ConversationEvent event = new ConversationEvent(UUID.randomUUID().toString(),
                ConversationEvent.Type.ConversationCreated, conversation.tenantId(), conversation.id(),
                members.stream().map(Member::userId).toList(), null, conversation.createdAt());
        return send(event);
    }

    private Mono<Void> send(ConversationEvent event) {
        String value = json.writeValueAsString(event);
        // send() can block for max.block.ms while it fetches metadata: keep it off the event loop
        return Mono.fromFuture(() -> kafka.send(Topics.CONVERSATIONS, event.conversationId(), value), true)
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(properties.publishTimeout())
                .doOnError(e -> log.warn("Publishing {} for conversation {} failed: {}", event.type(),
                        event.conversationId(), e.toString()))
                .onErrorComplete()
                .then();
    }
}

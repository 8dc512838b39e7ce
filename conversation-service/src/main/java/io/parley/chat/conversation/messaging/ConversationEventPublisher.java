package io.parley.chat.conversation.messaging;

import java.time.Instant;
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
import io.parley.chat.conversation.Role;
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

    /** {@code userIds} are the users who became members, {@code role} the role they got. */
    public Mono<Void> publishMembersAdded(Conversation conversation, List<String> userIds, Role role, Instant at) {
        return send(event(ConversationEvent.Type.MemberAdded, conversation, userIds, role, at));
    }

    /** Consumers drop cached memberships of {@code userIds} (message-service's cache is keyed per user). */
    public Mono<Void> publishMemberRemoved(Conversation conversation, String userId, Instant at) {
        return send(event(ConversationEvent.Type.MemberRemoved, conversation, List.of(userId), null, at));
    }

    /**
     * Title or settings changed: {@code userIds} is empty, meaning every member. A role change
     * is also a ConversationUpdated, with the one affected user and the new {@code role}.
     */
    public Mono<Void> publishUpdated(Conversation conversation, List<String> userIds, Role role, Instant at) {
        return send(event(ConversationEvent.Type.ConversationUpdated, conversation, userIds, role, at));
    }

    private static ConversationEvent event(ConversationEvent.Type type, Conversation conversation, List<String> userIds,
                                           Role role, Instant at) {
        return new ConversationEvent(UUID.randomUUID().toString(), type, conversation.tenantId(), conversation.id(),
                List.copyOf(userIds), role == null ? null : role.wire(), at);
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

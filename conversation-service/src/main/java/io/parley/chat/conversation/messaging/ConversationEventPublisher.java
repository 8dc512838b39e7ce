package io.parley.chat.conversation.messaging;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import io.parley.chat.conversation.persistence.OutboxEntry;
import io.parley.chat.conversation.persistence.OutboxRepository;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes conversation changes to {@value Topics#CONVERSATIONS}, keyed by conversation id
 * so that one conversation's events stay in order in one partition.
 *
 * <p>At least once: each event is stored in the outbox right after its change, then
 * published at once and marked published when Kafka acknowledged it (it stays listed a
 * while for the replicas that read recent events from here, see
 * {@code ConversationEventsController}). One that Kafka did not take
 * (down, slow past {@code publish-timeout}, or this replica died in between) stays, and
 * {@link OutboxSweeper} publishes it. An event never overtakes an older one of its
 * conversation that is still waiting: it is then left to the sweeper, which publishes in
 * the order they were stored (a removal and a re-add must reach the edges in that order).
 * The request succeeds once the event is stored, whatever Kafka does.
 */
@Component
public class ConversationEventPublisher {

    private static final Logger log = LoggerFactory.getLogger(ConversationEventPublisher.class);

    private final KafkaTemplate<String, String> kafka;
    private final JsonMapper json;
    private final ConversationProperties properties;
    private final OutboxRepository outbox;

    public ConversationEventPublisher(KafkaTemplate<String, String> kafka, JsonMapper json,
                                      ConversationProperties properties, OutboxRepository outbox) {
        this.kafka = kafka;
        this.json = json;
        this.properties = properties;
        this.outbox = outbox;
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
        OutboxEntry entry = new OutboxEntry(event.eventId(), event.conversationId(), json.writeValueAsString(event),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), null);
        return outbox.insert(entry)
                .flatMap(outbox::hasOlder)
                .flatMap(behind -> behind ? Mono.empty() : publish(entry)
                        .onErrorResume(e -> {
                            log.warn("Publishing {} for conversation {} failed ({}); the outbox sweeper retries",
                                    event.type(), event.conversationId(), e.toString());
                            return Mono.empty();
                        }))
                .then();
    }

    /** Publishes one stored entry and, once Kafka acknowledged it, marks it published. */
    Mono<Void> publish(OutboxEntry entry) {
        // send() can block for max.block.ms while it fetches metadata: keep it off the event loop
        return Mono.fromFuture(() -> kafka.send(Topics.CONVERSATIONS, entry.conversationId(), entry.value()), true)
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(properties.publishTimeout())
                .then(Mono.defer(() -> outbox.markPublished(entry.id(), Instant.now())));
    }
}

package io.parley.chat.kit.membership;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.kit.events.EventReader;

/**
 * Drops cached memberships when conversation-service says they changed. Every replica
 * must see every event, so each consumes in a group of its own from the latest offset:
 * what it missed while down is bounded by the cache TTL.
 */
class MembershipEventListener {

    private final MembershipClient membership;
    private final EventReader events;

    MembershipEventListener(MembershipClient membership, EventReader events) {
        this.membership = membership;
        this.events = events;
    }

    @KafkaListener(topics = Topics.CONVERSATIONS, groupId = "${spring.application.name}-membership-${random.uuid}",
            properties = "auto.offset.reset=latest")
    void onEvent(ConsumerRecord<String, String> record) {
        events.read(record, ConversationEvent.class)
                .filter(event -> event.type() == ConversationEvent.Type.MemberRemoved && event.conversationId() != null)
                .ifPresent(this::forget);
    }

    private void forget(ConversationEvent removal) {
        if (removal.userIds() == null || removal.userIds().isEmpty()) {
            membership.invalidate(removal.tenantId(), removal.conversationId(), null);
        } else {
            removal.userIds().forEach(u -> membership.invalidate(removal.tenantId(), removal.conversationId(), u));
        }
    }
}

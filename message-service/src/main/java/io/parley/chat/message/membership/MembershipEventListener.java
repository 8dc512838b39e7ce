package io.parley.chat.message.membership;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.ConversationEvent;
import io.parley.chat.contracts.events.Topics;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drops cached memberships when conversation-service says they changed. Every replica
 * must see every event, so each consumes in a group of its own from the latest offset:
 * what it missed while down is bounded by the cache TTL.
 */
@Component
class MembershipEventListener {

    private static final Logger log = LoggerFactory.getLogger(MembershipEventListener.class);

    private final MembershipClient membership;
    private final JsonMapper json;

    MembershipEventListener(MembershipClient membership, JsonMapper json) {
        this.membership = membership;
        this.json = json;
    }

    @KafkaListener(topics = Topics.CONVERSATIONS, groupId = "message-service-${random.uuid}")
    void onEvent(String value) {
        ConversationEvent event;
        try {
            event = json.readValue(value, ConversationEvent.class);
        } catch (RuntimeException e) {
            log.warn("Skipping an unreadable record on {}: {}", Topics.CONVERSATIONS, e.getClass().getSimpleName());
            return;
        }
        if (event.type() == ConversationEvent.Type.MemberRemoved && event.conversationId() != null) {
            if (event.userIds() == null || event.userIds().isEmpty()) {
                membership.invalidate(event.tenantId(), event.conversationId(), null);
            } else {
                event.userIds().forEach(u -> membership.invalidate(event.tenantId(), event.conversationId(), u));
            }
        }
    }
}

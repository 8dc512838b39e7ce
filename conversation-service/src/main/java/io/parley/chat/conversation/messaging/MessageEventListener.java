package io.parley.chat.conversation.messaging;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.MessageEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.kit.events.EventReader;
import io.parley.chat.conversation.persistence.ConversationRepository;

/**
 * Keeps each conversation's {@code headSeq} and {@code lastActivityAt} in step with
 * {@value Topics#MESSAGES}, so the conversation list reads them from its own documents
 * instead of asking message-service per conversation.
 *
 * <p>Replicas share the group {@code conversation-service}: each event needs applying once,
 * and applying it again (a rebalance, a redelivery) is harmless because the update only
 * moves values forward. Blocking is fine here: this is a Kafka consumer thread, not a
 * request path, and waiting for the write is what makes the offset commit mean "applied".
 * A failed write throws, and the container's error handler retries the record.
 */
@Component
class MessageEventListener {

    private static final Logger log = LoggerFactory.getLogger(MessageEventListener.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final ConversationRepository conversations;
    private final EventReader events;

    MessageEventListener(ConversationRepository conversations, EventReader events) {
        this.conversations = conversations;
        this.events = events;
    }

    @KafkaListener(topics = Topics.MESSAGES, groupId = "conversation-service")
    void onEvent(ConsumerRecord<String, String> record) {
        MessageEvent event = events.read(record, MessageEvent.class).orElse(null);
        if (event == null) {
            return;
        }
        if (event.conversationId() == null || event.tenantId() == null || event.seq() <= 0) {
            log.warn("Skipping a {} record without conversation, tenant or seq", Topics.MESSAGES);
            return;
        }
        conversations.advanceHead(event.tenantId(), event.conversationId(), event.seq(), activityTime(event))
                .block(WRITE_TIMEOUT);
    }

    private static java.time.Instant activityTime(MessageEvent event) {
        return event.editedAt() != null && event.type() != MessageEvent.Type.MessageCreated
                ? event.editedAt() : event.createdAt();
    }
}

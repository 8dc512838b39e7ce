package io.parley.chat.conversation.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.MessageEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.kit.events.EventReader;
import io.parley.chat.conversation.persistence.ConversationRepository;
import reactor.core.publisher.Flux;

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

    /**
     * A poll's records at once: only the highest seq and latest activity per conversation
     * is written, so a busy conversation costs one write per poll rather than one per
     * message. The broker holds each fetch until 16 KB of records or 50 ms have gathered,
     * so that a poll under load carries several messages (a poll, its offset commit and its
     * write cost about 3 ms of CPU whatever they carry). The list trails the log by at most
     * that when traffic is light: 200 ms was tried and measured cheaper still, but a person
     * signing in right after a message was sent should find it in their unread count, and
     * the edge's {@code activity} frames only tell of messages after their socket opened.
     */
    @KafkaListener(topics = Topics.MESSAGES, groupId = "conversation-service", batch = "true",
            properties = {"fetch.min.bytes=16384", "fetch.max.wait.ms=50"})
    void onEvents(List<ConsumerRecord<String, String>> records) {
        Map<String, Head> heads = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            MessageEvent event = events.read(record, MessageEvent.class).orElse(null);
            if (event == null) {
                continue;
            }
            if (event.conversationId() == null || event.tenantId() == null || event.seq() <= 0) {
                log.warn("Skipping a {} record without conversation, tenant or seq", Topics.MESSAGES);
                continue;
            }
            heads.merge(event.tenantId() + "/" + event.conversationId(),
                    new Head(event.tenantId(), event.conversationId(), event.seq(), activityTime(event)), Head::max);
        }
        Flux.fromIterable(heads.values())
                .concatMap(head -> conversations.advanceHead(head.tenantId(), head.conversationId(), head.seq(), head.at()))
                .then()
                .block(WRITE_TIMEOUT);
    }

    /** The furthest a conversation moved within one poll. */
    private record Head(String tenantId, String conversationId, long seq, Instant at) {
        Head max(Head other) {
            return new Head(tenantId, conversationId, Math.max(seq, other.seq),
                    at == null || (other.at != null && other.at.isAfter(at)) ? other.at : at);
        }
    }

    private static Instant activityTime(MessageEvent event) {
        return event.editedAt() != null && event.type() != MessageEvent.Type.MessageCreated
                ? event.editedAt() : event.createdAt();
    }
}

package io.parley.chat.conversation.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A conversation event stored after its change and kept until Kafka acknowledged it:
 * {@code value} is the event's JSON as published, keyed by {@code conversationId}.
 */
@Document(OutboxEntry.COLLECTION)
public record OutboxEntry(@Id String id, String conversationId, String value, Instant createdAt) {

    static final String COLLECTION = "conversation_outbox";
}

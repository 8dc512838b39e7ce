package io.parley.chat.conversation.persistence;

import java.time.Instant;

import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A conversation event stored right after its change: {@code value} is the event's JSON as
 * published, keyed by {@code conversationId}. {@code publishedAt} is null until Kafka
 * acknowledged it (the outbox proper); a published entry stays for
 * {@code chat.conversation.keep-published}, listed for the replicas that read recent events
 * from here when Kafka did not bring them.
 */
@Document(OutboxEntry.COLLECTION)
public record OutboxEntry(@Id String id, String conversationId, String value, Instant createdAt, Instant publishedAt) {

    static final String COLLECTION = "conversation_outbox";
}

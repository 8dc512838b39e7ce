package io.parley.chat.message.message.messaging;

import java.time.Duration;
import java.util.UUID;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.MessageEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.message.message.Message;
import io.parley.chat.message.message.persistence.MessageStore;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes stored entries to {@link Topics#MESSAGES}, keyed by conversation id so one
 * conversation's events share a partition. Publishing happens only after the insert
 * (persist before emit) and is marked on the entry afterwards; anything left unmarked
 * (Kafka down, a crash in between) is published again by the sweeper, so delivery is
 * at least once and consumers drop duplicates by seq.
 */
@Component
public class MessagePublisher {

    private final KafkaTemplate<String, String> kafka;
    private final JsonMapper json;
    private final MessageStore store;

    MessagePublisher(KafkaTemplate<String, String> kafka, JsonMapper json, MessageStore store) {
        this.kafka = kafka;
        this.json = json;
        this.store = store;
    }

    /** Sends the event and marks the entry published; fails if Kafka does not acknowledge within {@code timeout}. */
    public Mono<Message> publish(Message message, Duration timeout) {
        String value = json.writeValueAsString(toEvent(message));
        return Mono.fromFuture(() -> kafka.send(Topics.MESSAGES, message.conversationId(), value))
                .timeout(timeout)
                .then(store.markPublished(message.messageId()))
                .thenReturn(message);
    }

    static MessageEvent toEvent(Message m) {
        MessageEvent.Type type = switch (m.event()) {
            case "edited" -> MessageEvent.Type.MessageEdited;
            case "deleted", Message.TOMBSTONE -> MessageEvent.Type.MessageDeleted;
            default -> MessageEvent.Type.MessageCreated;
        };
        return new MessageEvent(UUID.nameUUIDFromBytes((m.messageId() + ":" + m.seq()).getBytes()).toString(), type,
                m.tenantId(), m.conversationId(), m.seq(), m.messageId(), m.senderId(), m.clientMsgId(), m.body(),
                m.createdAt(), m.editedAt());
    }

    @Configuration(proxyBeanMethods = false)
    static class Topic {

        /** History lives in Mongo; the topic only has to bridge edges that were briefly away. */
        @Bean
        NewTopic messagesTopic() {
            return TopicBuilder.name(Topics.MESSAGES).partitions(4).replicas(1)
                    .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(7).toMillis()))
                    .build();
        }
    }
}

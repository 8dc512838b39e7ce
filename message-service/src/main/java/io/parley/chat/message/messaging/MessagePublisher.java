package io.parley.chat.message.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

import io.parley.chat.contracts.events.MessageEvent;
import io.parley.chat.contracts.events.Topics;
import io.parley.chat.kit.kafka.TopicReplication;
import io.parley.chat.message.Message;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes stored entries to {@link Topics#MESSAGES}, keyed by conversation id so one
 * conversation's events share a partition. Publishing happens only after the insert
 * (persist before emit) and is marked on the entry afterwards; anything left unmarked
 * (Kafka down, a crash in between) is published again by the sweeper, so delivery is
 * at least once and consumers drop duplicates by seq.
 *
 * <p>Each record carries the {@code traceparent} stored with its entry, the context of the
 * request that made it, so the edges' consumers continue the send's trace even when the
 * sweeper publishes it minutes later. That is why this service's KafkaTemplate is not
 * observed ({@code spring.kafka.template.observation-enabled: false} in its application.yaml):
 * the template would add a {@code traceparent} of its own, from whichever request's thread
 * happens to publish a group commit's entries, or from none for the sweeper.
 */
@Component
public class MessagePublisher {

    /** After a failed publish, sends stop waiting for Kafka this long and leave publishing to the sweeper. */
    private static final Duration BACKOFF_AFTER_FAILURE = Duration.ofSeconds(5);
    private static final String TRACEPARENT = "traceparent";

    private final KafkaTemplate<String, String> kafka;
    private final JsonMapper json;
    private final PublishedMarks marks;
    private final AtomicLong failingUntil = new AtomicLong(System.nanoTime());

    MessagePublisher(KafkaTemplate<String, String> kafka, JsonMapper json, PublishedMarks marks) {
        this.kafka = kafka;
        this.json = json;
        this.marks = marks;
    }

    /**
     * Sends the event and marks the entry published (in the next batch of marks); fails if
     * Kafka does not acknowledge within {@code timeout}. The producer's send can block while
     * it has no metadata (Kafka down), so it runs off the event loop.
     */
    public Mono<Message> publish(Message message, Duration timeout) {
        return Mono.defer(() -> acknowledged(message, send(message), timeout))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * Hands the events to the producer now, in the given order (one conversation's events
     * share a partition, which keeps that order), and answers one Mono per event that
     * completes as {@link #publish} does. Call it off the event loop: the producer's send
     * can block while it has no metadata.
     */
    public List<Mono<Message>> publishAll(List<Message> messages, Duration timeout) {
        return messages.stream().map(message -> acknowledged(message, send(message), timeout)).toList();
    }

    private CompletableFuture<?> send(Message message) {
        try {
            return kafka.send(record(message, json.writeValueAsString(toEvent(message))));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static ProducerRecord<String, String> record(Message message, String value) {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.MESSAGES, message.conversationId(), value);
        if (message.traceparent() != null) {
            record.headers().add(TRACEPARENT, message.traceparent().getBytes(StandardCharsets.US_ASCII));
        }
        return record;
    }

    /**
     * The producer completes every send on its one network thread; the rest of the request
     * (the mark, the response's encoding and write) moves to the parallel scheduler, or
     * every send would queue for that thread.
     */
    private Mono<Message> acknowledged(Message message, CompletableFuture<?> sent, Duration timeout) {
        return Mono.fromFuture(sent)
                .publishOn(Schedulers.parallel())
                .timeout(timeout)
                .doOnError(e -> failingUntil.set(System.nanoTime() + BACKOFF_AFTER_FAILURE.toNanos()))
                .doOnSuccess(acked -> marks.mark(message.entryId()))
                .thenReturn(message);
    }

    /**
     * Whether a send should try to publish before answering. While Kafka has just failed,
     * answering at once (the message is stored) beats making every sender wait for a
     * timeout; the sweeper publishes what was stored meanwhile.
     */
    public boolean available() {
        return System.nanoTime() - failingUntil.get() >= 0;
    }

    /** A tombstone travels as a MessageDeleted without a messageId: a seq that holds nothing. */
    static MessageEvent toEvent(Message m) {
        MessageEvent.Type type = switch (m.event()) {
            case Message.EDITED -> MessageEvent.Type.MessageEdited;
            case Message.DELETED, Message.TOMBSTONE -> MessageEvent.Type.MessageDeleted;
            default -> MessageEvent.Type.MessageCreated;
        };
        return new MessageEvent(UUID.nameUUIDFromBytes(m.entryId().getBytes(StandardCharsets.UTF_8)).toString(), type,
                m.tenantId(), m.conversationId(), m.seq(), m.messageId(), m.senderId(), m.clientMsgId(), m.body(),
                m.createdAt(), m.editedAt());
    }

    @Configuration(proxyBeanMethods = false)
    static class Topic {

        /** History lives in Mongo; the topic only has to bridge edges that were briefly away. */
        @Bean
        NewTopic messagesTopic(TopicReplication replication) {
            return replication.topic(Topics.MESSAGES).partitions(4)
                    .config(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(7).toMillis()))
                    .build();
        }
    }
}
